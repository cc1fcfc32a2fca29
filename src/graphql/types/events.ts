import type { RecordedEvent } from "../../domain/events.ts";
import { builder } from "../builder.ts";

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

export const EventConnection = builder.connectionObject({ type: DomainEvent, name: "EventConnection" }, { name: "EventEdge" });
