import { splitOptions } from "../../../app/commands.ts";
import type { CollectivityKind } from "../../../domain/types.ts";
import { builder } from "../../builder.ts";
import { CollectivityKindEnum } from "../scalars.ts";
import { commandOptionFields } from "./command.ts";

const SetReferenceWeightInput = builder.inputType("SetReferenceWeightInput", {
  fields: (t) => ({
    kind: t.field({ type: CollectivityKindEnum, required: true }),
    catalogueKey: t.string({ required: true, description: "A catalogue factor key (S1…T3)" }),
    weight: t.float({ description: "0..1000; null clears it, and the matrices' own weights apply again" }),
    ...commandOptionFields(t, { reason: true, expectedVersion: true }),
  }),
});

const ReferenceWeightPayload = builder
  .objectRef<{ kind: CollectivityKind; catalogueKey: string; weight: number | null; position: string }>("ReferenceWeightPayload")
  .implement({
    fields: (t) => ({
      kind: t.expose("kind", { type: CollectivityKindEnum }),
      catalogueKey: t.exposeString("catalogueKey"),
      weight: t.exposeFloat("weight", { nullable: true }),
      position: t.exposeString("position"),
    }),
  });

builder.mutationFields((t) => ({
  setReferenceWeight: t.field({
    type: ReferenceWeightPayload,
    description: "Sets the weight that comparable scores in benchmarks give a catalogue factor for one kind of collectivity (admins only)",
    args: { input: t.arg({ type: SetReferenceWeightInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const { fields, options } = splitOptions(input);
      const weight = fields.weight ?? null;
      const outcome = await ctx.commands.setReferenceWeight({ kind: fields.kind, catalogueKey: fields.catalogueKey, weight }, options, ctx);
      return { kind: fields.kind, catalogueKey: fields.catalogueKey, weight, position: outcome.position };
    },
  }),
}));
