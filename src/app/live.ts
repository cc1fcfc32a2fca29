import { randomUUID } from "node:crypto";
import { createPubSub, type PubSubEventTarget } from "graphql-yoga";
import type { Applied } from "../projections/projector.ts";

type Topics = {
  "stream:changed": [streamId: string, change: Applied];
  "collectivity:changed": [collectivityId: string, change: Applied];
  /** A peer group's aggregates changed; published under the group's key and under ANY_GROUP. */
  "benchmark:changed": [groupKey: string, change: BenchmarkAnnouncement];
};

export const ANY_GROUP = "any";

/** A group's figures changed; `id` names this announcement, so each process computes what it delivers once. */
export interface BenchmarkAnnouncement {
  groupKey: string;
  id: string;
}

/**
 * Change notifications for subscriptions, published once a projection has
 * applied the event: on its stream's topic and on its collectivity's. In
 * process by default; across processes when given Redis as event target.
 */
export type LiveEvents = ReturnType<typeof createLiveEvents>;

export const createLiveEvents = (eventTarget?: PubSubEventTarget<Topics>) => createPubSub<Topics>({ eventTarget });

export function publishApplied(live: LiveEvents, applied: Applied[]): void {
  for (const change of applied) {
    live.publish("stream:changed", change.event.streamId, change);
    live.publish("collectivity:changed", change.collectivityId, change);
  }
}

export function publishBenchmarks(live: LiveEvents, groupKeys: string[]): void {
  for (const groupKey of groupKeys) {
    const announcement = { groupKey, id: randomUUID() };
    live.publish("benchmark:changed", groupKey, announcement);
    live.publish("benchmark:changed", ANY_GROUP, announcement);
  }
}
