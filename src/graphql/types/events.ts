import type { Page } from "../../app/queries.ts";
import type { RecordedEvent } from "../../domain/events.ts";
import { builder } from "../builder.ts";
import { PageInfo } from "./scalars.ts";

export const DomainEvent = builder.objectRef<RecordedEvent>("DomainEvent").implement({
  fields: (t) => ({
    id: t.id({ resolve: (e) => `${e.streamId}:${e.version}` }),
    streamId: t.exposeString("streamId"),
    version: t.exposeInt("version", { description: "Position inside its stream, from 1" }),
    position: t.exposeString("position", { description: "Global, strictly increasing in log order; compare as strings" }),
    type: t.exposeString("type", { description: "e.g. FactorAdded, StrategyStatusChanged" }),
    occurredAt: t.field({ type: "DateTime", resolve: (e) => e.occurredAt }),
    actor: t.exposeString("actor"),
    reason: t.exposeString("reason", { nullable: true }),
    payload: t.field({ type: "JSON", resolve: (e) => e.data }),
  }),
});

const EventEdge = builder.objectRef<{ cursor: string; node: RecordedEvent }>("EventEdge").implement({
  fields: (t) => ({
    cursor: t.exposeString("cursor"),
    node: t.field({ type: DomainEvent, resolve: (edge) => edge.node }),
  }),
});

export const EventConnection = builder.objectRef<Page<RecordedEvent>>("EventConnection").implement({
  fields: (t) => ({
    edges: t.field({ type: [EventEdge], resolve: (page) => page.items }),
    pageInfo: t.field({ type: PageInfo, resolve: pageInfo }),
  }),
});

export function pageInfo<T>(page: Page<T>) {
  return { hasNextPage: page.hasNextPage, endCursor: page.items[page.items.length - 1]?.cursor ?? null };
}
