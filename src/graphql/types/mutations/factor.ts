import { builder } from "../../builder.ts";
import { FactorKindEnum, InnovationDomainEnum } from "../scalars.ts";
import { commandOptionFields, FactorPayload, factorPayload, MatrixPayload, matrixPayload } from "./command.ts";

const AddFactorInput = builder.inputType("AddFactorInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    kind: t.field({ type: FactorKindEnum, required: true }),
    label: t.string({ description: "Required, unless catalogueKey gives the catalogue's label (and description)" }),
    description: t.string(),
    weight: t.float({ description: ">= 0, default 1" }),
    rating: t.int({ description: "1..4, default 3 for strengths and opportunities, 2 for weaknesses and threats" }),
    domain: t.field({ type: InnovationDomainEnum }),
    catalogueKey: t.string(),
    ...commandOptionFields(t, { reason: true, expectedVersion: true }),
  }),
});

const ReviseFactorInput = builder.inputType("ReviseFactorInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    factorId: t.id({ required: true }),
    label: t.string(),
    description: t.string(),
    weight: t.float(),
    rating: t.int(),
    domain: t.field({ type: InnovationDomainEnum }),
    catalogueKey: t.string(),
    ...commandOptionFields(t, { reason: true, expectedVersion: true }),
  }),
});

const RemoveFactorInput = builder.inputType("RemoveFactorInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    factorId: t.id({ required: true }),
    ...commandOptionFields(t, { reason: true, expectedVersion: true }),
  }),
});

const ReorderFactorsInput = builder.inputType("ReorderFactorsInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    kind: t.field({ type: FactorKindEnum, required: true }),
    factorIds: t.idList({ required: true, description: "Every live factor of that kind, each once, in the new order" }),
    ...commandOptionFields(t, { reason: true, expectedVersion: true }),
  }),
});

builder.mutationFields((t) => ({
  reorderFactors: t.field({
    type: MatrixPayload,
    description: "The order in which one kind's factors are listed, in the SWOT and as the grids' rows or columns",
    args: { input: t.arg({ type: ReorderFactorsInput, required: true }) },
    resolve: async (_root, { input }, ctx) => matrixPayload(ctx, await ctx.matrixCommands.reorderFactors(input, ctx)),
  }),
  addFactor: t.field({
    type: FactorPayload,
    args: { input: t.arg({ type: AddFactorInput, required: true }) },
    resolve: async (_root, { input }, ctx) => factorPayload(ctx, await ctx.matrixCommands.addFactor(input, ctx)),
  }),
  reviseFactor: t.field({
    type: FactorPayload,
    args: { input: t.arg({ type: ReviseFactorInput, required: true }) },
    resolve: async (_root, { input }, ctx) => factorPayload(ctx, await ctx.matrixCommands.reviseFactor(input, ctx)),
  }),
  removeFactor: t.field({
    type: MatrixPayload,
    description: "Also abandons the factor's open strategies, with the same reason",
    args: { input: t.arg({ type: RemoveFactorInput, required: true }) },
    resolve: async (_root, { input }, ctx) => matrixPayload(ctx, await ctx.matrixCommands.removeFactor(input, ctx)),
  }),
}));
