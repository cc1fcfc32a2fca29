import { createPubSub, type PubSubEventTarget } from "graphql-yoga";
import type { RecordedEvent } from "../domain/events.ts";
import type { Applied } from "../projections/projector.ts";

type Topics = {
  "stream:changed": [streamId: string, event: RecordedEvent];
  "collectivity:changed": [collectivityId: string, event: RecordedEvent];
};

/**
 * Change notifications for subscriptions, published once a projection has
 * applied the event: on its stream's topic and on its collectivity's. In
 * process by default; across processes when given Redis as event target.
 */
export type LiveEvents = ReturnType<typeof createLiveEvents>;

export const createLiveEvents = (eventTarget?: PubSubEventTarget<Topics>) => createPubSub<Topics>({ eventTarget });

export function publishApplied(live: LiveEvents, applied: Applied[]): void {
  for (const { event, collectivityId } of applied) {
    live.publish("stream:changed", event.streamId, event);
    live.publish("collectivity:changed", collectivityId, event);
  }
}

/** An event that crossed Redis arrives as JSON: its time is a string again. */
export const revived = (event: RecordedEvent): RecordedEvent =>
  event.occurredAt instanceof Date ? event : { ...event, occurredAt: new Date(event.occurredAt) };
