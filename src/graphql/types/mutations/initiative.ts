import { builder } from "../../builder.ts";
import { QuadrantEnum, StrategyStatusEnum } from "../scalars.ts";
import { commandOptionFields, InitiativePayload, initiativePayload, split } from "./command.ts";

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
    resolve: async (_root, { input }, ctx) => {
      const { fields, options } = split(input);
      const initiativeId = crypto.randomUUID();
      const command = {
        ...fields,
        type: "AddInitiative" as const,
        matrixId: String(fields.matrixId),
        strategyIds: fields.strategyIds?.map(String) ?? null,
        initiativeId,
      };
      return initiativePayload(ctx, await ctx.commands.onMatrix("addInitiative", fields, command, { initiativeId }, options, ctx));
    },
  }),
  changeInitiativeStatus: t.field({
    type: InitiativePayload,
    args: { input: t.arg({ type: ChangeInitiativeStatusInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const { fields, options } = split(input);
      const initiativeId = String(fields.initiativeId);
      const command = { type: "ChangeInitiativeStatus" as const, matrixId: String(fields.matrixId), initiativeId, status: fields.status };
      return initiativePayload(ctx, await ctx.commands.onMatrix("changeInitiativeStatus", fields, command, { initiativeId }, options, ctx));
    },
  }),
}));
