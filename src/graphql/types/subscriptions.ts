import { filter, pipe } from "graphql-yoga";
import { ANY_GROUP } from "../../app/live.ts";
import { canSeeMatrix, type Principal, requirePrincipal } from "../../auth/principal.ts";
import { notFound } from "../../domain/errors.ts";
import { matrixStream } from "../../domain/streams.ts";
import type { Applied } from "../../projections/projector.ts";
import { builder } from "../builder.ts";
import { PeerGroupBenchmark, PeerGroupInput } from "./benchmark.ts";
import { DomainEvent } from "./events.ts";
import { Matrix } from "./matrix.ts";

const MatrixChange = builder.objectRef<Applied>("MatrixChange").implement({
  fields: (t) => ({
    // Read again only when asked for, and only where the change came through Redis without it.
    matrix: t.field({ type: Matrix, resolve: (change, _args, ctx) => change.matrix ?? ctx.queries.matrixAfter(change.event) }),
    event: t.field({ type: DomainEvent, resolve: (change) => change.event }),
  }),
});

/** Whether a change may reach this caller: a matrix's, only if the matrix as the event left it was theirs to read. */
const audible = (principal: Principal | null, change: Applied) =>
  change.visibility === undefined || canSeeMatrix(principal, { collectivityId: change.collectivityId, visibility: change.visibility });

builder.subscriptionType({
  fields: (t) => ({
    matrixChanged: t.field({
      type: MatrixChange,
      description: "Emitted once the matrix read model has applied the event, with the matrix as that event left it",
      args: { matrixId: t.arg.id({ required: true }) },
      subscribe: async (_root, args, ctx) => {
        const matrixId = String(args.matrixId);
        if (!(await ctx.queries.matrix(matrixId, {}, ctx.principal))) throw notFound("matrix", matrixId);
        // Checked again on each change: a matrix made private stops reaching those who may no longer read it.
        return pipe(
          ctx.live.subscribe("stream:changed", matrixStream(matrixId)),
          filter((change: Applied) => audible(ctx.principal, change)),
        );
      },
      resolve: (change) => change,
    }),
    collectivityEvents: t.field({
      type: DomainEvent,
      description: "Events of the collectivity and of the matrices this token may see",
      args: { collectivityId: t.arg.id({ required: true }) },
      subscribe: async (_root, args, ctx) => {
        const who = requirePrincipal(ctx.principal);
        const collectivityId = String(args.collectivityId);
        if (!(await ctx.queries.collectivity(collectivityId, who))) throw notFound("collectivity", collectivityId);
        return pipe(
          ctx.live.subscribe("collectivity:changed", collectivityId),
          filter((change: Applied) => audible(who, change)),
        );
      },
      resolve: (change) => change.event,
    }),
    benchmarkUpdated: t.field({
      type: PeerGroupBenchmark,
      description: "Emitted when a peer group's aggregates change; without peerGroup, for every group",
      args: { peerGroup: t.arg({ type: PeerGroupInput }) },
      subscribe: async (_root, args, ctx) => {
        const key = await ctx.benchmarks.subscribable(args.peerGroup ?? null, ctx.principal);
        return ctx.live.subscribe("benchmark:changed", key ?? ANY_GROUP);
      },
      resolve: (change, _args, ctx) => ctx.benchmarks.announced(change),
    }),
  }),
});
