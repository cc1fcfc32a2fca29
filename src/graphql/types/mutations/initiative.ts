import { builder } from "../../builder.ts";
import { QuadrantEnum, StrategyStatusEnum } from "../scalars.ts";
import { commandOptionFields, InitiativePayload, initiativePayload } from "./command.ts";

const AddInitiativeInput = builder.inputType("AddInitiativeInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    title: t.string({ required: true }),
    quadrant: t.field({ type: QuadrantEnum, required: true }),
    strategyIds: t.idList(),
    catalogueKey: t.string(),
    ...commandOptionFields(t, { reason: true, expectedVersion: true }),
  }),
});

const ChangeInitiativeStatusInput = builder.inputType("ChangeInitiativeStatusInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    initiativeId: t.id({ required: true }),
    status: t.field({ type: StrategyStatusEnum, required: true }),
    ...commandOptionFields(t, { reason: true, expectedVersion: true }),
  }),
});

builder.mutationFields((t) => ({
  addInitiative: t.field({
    type: InitiativePayload,
    args: { input: t.arg({ type: AddInitiativeInput, required: true }) },
    resolve: async (_root, { input }, ctx) => initiativePayload(ctx, await ctx.matrixCommands.addInitiative(input, ctx)),
  }),
  changeInitiativeStatus: t.field({
    type: InitiativePayload,
    args: { input: t.arg({ type: ChangeInitiativeStatusInput, required: true }) },
    resolve: async (_root, { input }, ctx) => initiativePayload(ctx, await ctx.matrixCommands.changeInitiativeStatus(input, ctx)),
  }),
}));
