import { splitOptions } from "../../../app/commands.ts";
import { builder } from "../../builder.ts";
import { CollectivityKindEnum } from "../scalars.ts";
import { CollectivityPayload, collectivityPayload, commandOptionFields } from "./command.ts";

const RegisterCollectivityInput = builder.inputType("RegisterCollectivityInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    kind: t.field({ type: CollectivityKindEnum, required: true }),
    population: t.int({ required: true }),
    officialCode: t.string({ description: "SIREN: 9 digits with a valid checksum" }),
    financialPotentialPerCapita: t.float(),
    regionCode: t.string(),
    ...commandOptionFields(t),
  }),
});

const UpdateCollectivityProfileInput = builder.inputType("UpdateCollectivityProfileInput", {
  fields: (t) => ({
    collectivityId: t.id({ required: true }),
    name: t.string(),
    population: t.int(),
    financialPotentialPerCapita: t.float(),
    regionCode: t.string(),
    ...commandOptionFields(t, { expectedVersion: true }),
  }),
});

builder.mutationFields((t) => ({
  registerCollectivity: t.field({
    type: CollectivityPayload,
    args: { input: t.arg({ type: RegisterCollectivityInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const { fields, options } = splitOptions(input);
      return collectivityPayload(ctx, await ctx.commands.registerCollectivity(fields, options, ctx));
    },
  }),
  updateCollectivityProfile: t.field({
    type: CollectivityPayload,
    args: { input: t.arg({ type: UpdateCollectivityProfileInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const { fields, options } = splitOptions(input);
      const collectivityId = String(fields.collectivityId);
      return collectivityPayload(ctx, await ctx.commands.updateCollectivityProfile({ ...fields, collectivityId }, options, ctx));
    },
  }),
}));
