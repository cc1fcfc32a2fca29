import type { CollectivityListing } from "../../app/queries.ts";
import type { Collectivity as CollectivityState, Merger } from "../../domain/collectivity.ts";
import { STRATEGY_STATUSES, type StrategyStatus } from "../../domain/types.ts";
import type { DecisionEntry } from "../../generated/prisma/client.ts";
import { builder } from "../builder.ts";
import { CollectivityBenchmark, PeerGroup, PeerGroupInput } from "./benchmark.ts";
import { type Counted, connectionOf } from "./connections.ts";
import { Matrix } from "./matrix.ts";
import { CollectivityKindEnum, StrategyStatusEnum } from "./scalars.ts";

export const Collectivity = builder.objectRef<CollectivityState & Partial<Omit<CollectivityListing, keyof CollectivityState>>>("Collectivity");

const StatusCount = builder.objectRef<{ status: StrategyStatus; count: number }>("StatusCount").implement({
  fields: (t) => ({
    status: t.expose("status", { type: StrategyStatusEnum }),
    count: t.exposeInt("count"),
  }),
});

const TimelineEntry = builder.objectRef<DecisionEntry>("TimelineEntry").implement({
  description: "A decision on a strategy or an initiative of one of the collectivity's matrices",
  fields: (t) => ({
    position: t.exposeString("position"),
    matrixId: t.exposeID("matrixId"),
    subjectType: t.exposeString("subjectType", { description: "STRATEGY or INITIATIVE" }),
    subjectId: t.exposeID("subjectId"),
    title: t.exposeString("title"),
    fromStatus: t.field({ type: StrategyStatusEnum, nullable: true, resolve: (d) => d.fromStatus as StrategyStatus | null }),
    toStatus: t.field({ type: StrategyStatusEnum, resolve: (d) => d.toStatus as StrategyStatus }),
    actor: t.exposeString("actor"),
    reason: t.exposeString("reason", { nullable: true }),
    at: t.field({ type: "DateTime", resolve: (d) => d.at }),
  }),
});

const TimelineConnection = builder.connectionObject<typeof TimelineEntry, Counted>(
  { type: TimelineEntry, name: "TimelineConnection", fields: (t) => ({ totalCount: t.int({ resolve: (page) => page.totalCount }) }) },
  { name: "TimelineEdge" },
);

const CollectivityMerger = builder.objectRef<Merger>("CollectivityMerger").implement({
  description: "The commune nouvelle a commune merged into, as a millésime of the official territory recorded it",
  fields: (t) => ({
    inseeCode: t.exposeString("inseeCode"),
    name: t.exposeString("name"),
    officialCode: t.exposeString("officialCode", { nullable: true }),
  }),
});

Collectivity.implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    kind: t.expose("kind", { type: CollectivityKindEnum }),
    officialCode: t.exposeString("officialCode", { nullable: true, description: "SIREN (9 digits); validated when given" }),
    population: t.exposeInt("population"),
    financialPotentialPerCapita: t.exposeFloat("financialPotentialPerCapita", {
      nullable: true,
      description: "Potentiel financier par habitant, in euros",
    }),
    regionCode: t.exposeString("regionCode", { nullable: true }),
    mergedInto: t.field({
      type: CollectivityMerger,
      nullable: true,
      description: "Merged into a commune nouvelle: it is no peer in benchmarks any more; its matrices and history stay",
      resolve: (c) => c.mergedInto,
    }),
    version: t.exposeInt("version", { description: "Version of its own event stream" }),
    matrices: t.field({
      type: [Matrix],
      description: "The matrices this token may see",
      resolve: (c, _args, ctx) => ctx.loaders.matricesOf.load(c.id),
    }),
    matrixCount: t.int({
      nullable: true,
      description: "Published matrices (null until the directory has caught up)",
      resolve: (c) => c.matrixCount ?? null,
    }),
    factorCount: t.int({ nullable: true, description: "Factors of its published matrices", resolve: (c) => c.factorCount ?? null }),
    strategyCounts: t.field({
      type: [StatusCount],
      nullable: true,
      description: "Strategies of its published matrices, by status",
      resolve: (c) => (c.strategiesByStatus ? STRATEGY_STATUSES.map((status) => ({ status, count: c.strategiesByStatus?.[status] ?? 0 })) : null),
    }),
    timeline: t.field({
      type: TimelineConnection,
      description: "Decisions on strategies and initiatives, newest first",
      args: { first: t.arg.int(), after: t.arg.string() },
      resolve: async (c, args, ctx) => connectionOf(await ctx.queries.timeline(c.id, args, ctx.principal), args.after),
    }),
    peerGroup: t.field({
      type: PeerGroup,
      description: "Its own kind, population stratum and wealth quartile",
      resolve: (c, _args, ctx) => ctx.loaders.peerGroupOf.load(c),
    }),
    benchmark: t.field({
      type: CollectivityBenchmark,
      nullable: true,
      description:
        "Its standing within peerGroup, or else within the finest of its own groups whose figures are released (kind, stratum and quartile, then wider); peerGroup says which. Null when none is released. For its editors and admins only",
      args: { peerGroup: t.arg({ type: PeerGroupInput }) },
      resolve: (c, args, ctx) => ctx.benchmarks.collectivityBenchmark(c.id, args.peerGroup ?? null, ctx.principal),
    }),
  }),
});

export const CollectivityConnection = builder.connectionObject<typeof Collectivity, Counted>(
  { type: Collectivity, name: "CollectivityConnection", fields: (t) => ({ totalCount: t.int({ resolve: (page) => page.totalCount }) }) },
  { name: "CollectivityEdge" },
);
