import { builder } from "../../builder.ts";
import { StrategyStatusEnum } from "../scalars.ts";
import { accountabilityInputFields, commandOptionFields, StrategyPayload, strategyPayload } from "./command.ts";

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
    catalogueKey: t.string({ description: "The catalogue strategy of the strategy's own cell; an empty string takes the key away" }),
    ...accountabilityInputFields(t),
    progress: t.int({ description: "0..100" }),
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
    resolve: async (_root, { input }, ctx) => strategyPayload(ctx, await ctx.matrixCommands.proposeStrategy(input, ctx)),
  }),
  reviseStrategy: t.field({
    type: StrategyPayload,
    args: { input: t.arg({ type: ReviseStrategyInput, required: true }) },
    resolve: async (_root, { input }, ctx) => strategyPayload(ctx, await ctx.matrixCommands.reviseStrategy(input, ctx)),
  }),
  changeStrategyStatus: t.field({
    type: StrategyPayload,
    args: { input: t.arg({ type: ChangeStrategyStatusInput, required: true }) },
    resolve: async (_root, { input }, ctx) => strategyPayload(ctx, await ctx.matrixCommands.changeStrategyStatus(input, ctx)),
  }),
}));
