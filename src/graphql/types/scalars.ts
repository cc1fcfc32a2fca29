import { Kind } from "graphql";
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
import { CALENDAR_DAY, calendarDate } from "../../domain/validation.ts";
import { endOfParisDay } from "../../shared/paris-time.ts";
import { builder } from "../builder.ts";

// A plain date (2026-11-26) also reads as a DateTime: the end of that day in Europe/Paris, as a person means it.
const dateTimeOrDay = (value: unknown) => (typeof value === "string" && CALENDAR_DAY.test(value) ? endOfParisDay(calendarDate("asOf", value)) : null);
builder.scalarType("DateTime", {
  description: `${DateTimeResolver.description} A calendar date alone (2026-11-26) means the end of that day in Europe/Paris.`,
  serialize: (value) => DateTimeResolver.serialize(value) as Date | string,
  parseValue: (value) => dateTimeOrDay(value) ?? (DateTimeResolver.parseValue(value) as Date),
  parseLiteral: (ast) => dateTimeOrDay(ast.kind === Kind.STRING ? ast.value : null) ?? (DateTimeResolver.parseLiteral(ast, {}) as Date),
});
// Sent with the GraphQL multipart request spec, which Yoga reads into a web File.
builder.scalarType("File", {
  description: "A file sent with the GraphQL multipart request spec",
  serialize: () => {
    throw new Error("File is an input only");
  },
});
builder.scalarType("Date", {
  description: "A calendar date, ISO 8601 (2027-06-30)",
  serialize: (value) => value,
  parseValue: (value) => calendarDate("date", String(value)),
  parseLiteral: (ast) => calendarDate("date", ast.kind === Kind.STRING ? ast.value : ""),
});
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
