import type { Page } from "../../app/queries.ts";
import type { Collectivity as CollectivityState } from "../../domain/collectivity.ts";
import { builder } from "../builder.ts";
import { notYetAvailable } from "../errors.ts";
import { CollectivityBenchmark, PeerGroup } from "./benchmark.ts";
import { pageInfo } from "./events.ts";
import { Matrix } from "./matrix.ts";
import { CollectivityKindEnum, PageInfo } from "./scalars.ts";

export const Collectivity = builder.objectRef<CollectivityState>("Collectivity");

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
    version: t.exposeInt("version", { description: "Version of its own event stream" }),
    matrices: t.field({
      type: [Matrix],
      description: "The matrices this token may see",
      resolve: (c, _args, ctx) => ctx.queries.matricesOf(c.id, ctx.principal),
    }),
    peerGroup: t.field({ type: PeerGroup, resolve: () => notYetAvailable("peer groups") }),
    benchmark: t.field({
      type: CollectivityBenchmark,
      nullable: true,
      description: "Null when its peer group is suppressed",
      resolve: () => notYetAvailable("benchmarks"),
    }),
  }),
});

const CollectivityEdge = builder.objectRef<{ cursor: string; node: CollectivityState }>("CollectivityEdge").implement({
  fields: (t) => ({
    cursor: t.exposeString("cursor"),
    node: t.field({ type: Collectivity, resolve: (edge) => edge.node }),
  }),
});

export const CollectivityConnection = builder.objectRef<Page<CollectivityState>>("CollectivityConnection").implement({
  fields: (t) => ({
    edges: t.field({ type: [CollectivityEdge], resolve: (page) => page.items }),
    pageInfo: t.field({ type: PageInfo, resolve: pageInfo }),
    totalCount: t.exposeInt("totalCount"),
  }),
});
