import { builder } from "../../builder.ts";
import { FactorKindEnum, InnovationDomainEnum } from "../scalars.ts";
import { commandOptionFields, FactorPayload, factorPayload, MatrixPayload, matrixPayload, split } from "./command.ts";

const AddFactorInput = builder.inputType("AddFactorInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    kind: t.field({ type: FactorKindEnum, required: true }),
    label: t.string({ required: true }),
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

builder.mutationFields((t) => ({
  addFactor: t.field({
    type: FactorPayload,
    args: { input: t.arg({ type: AddFactorInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const { fields, options } = split(input);
      const factorId = crypto.randomUUID();
      const command = { ...fields, type: "AddFactor" as const, matrixId: String(fields.matrixId), factorId };
      return factorPayload(ctx, await ctx.commands.onMatrix("addFactor", fields, command, { factorId }, options, ctx));
    },
  }),
  reviseFactor: t.field({
    type: FactorPayload,
    args: { input: t.arg({ type: ReviseFactorInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const { fields, options } = split(input);
      const factorId = String(fields.factorId);
      const command = { ...fields, type: "ReviseFactor" as const, matrixId: String(fields.matrixId), factorId };
      return factorPayload(ctx, await ctx.commands.onMatrix("reviseFactor", fields, command, { factorId }, options, ctx));
    },
  }),
  removeFactor: t.field({
    type: MatrixPayload,
    description: "Also abandons the factor's open strategies, with the same reason",
    args: { input: t.arg({ type: RemoveFactorInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const { fields, options } = split(input);
      const command = { type: "RemoveFactor" as const, matrixId: String(fields.matrixId), factorId: String(fields.factorId) };
      return matrixPayload(ctx, await ctx.commands.onMatrix("removeFactor", fields, command, {}, options, ctx));
    },
  }),
}));
