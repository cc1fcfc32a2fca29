import { builder } from "../../builder.ts";
import { StrategyStatusEnum } from "../scalars.ts";
import { commandOptionFields, StrategyPayload, split, strategyPayload } from "./command.ts";

const ProposeStrategyInput = builder.inputType("ProposeStrategyInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    internalFactorId: t.id({ required: true }),
    externalFactorId: t.id({ required: true }),
    title: t.string({ required: true }),
    description: t.string(),
    priority: t.int(),
    catalogueKey: t.string(),
    ...commandOptionFields(t, { reason: true, expectedVersion: true }),
  }),
});

const ReviseStrategyInput = builder.inputType("ReviseStrategyInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    strategyId: t.id({ required: true }),
    title: t.string(),
    description: t.string(),
    priority: t.int(),
    ...commandOptionFields(t, { reason: true, expectedVersion: true }),
  }),
});

const ChangeStrategyStatusInput = builder.inputType("ChangeStrategyStatusInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    strategyId: t.id({ required: true }),
    status: t.field({ type: StrategyStatusEnum, required: true }),
    ...commandOptionFields(t, { reason: true, expectedVersion: true }),
  }),
});

builder.mutationFields((t) => ({
  proposeStrategy: t.field({
    type: StrategyPayload,
    args: { input: t.arg({ type: ProposeStrategyInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const { fields, options } = split(input);
      const strategyId = crypto.randomUUID();
      const command = {
        ...fields,
        type: "ProposeStrategy" as const,
        matrixId: String(fields.matrixId),
        internalFactorId: String(fields.internalFactorId),
        externalFactorId: String(fields.externalFactorId),
        strategyId,
      };
      return strategyPayload(ctx, await ctx.commands.onMatrix("proposeStrategy", fields, command, { strategyId }, options, ctx));
    },
  }),
  reviseStrategy: t.field({
    type: StrategyPayload,
    args: { input: t.arg({ type: ReviseStrategyInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const { fields, options } = split(input);
      const strategyId = String(fields.strategyId);
      const command = { ...fields, type: "ReviseStrategy" as const, matrixId: String(fields.matrixId), strategyId };
      return strategyPayload(ctx, await ctx.commands.onMatrix("reviseStrategy", fields, command, { strategyId }, options, ctx));
    },
  }),
  changeStrategyStatus: t.field({
    type: StrategyPayload,
    args: { input: t.arg({ type: ChangeStrategyStatusInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const { fields, options } = split(input);
      const strategyId = String(fields.strategyId);
      const command = { type: "ChangeStrategyStatus" as const, matrixId: String(fields.matrixId), strategyId, status: fields.status };
      return strategyPayload(ctx, await ctx.commands.onMatrix("changeStrategyStatus", fields, command, { strategyId }, options, ctx));
    },
  }),
}));
