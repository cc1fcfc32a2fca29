import { builder } from "../../builder.ts";
import { QuadrantEnum, StrategyStatusEnum } from "../scalars.ts";
import {
  accountabilityInputFields,
  commandOptionFields,
  IndicatorPayload,
  InitiativePayload,
  indicatorPayload,
  initiativePayload,
  MatrixPayload,
  matrixPayload,
} from "./command.ts";

const AddInitiativeInput = builder.inputType("AddInitiativeInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    title: t.string({ required: true }),
    description: t.string(),
    quadrant: t.field({ type: QuadrantEnum, required: true }),
    strategyIds: t.idList({ description: "Strategies of the same quadrant, not abandoned" }),
    catalogueKey: t.string(),
    ...accountabilityInputFields(t),
    ...commandOptionFields(t, { reason: true, expectedVersion: true }),
  }),
});

const ReviseInitiativeInput = builder.inputType("ReviseInitiativeInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    initiativeId: t.id({ required: true }),
    title: t.string(),
    description: t.string(),
    strategyIds: t.idList({ description: "The new links, replacing the old: strategies of the same quadrant, not abandoned" }),
    catalogueKey: t.string({ description: "A toolbox entry of the initiative's quadrant; an empty string takes the key away" }),
    ...accountabilityInputFields(t),
    progress: t.int({ description: "0..100" }),
    ...commandOptionFields(t, { reason: true, expectedVersion: true }),
  }),
});

const RemoveInitiativeInput = builder.inputType("RemoveInitiativeInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    initiativeId: t.id({ required: true }),
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

const SetIndicatorInput = builder.inputType("SetIndicatorInput", {
  description: "subjectId: a strategy or an initiative of the matrix. Without indicatorId: a new indicator, which needs a name",
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    subjectId: t.id({ required: true }),
    indicatorId: t.id(),
    name: t.string(),
    unit: t.string({ description: "e.g. agents, %, €; an empty string takes it away" }),
    baseline: t.float(),
    target: t.float(),
    value: t.float({ description: "A new measured value: each is recorded with its date, earlier ones kept" }),
    ...commandOptionFields(t, { reason: true, expectedVersion: true }),
  }),
});

builder.mutationFields((t) => ({
  addInitiative: t.field({
    type: InitiativePayload,
    args: { input: t.arg({ type: AddInitiativeInput, required: true }) },
    resolve: async (_root, { input }, ctx) => initiativePayload(ctx, await ctx.matrixCommands.addInitiative(input, ctx)),
  }),
  reviseInitiative: t.field({
    type: InitiativePayload,
    args: { input: t.arg({ type: ReviseInitiativeInput, required: true }) },
    resolve: async (_root, { input }, ctx) => initiativePayload(ctx, await ctx.matrixCommands.reviseInitiative(input, ctx)),
  }),
  removeInitiative: t.field({
    type: MatrixPayload,
    description: "The initiative leaves the plan; the history keeps it, with the reason",
    args: { input: t.arg({ type: RemoveInitiativeInput, required: true }) },
    resolve: async (_root, { input }, ctx) => matrixPayload(ctx, await ctx.matrixCommands.removeInitiative(input, ctx)),
  }),
  changeInitiativeStatus: t.field({
    type: InitiativePayload,
    args: { input: t.arg({ type: ChangeInitiativeStatusInput, required: true }) },
    resolve: async (_root, { input }, ctx) => initiativePayload(ctx, await ctx.matrixCommands.changeInitiativeStatus(input, ctx)),
  }),
  setIndicator: t.field({
    type: IndicatorPayload,
    args: { input: t.arg({ type: SetIndicatorInput, required: true }) },
    resolve: async (_root, { input }, ctx) => indicatorPayload(ctx, await ctx.matrixCommands.setIndicator(input, ctx)),
  }),
}));
