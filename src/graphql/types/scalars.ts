import { DateTimeResolver, JSONResolver } from "graphql-scalars";
import {
  CATALOGUE_ENTRY_KINDS,
  COLLECTIVITY_KINDS,
  FACTOR_KINDS,
  INNOVATION_DOMAINS,
  MATRIX_STATUSES,
  QUADRANTS,
  STRATEGY_STATUSES,
} from "../../domain/types.ts";
import { builder } from "../builder.ts";

builder.addScalarType("DateTime", DateTimeResolver);
builder.addScalarType("JSON", JSONResolver);

export const CollectivityKindEnum = builder.enumType("CollectivityKind", { values: COLLECTIVITY_KINDS });
export const FactorKindEnum = builder.enumType("FactorKind", { values: FACTOR_KINDS });
export const QuadrantEnum = builder.enumType("Quadrant", {
  description: "Internal side first: SO = strength x opportunity, WO, ST, WT",
  values: QUADRANTS,
});
export const StrategyStatusEnum = builder.enumType("StrategyStatus", { values: STRATEGY_STATUSES });
export const InnovationDomainEnum = builder.enumType("InnovationDomain", {
  description: "The four families of innovation named in the seed",
  values: INNOVATION_DOMAINS,
});
export const MatrixStatusEnum = builder.enumType("MatrixStatus", { values: MATRIX_STATUSES });
export const MatrixVisibilityEnum = builder.enumType("MatrixVisibility", {
  description: "Who may read a published matrix; chosen when publishing, changeable later",
  values: {
    AGGREGATES_ONLY: { description: "Its own editors and admins only; it counts in benchmarks, under the privacy guarantee" },
    NETWORK: { description: "Every signed-in member of the network, in full and by name" },
    PUBLIC: { description: "Anyone, without a token (public accountability)" },
  },
});
export const CatalogueEntryKindEnum = builder.enumType("CatalogueEntryKind", { values: CATALOGUE_ENTRY_KINDS });

export const PageInfo = builder.objectRef<{ hasNextPage: boolean; endCursor: string | null }>("PageInfo").implement({
  fields: (t) => ({
    hasNextPage: t.exposeBoolean("hasNextPage"),
    endCursor: t.exposeString("endCursor", { nullable: true }),
  }),
});
