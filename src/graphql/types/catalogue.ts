import type { CatalogueEntry as Entry } from "../../domain/catalogue/index.ts";
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
