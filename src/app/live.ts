import { createPubSub } from "graphql-yoga";
import type { RecordedEvent } from "../domain/events.ts";

/**
 * Change notifications for subscriptions, in process: every event is
 * published once its append has committed, on its own stream's topic and on
 * its collectivity's.
 */
export type LiveEvents = ReturnType<typeof createLiveEvents>;

export const createLiveEvents = () =>
  createPubSub<{
    "stream:changed": [streamId: string, event: RecordedEvent];
    "collectivity:changed": [collectivityId: string, event: RecordedEvent];
  }>();

export function publishAppended(live: LiveEvents, events: RecordedEvent[], collectivityId: string): void {
  for (const event of events) {
    live.publish("stream:changed", event.streamId, event);
    live.publish("collectivity:changed", collectivityId, event);
  }
}
