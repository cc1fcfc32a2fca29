import type { TerritoryEntry as Entry, TerritoryService } from "../../app/territory.ts";
import { builder } from "../builder.ts";
import { Collectivity } from "./collectivity.ts";
import { CollectivityKindEnum } from "./scalars.ts";

const TerritoryInfo = builder.objectRef<NonNullable<Awaited<ReturnType<TerritoryService["info"]>>>>("TerritoryInfo").implement({
  description: "The millésime of the Code officiel géographique loaded (npm run territory:import)",
  fields: (t) => ({
    millesime: t.exposeString("millesime", { description: 'e.g. "2026"' }),
    source: t.exposeString("source"),
    communes: t.exposeInt("communes"),
    epci: t.exposeInt("epci", { description: "EPCI à fiscalité propre" }),
    departements: t.exposeInt("departements"),
    regions: t.exposeInt("regions"),
    importedAt: t.field({ type: "DateTime", nullable: true, resolve: (info) => info.importedAt }),
  }),
});

const TerritoryArea = builder.objectRef<{ code: string; name: string }>("TerritoryArea").implement({
  description: "A département or a région, by INSEE code",
  fields: (t) => ({ code: t.exposeString("code"), name: t.exposeString("name") }),
});

const TerritoryEntry = builder.objectRef<Entry>("TerritoryEntry");
TerritoryEntry.implement({
  description: "A commune or an EPCI à fiscalité propre of the official directory",
  fields: (t) => ({
    officialCode: t.exposeString("officialCode", { nullable: true, description: "SIREN, where the directory gives one" }),
    inseeCode: t.exposeString("inseeCode", { description: "A commune's COG code (5 characters); an EPCI's SIREN" }),
    name: t.exposeString("name", { description: "As the directory spells it, accents included" }),
    kind: t.expose("kind", { type: CollectivityKindEnum }),
    population: t.exposeInt("population", { nullable: true }),
    departement: t.field({ type: TerritoryArea, nullable: true, resolve: (e) => e.departement }),
    region: t.field({ type: TerritoryArea, nullable: true, resolve: (e) => e.region }),
    epci: t.field({
      type: TerritoryEntry,
      nullable: true,
      description: "A commune's EPCI à fiscalité propre",
      resolve: (e, _args, ctx) => (e.epciSiren ? ctx.loaders.territoryEntry.load(e.epciSiren) : null),
    }),
    members: t.field({
      type: [TerritoryEntry],
      nullable: true,
      description: "An EPCI's communes, largest first",
      resolve: (e, _args, ctx) => (e.kind === "COMMUNE" ? null : ctx.loaders.territoryMembers.load(e.inseeCode)),
    }),
    collectivity: t.field({
      type: Collectivity,
      nullable: true,
      description: "The registered collectivity of this entry, if any and visible to the caller",
      resolve: async (e, _args, ctx) => {
        const id = ctx.principal && e.officialCode && (await ctx.loaders.registeredId.load(e.officialCode));
        return id ? ctx.queries.collectivity(id, ctx.principal) : null;
      },
    }),
  }),
});

builder.queryFields((t) => ({
  territoryInfo: t.field({
    type: TerritoryInfo,
    nullable: true,
    description: "Null before any import; no token needed (reference data)",
    resolve: (_root, _args, ctx) => ctx.territory.info(),
  }),
  territory: t.field({
    type: [TerritoryEntry],
    description:
      'Communes and EPCI by name (accents, case, hyphens, apostrophes aside; "st etienne" finds Saint-Étienne), INSEE code, SIREN or postal code; best match first. No token needed. STALE while the territory is being loaded',
    args: {
      search: t.arg.string({ required: true }),
      kinds: t.arg({ type: [CollectivityKindEnum] }),
      first: t.arg.int({ description: "At most 50; 10 by default" }),
    },
    resolve: (_root, args, ctx) => ctx.territory.search(args.search, args.kinds ?? null, Math.min(Math.max(args.first ?? 10, 1), 50)),
  }),
  territoryEntry: t.field({
    type: TerritoryEntry,
    nullable: true,
    description: "A commune by INSEE code or SIREN, an EPCI by SIREN",
    args: { code: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => ctx.territory.entry(args.code),
  }),
}));

builder.objectFields(Collectivity, (t) => ({
  inseeCode: t.string({ nullable: true, description: "Its code in the Code officiel géographique, when registered from it", resolve: (c) => c.inseeCode }),
  departement: t.field({
    type: TerritoryArea,
    nullable: true,
    resolve: (c, _args, ctx) => (c.departementCode ? ctx.loaders.territoryArea.load({ level: "departement", code: c.departementCode }) : null),
  }),
  region: t.field({
    type: TerritoryArea,
    nullable: true,
    resolve: (c, _args, ctx) => (c.regionCode ? ctx.loaders.territoryArea.load({ level: "region", code: c.regionCode }) : null),
  }),
  epci: t.field({
    type: TerritoryEntry,
    nullable: true,
    description: "A commune's EPCI à fiscalité propre",
    resolve: (c, _args, ctx) => (c.epciCode ? ctx.loaders.territoryEntry.load(c.epciCode) : null),
  }),
}));
