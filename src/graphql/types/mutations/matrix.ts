import { builder } from "../../builder.ts";
import { commandOptionFields, MatrixPayload, matrixPayload, split } from "./command.ts";

const OpenMatrixInput = builder.inputType("OpenMatrixInput", {
  fields: (t) => ({
    collectivityId: t.id({ required: true }),
    title: t.string({ required: true }),
    ...commandOptionFields(t),
  }),
});

const MatrixLifecycleInput = builder.inputType("MatrixLifecycleInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    ...commandOptionFields(t, { reason: true, expectedVersion: true }),
  }),
});

const RenameMatrixInput = builder.inputType("RenameMatrixInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    title: t.string({ required: true }),
    ...commandOptionFields(t, { expectedVersion: true }),
  }),
});

builder.mutationFields((t) => ({
  openMatrix: t.field({
    type: MatrixPayload,
    args: { input: t.arg({ type: OpenMatrixInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const { fields, options } = split(input);
      return matrixPayload(ctx, await ctx.commands.openMatrix({ ...fields, collectivityId: String(fields.collectivityId) }, options, ctx));
    },
  }),
  renameMatrix: t.field({
    type: MatrixPayload,
    args: { input: t.arg({ type: RenameMatrixInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const { fields, options } = split(input);
      const matrixId = String(fields.matrixId);
      return matrixPayload(ctx, await ctx.commands.onMatrix("renameMatrix", fields, { type: "RenameMatrix", matrixId, title: fields.title }, {}, options, ctx));
    },
  }),
  publishMatrix: t.field({
    type: MatrixPayload,
    args: { input: t.arg({ type: MatrixLifecycleInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const { fields, options } = split(input);
      const matrixId = String(fields.matrixId);
      return matrixPayload(ctx, await ctx.commands.onMatrix("publishMatrix", fields, { type: "PublishMatrix", matrixId }, {}, options, ctx));
    },
  }),
  archiveMatrix: t.field({
    type: MatrixPayload,
    args: { input: t.arg({ type: MatrixLifecycleInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const { fields, options } = split(input);
      const matrixId = String(fields.matrixId);
      return matrixPayload(ctx, await ctx.commands.onMatrix("archiveMatrix", fields, { type: "ArchiveMatrix", matrixId }, {}, options, ctx));
    },
  }),
}));
