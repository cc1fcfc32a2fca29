import { splitOptions } from "../../../app/commands.ts";
import { builder } from "../../builder.ts";
import { CollectivityKindEnum } from "../scalars.ts";
import { CollectivityPayload, collectivityPayload, commandOptionFields } from "./command.ts";

const RegisterCollectivityInput = builder.inputType("RegisterCollectivityInput", {
  fields: (t) => ({
    officialCode: t.string({ description: "SIREN: 9 digits with a valid checksum; one collectivity per SIREN" }),
    inseeCode: t.string({ description: "A commune's code in the Code officiel géographique (an EPCI's SIREN)" }),
    name: t.string({ description: "Required outside the official directory; within it, the directory's, and a contradicting one is refused" }),
    kind: t.field({ type: CollectivityKindEnum, description: "Likewise" }),
    population: t.int({ description: "Likewise" }),
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
      const { inseeCode, ...given } = fields;
      const directory = await ctx.territory.directoryFor({ officialCode: given.officialCode, inseeCode });
      return collectivityPayload(ctx, await ctx.commands.registerCollectivity({ ...given, directory }, options, ctx));
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
