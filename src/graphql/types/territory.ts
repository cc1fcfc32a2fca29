import type { TerritoryService } from "../../app/territory.ts";
import { builder } from "../builder.ts";

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

builder.queryFields((t) => ({
  territoryInfo: t.field({
    type: TerritoryInfo,
    nullable: true,
    description: "Null before any import; no token needed (reference data)",
    resolve: (_root, _args, ctx) => ctx.territory.info(),
  }),
}));
