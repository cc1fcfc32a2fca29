import { splitOptions } from "../../../app/commands.ts";
import { builder } from "../../builder.ts";
import { MatrixVisibilityEnum } from "../scalars.ts";
import { commandOptionFields, MatrixPayload, matrixPayload } from "./command.ts";

const OpenMatrixInput = builder.inputType("OpenMatrixInput", {
  fields: (t) => ({
    collectivityId: t.id({ required: true }),
    title: t.string({ required: true }),
    fromCatalogue: t.boolean({ description: "Pre-fill the catalogue's 14 factors, in its order, with default weights and ratings" }),
    copyFromMatrixId: t.id({
      description: "Start from another matrix of the same collectivity: its live factors, open strategies and open initiatives, with their links",
    }),
    ...commandOptionFields(t),
  }),
});

const MatrixLifecycleInput = builder.inputType("MatrixLifecycleInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    visibility: t.field({ type: MatrixVisibilityEnum, description: "publishMatrix only; AGGREGATES_ONLY when left out" }),
    ...commandOptionFields(t, { reason: true, expectedVersion: true }),
  }),
});

const ChangeMatrixVisibilityInput = builder.inputType("ChangeMatrixVisibilityInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    visibility: t.field({ type: MatrixVisibilityEnum, required: true }),
    ...commandOptionFields(t, { reason: true, expectedVersion: true }),
  }),
});

const RenameMatrixInput = builder.inputType("RenameMatrixInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    title: t.string({ required: true }),
    ...commandOptionFields(t, { reason: true, expectedVersion: true }),
  }),
});

const ImportMatrixInput = builder.inputType("ImportMatrixInput", {
  description:
    "A SWOT arriving from a workshop spreadsheet (XLSX, ODS or CSV, laid out as the exports are): a new DRAFT matrix holding its factors, strategies, initiatives and indicators. A bad file is refused whole, naming the sheet, row and column",
  fields: (t) => ({
    collectivityId: t.id({ required: true }),
    title: t.string({ required: true }),
    file: t.field({ type: "File", required: true }),
    ...commandOptionFields(t, { reason: true }),
  }),
});

builder.mutationFields((t) => ({
  importMatrix: t.field({
    type: MatrixPayload,
    args: { input: t.arg({ type: ImportMatrixInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const { fields, options } = splitOptions(input);
      const file = new Uint8Array(await fields.file.arrayBuffer());
      return matrixPayload(ctx, await ctx.commands.importMatrix({ collectivityId: String(fields.collectivityId), title: fields.title, file }, options, ctx));
    },
  }),
  openMatrix: t.field({
    type: MatrixPayload,
    args: { input: t.arg({ type: OpenMatrixInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const { fields, options } = splitOptions(input);
      const copyFromMatrixId = fields.copyFromMatrixId == null ? null : String(fields.copyFromMatrixId);
      return matrixPayload(ctx, await ctx.commands.openMatrix({ ...fields, collectivityId: String(fields.collectivityId), copyFromMatrixId }, options, ctx));
    },
  }),
  renameMatrix: t.field({
    type: MatrixPayload,
    args: { input: t.arg({ type: RenameMatrixInput, required: true }) },
    resolve: async (_root, { input }, ctx) => matrixPayload(ctx, await ctx.matrixCommands.rename(input, ctx)),
  }),
  publishMatrix: t.field({
    type: MatrixPayload,
    args: { input: t.arg({ type: MatrixLifecycleInput, required: true }) },
    resolve: async (_root, { input }, ctx) => matrixPayload(ctx, await ctx.matrixCommands.publish(input, ctx)),
  }),
  changeMatrixVisibility: t.field({
    type: MatrixPayload,
    description: "Who may read a published or archived matrix from now on; recorded as a decision like any other",
    args: { input: t.arg({ type: ChangeMatrixVisibilityInput, required: true }) },
    resolve: async (_root, { input }, ctx) => matrixPayload(ctx, await ctx.matrixCommands.changeVisibility(input, ctx)),
  }),
  archiveMatrix: t.field({
    type: MatrixPayload,
    args: { input: t.arg({ type: MatrixLifecycleInput, required: true }) },
    resolve: async (_root, { input }, ctx) => matrixPayload(ctx, await ctx.matrixCommands.archive(input, ctx)),
  }),
}));
