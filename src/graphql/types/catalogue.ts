import { CATALOGUE_SOURCE, type CatalogueEntry as Entry } from "../../domain/catalogue/index.ts";
import { QUADRANTS, type Quadrant } from "../../domain/types.ts";
import { QUADRANTS_FR } from "../../shared/french.ts";
import { builder } from "../builder.ts";
import { CatalogueEntryKindEnum, FactorKindEnum, QuadrantEnum } from "./scalars.ts";

export const CatalogueEntry = builder.objectRef<Entry>("CatalogueEntry").implement({
  description: "The network's shared vocabulary, from the ADT-INET talk (see shared/seed)",
  fields: (t) => ({
    key: t.exposeString("key"),
    kind: t.expose("kind", { type: CatalogueEntryKindEnum }),
    factorKind: t.expose("factorKind", { type: FactorKindEnum, nullable: true, description: "For FACTOR entries" }),
    quadrant: t.expose("quadrant", { type: QuadrantEnum, nullable: true, description: "For STRATEGY and TOOL entries" }),
    label: t.exposeString("label"),
    description: t.exposeString("description", { nullable: true }),
    internalFactorKey: t.exposeString("internalFactorKey", { nullable: true, description: "For STRATEGY entries: the row of the TOWS grid" }),
    externalFactorKey: t.exposeString("externalFactorKey", { nullable: true, description: "For STRATEGY entries: the column of the TOWS grid" }),
  }),
});

const QuadrantGuide = builder.objectRef<Quadrant>("QuadrantGuide").implement({
  description: "One grid of the seed's « croisement dynamique »: its French label and guiding question, as the seed words them",
  fields: (t) => ({
    quadrant: t.field({ type: QuadrantEnum, resolve: (quadrant) => quadrant }),
    label: t.string({ resolve: (quadrant) => QUADRANTS_FR[quadrant].label }),
    question: t.string({ resolve: (quadrant) => QUADRANTS_FR[quadrant].question }),
  }),
});

const CatalogueInfo = builder.objectRef<{ source: string }>("CatalogueInfo").implement({
  fields: (t) => ({ source: t.exposeString("source", { description: "The talk the catalogue comes from" }) }),
});

builder.queryFields((t) => ({
  quadrants: t.field({ type: [QuadrantGuide], description: "No token needed", resolve: () => [...QUADRANTS] }),
  catalogueInfo: t.field({ type: CatalogueInfo, description: "No token needed", resolve: () => ({ source: CATALOGUE_SOURCE }) }),
}));
