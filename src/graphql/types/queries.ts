import { catalogueEntries } from "../../domain/catalogue/index.ts";
import type { ProjectionStatus } from "../../projections/runner.ts";
import { builder } from "../builder.ts";
import { PeerGroup, PeerGroupBenchmark, PeerGroupInput, PeerPractices, ReferenceWeight } from "./benchmark.ts";
import { CatalogueEntry } from "./catalogue.ts";
import { Collectivity, CollectivityConnection } from "./collectivity.ts";
import { connectionOf } from "./connections.ts";
import { EventConnection } from "./events.ts";
import { Matrix, MatrixConnection } from "./matrix.ts";
import { CatalogueEntryKindEnum, CollectivityKindEnum } from "./scalars.ts";

const ProjectionStatusRef = builder.objectRef<ProjectionStatus>("ProjectionStatus").implement({
  fields: (t) => ({
    name: t.exposeString("name"),
    checkpoint: t.exposeString("checkpoint", { nullable: true, description: "Position of the last event applied" }),
    eventsBehind: t.exposeInt("eventsBehind"),
    secondsBehind: t.exposeFloat("secondsBehind", { description: "Age of the oldest event not applied yet" }),
    lastRunAt: t.expose("lastRunAt", { type: "DateTime", nullable: true, description: "When a batch last ran to its end" }),
    lastError: t.exposeString("lastError", { nullable: true, description: "The last batch's failure, until one succeeds" }),
  }),
});

builder.queryType({
  fields: (t) => ({
    collectivity: t.field({
      type: Collectivity,
      nullable: true,
      args: { id: t.arg.id({ required: true }) },
      resolve: (_root, args, ctx) => ctx.queries.collectivity(String(args.id), ctx.principal),
    }),
    collectivities: t.field({
      type: CollectivityConnection,
      args: {
        kind: t.arg({ type: CollectivityKindEnum }),
        search: t.arg.string({ description: 'By name (accents, case, hyphens, apostrophes aside, "st" for "saint"), SIREN or INSEE code' }),
        first: t.arg.int(),
        after: t.arg.string(),
      },
      resolve: async (_root, args, ctx) => connectionOf(await ctx.queries.collectivityPage(args, ctx.principal), args.after),
    }),
    matrix: t.field({
      type: Matrix,
      nullable: true,
      description:
        "asOf / atVersion: the matrix as it stood then, folded from its events. minPosition: wait (bounded) until that position is readable, else fail with STALE; this gives read-your-writes after a mutation.",
      args: {
        id: t.arg.id({ required: true }),
        asOf: t.arg({ type: "DateTime" }),
        atVersion: t.arg.int(),
        minPosition: t.arg.string(),
      },
      resolve: (_root, args, ctx) => ctx.queries.matrix(String(args.id), args, ctx.principal),
    }),
    publicMatrices: t.field({
      type: MatrixConnection,
      description: "Matrices their collectivities made PUBLIC, most recently published first; no token needed",
      args: { first: t.arg.int(), after: t.arg.string() },
      resolve: async (_root, args, ctx) => connectionOf(await ctx.queries.publicMatrices(args), args.after),
    }),
    events: t.field({
      type: EventConnection,
      description: "Without streamId, the whole log (admins only)",
      args: { streamId: t.arg.string(), after: t.arg.string(), first: t.arg.int() },
      resolve: async (_root, args, ctx) => connectionOf(await ctx.queries.events(args, ctx.principal), args.after),
    }),
    catalogue: t.field({
      type: [CatalogueEntry],
      args: { kind: t.arg({ type: CatalogueEntryKindEnum }) },
      resolve: (_root, args) => catalogueEntries(args.kind ?? undefined),
    }),
    projections: t.field({
      type: [ProjectionStatusRef],
      description: "Each read-model projection with its checkpoint and how far behind the log it is (admins only)",
      resolve: (_root, _args, ctx) => ctx.queries.projections(ctx.principal),
    }),
    peerGroups: t.field({
      type: [PeerGroup],
      description: "Peer groups that have members, with their sizes; codes of population strata are stable",
      args: { kind: t.arg({ type: CollectivityKindEnum }) },
      resolve: (_root, args, ctx) => ctx.benchmarks.peerGroups(args.kind ?? null, ctx.principal),
    }),
    benchmark: t.field({
      type: PeerGroupBenchmark,
      args: { peerGroup: t.arg({ type: PeerGroupInput, required: true }) },
      resolve: (_root, args, ctx) => ctx.benchmarks.benchmark(args.peerGroup, ctx.principal),
    }),
    peerPractices: t.field({
      type: PeerPractices,
      description:
        "Among the peers whose latest published matrix holds this catalogue factor (as the given matrix does), which catalogue strategies and toolbox items they adopted and how far they got, ranked. The peer group defaults to the matrix's collectivity's own.",
      args: {
        matrixId: t.arg.id({ required: true }),
        factorKey: t.arg.string({ required: true, description: "A catalogue factor key (S1…T3) the matrix holds" }),
        peerGroup: t.arg({ type: PeerGroupInput }),
      },
      resolve: (_root, args, ctx) =>
        ctx.benchmarks.peerPractices({ matrixId: String(args.matrixId), factorKey: args.factorKey, peerGroup: args.peerGroup }, ctx.principal),
    }),
    referenceWeights: t.field({
      type: [ReferenceWeight],
      description: "The network's reference weights, which comparable scores in benchmarks use",
      args: { kind: t.arg({ type: CollectivityKindEnum }) },
      resolve: (_root, args, ctx) => ctx.benchmarks.referenceWeights(args.kind ?? null, ctx.principal),
    }),
  }),
});
