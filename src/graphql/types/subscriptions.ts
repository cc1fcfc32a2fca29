import { filter, pipe } from "graphql-yoga";
import { canSeeMatrix, requirePrincipal } from "../../auth/principal.ts";
import type { RecordedEvent } from "../../domain/events.ts";
import type { Matrix as MatrixState } from "../../domain/matrix.ts";
import { notFound } from "../../domain/errors.ts";
import { builder } from "../builder.ts";
import { notYetAvailable } from "../errors.ts";
import { PeerGroupBenchmark, PeerGroupInput } from "./benchmark.ts";
import { DomainEvent } from "./events.ts";
import { Matrix } from "./matrix.ts";

const MatrixChange = builder.objectRef<{ matrix: MatrixState; event: RecordedEvent }>("MatrixChange").implement({
  fields: (t) => ({
    matrix: t.field({ type: Matrix, resolve: (change) => change.matrix }),
    event: t.field({ type: DomainEvent, resolve: (change) => change.event }),
  }),
});

builder.subscriptionType({
  fields: (t) => ({
    matrixChanged: t.field({
      type: MatrixChange,
      description: "Emitted once the event is committed, with the matrix as that event left it",
      args: { matrixId: t.arg.id({ required: true }) },
      subscribe: async (_root, args, ctx) => {
        const matrixId = String(args.matrixId);
        if (!(await ctx.queries.matrix(matrixId, {}, ctx.principal))) throw notFound("matrix", matrixId);
        return ctx.live.subscribe("stream:changed", `matrix-${matrixId}`);
      },
      resolve: async (event, _args, ctx) => {
        const matrixId = event.streamId.slice("matrix-".length);
        const matrix = await ctx.queries.matrix(matrixId, { atVersion: event.version }, ctx.principal);
        return { matrix: matrix!, event };
      },
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
          filter(async (event: RecordedEvent) => {
            if (!event.streamId.startsWith("matrix-")) return true;
            const matrix = await ctx.queries.matrix(event.streamId.slice("matrix-".length), {}, who);
            return matrix !== null && canSeeMatrix(who, matrix);
          }),
        );
      },
      resolve: (event) => event,
    }),
    benchmarkUpdated: t.field({
      type: PeerGroupBenchmark,
      args: { peerGroup: t.arg({ type: PeerGroupInput }) },
      subscribe: () => notYetAvailable("benchmark updates"),
      resolve: () => notYetAvailable("benchmark updates"),
    }),
  }),
});
