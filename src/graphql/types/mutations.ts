import type { CommandOptions, CommandOutcome } from "../../app/commands.ts";
import type { Collectivity as CollectivityState } from "../../domain/collectivity.ts";
import type { Factor as FactorState, Matrix as MatrixState } from "../../domain/matrix.ts";
import type { CollectivityKind } from "../../domain/types.ts";
import { builder } from "../builder.ts";
import type { Context } from "../context.ts";
import { Collectivity } from "./collectivity.ts";
import { Factor, Initiative, type InitiativeView, Matrix, Strategy, type StrategyView, strategyView } from "./matrix.ts";
import { CollectivityKindEnum, FactorKindEnum, InnovationDomainEnum, QuadrantEnum, StrategyStatusEnum } from "./scalars.ts";

// ---- inputs ----------------------------------------------------------------

const RegisterCollectivityInput = builder.inputType("RegisterCollectivityInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    kind: t.field({ type: CollectivityKindEnum, required: true }),
    population: t.int({ required: true }),
    officialCode: t.string({ description: "SIREN: 9 digits with a valid checksum" }),
    financialPotentialPerCapita: t.float(),
    regionCode: t.string(),
    commandId: t.id(),
  }),
});

const UpdateCollectivityProfileInput = builder.inputType("UpdateCollectivityProfileInput", {
  fields: (t) => ({
    collectivityId: t.id({ required: true }),
    name: t.string(),
    population: t.int(),
    financialPotentialPerCapita: t.float(),
    regionCode: t.string(),
    expectedVersion: t.int(),
    commandId: t.id(),
  }),
});

const OpenMatrixInput = builder.inputType("OpenMatrixInput", {
  fields: (t) => ({
    collectivityId: t.id({ required: true }),
    title: t.string({ required: true }),
    commandId: t.id(),
  }),
});

const MatrixLifecycleInput = builder.inputType("MatrixLifecycleInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    reason: t.string(),
    expectedVersion: t.int(),
    commandId: t.id(),
  }),
});

const RenameMatrixInput = builder.inputType("RenameMatrixInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    title: t.string({ required: true }),
    expectedVersion: t.int(),
    commandId: t.id(),
  }),
});

const AddFactorInput = builder.inputType("AddFactorInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    kind: t.field({ type: FactorKindEnum, required: true }),
    label: t.string({ required: true }),
    description: t.string(),
    weight: t.float({ description: ">= 0, default 1" }),
    rating: t.int({ description: "1..4, default 3 for strengths and opportunities, 2 for weaknesses and threats" }),
    domain: t.field({ type: InnovationDomainEnum }),
    catalogueKey: t.string(),
    reason: t.string(),
    expectedVersion: t.int(),
    commandId: t.id(),
  }),
});

const ReviseFactorInput = builder.inputType("ReviseFactorInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    factorId: t.id({ required: true }),
    label: t.string(),
    description: t.string(),
    weight: t.float(),
    rating: t.int(),
    domain: t.field({ type: InnovationDomainEnum }),
    catalogueKey: t.string(),
    reason: t.string(),
    expectedVersion: t.int(),
    commandId: t.id(),
  }),
});

const RemoveFactorInput = builder.inputType("RemoveFactorInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    factorId: t.id({ required: true }),
    reason: t.string(),
    expectedVersion: t.int(),
    commandId: t.id(),
  }),
});

const ProposeStrategyInput = builder.inputType("ProposeStrategyInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    internalFactorId: t.id({ required: true }),
    externalFactorId: t.id({ required: true }),
    title: t.string({ required: true }),
    description: t.string(),
    priority: t.int(),
    catalogueKey: t.string(),
    reason: t.string(),
    expectedVersion: t.int(),
    commandId: t.id(),
  }),
});

const ReviseStrategyInput = builder.inputType("ReviseStrategyInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    strategyId: t.id({ required: true }),
    title: t.string(),
    description: t.string(),
    priority: t.int(),
    reason: t.string(),
    expectedVersion: t.int(),
    commandId: t.id(),
  }),
});

const ChangeStrategyStatusInput = builder.inputType("ChangeStrategyStatusInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    strategyId: t.id({ required: true }),
    status: t.field({ type: StrategyStatusEnum, required: true }),
    reason: t.string(),
    expectedVersion: t.int(),
    commandId: t.id(),
  }),
});

const AddInitiativeInput = builder.inputType("AddInitiativeInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    title: t.string({ required: true }),
    quadrant: t.field({ type: QuadrantEnum, required: true }),
    strategyIds: t.idList(),
    catalogueKey: t.string(),
    reason: t.string(),
    expectedVersion: t.int(),
    commandId: t.id(),
  }),
});

const ChangeInitiativeStatusInput = builder.inputType("ChangeInitiativeStatusInput", {
  fields: (t) => ({
    matrixId: t.id({ required: true }),
    initiativeId: t.id({ required: true }),
    status: t.field({ type: StrategyStatusEnum, required: true }),
    reason: t.string(),
    expectedVersion: t.int(),
    commandId: t.id(),
  }),
});

// ---- payloads --------------------------------------------------------------

const SetReferenceWeightInput = builder.inputType("SetReferenceWeightInput", {
  fields: (t) => ({
    kind: t.field({ type: CollectivityKindEnum, required: true }),
    catalogueKey: t.string({ required: true, description: "A catalogue factor key (S1…T3)" }),
    weight: t.float({ description: "0..1000; null clears it, and the matrices' own weights apply again" }),
    reason: t.string(),
    expectedVersion: t.int(),
    commandId: t.id(),
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

const CollectivityPayload = builder.objectRef<{ collectivity: CollectivityState; position: string }>("CollectivityPayload").implement({
  fields: (t) => ({
    collectivity: t.field({ type: Collectivity, resolve: (p) => p.collectivity }),
    position: t.exposeString("position"),
  }),
});

const MatrixPayload = builder.objectRef<{ matrix: MatrixState; position: string }>("MatrixPayload").implement({
  fields: (t) => ({
    matrix: t.field({ type: Matrix, resolve: (p) => p.matrix }),
    position: t.exposeString("position"),
  }),
});

const FactorPayload = builder.objectRef<{ factor: FactorState; matrix: MatrixState; position: string }>("FactorPayload").implement({
  fields: (t) => ({
    factor: t.field({ type: Factor, resolve: (p) => p.factor }),
    matrix: t.field({ type: Matrix, resolve: (p) => p.matrix }),
    position: t.exposeString("position"),
  }),
});

const StrategyPayload = builder.objectRef<StrategyView & { position: string }>("StrategyPayload").implement({
  fields: (t) => ({
    strategy: t.field({ type: Strategy, resolve: (p) => p }),
    matrix: t.field({ type: Matrix, resolve: (p) => p.matrix }),
    position: t.exposeString("position"),
  }),
});

const InitiativePayload = builder.objectRef<InitiativeView & { position: string }>("InitiativePayload").implement({
  fields: (t) => ({
    initiative: t.field({ type: Initiative, resolve: (p) => p }),
    matrix: t.field({ type: Matrix, resolve: (p) => p.matrix }),
    position: t.exposeString("position"),
  }),
});

// ---- resolvers: split the input, run the command, read back what it touched --

type WithOptions = CommandOptions & Record<string, unknown>;

function split<T extends WithOptions>(input: T) {
  const { commandId, expectedVersion, reason, ...fields } = input;
  return { fields, options: { commandId, expectedVersion, reason } as CommandOptions };
}

/** The matrix as the command left it; a replay, which holds only ids, reads it from the event store. */
async function matrixAfter(ctx: Context, outcome: CommandOutcome<MatrixState>): Promise<MatrixState> {
  return outcome.state ?? (await ctx.queries.writtenMatrix(outcome.ids.matrixId!))!;
}

async function collectivityPayload(ctx: Context, outcome: CommandOutcome<CollectivityState>) {
  const collectivity = outcome.state ?? (await ctx.queries.writtenCollectivity(outcome.ids.collectivityId!));
  return { collectivity: collectivity!, position: outcome.position };
}

const matrixPayload = async (ctx: Context, outcome: CommandOutcome<MatrixState>) => ({ matrix: await matrixAfter(ctx, outcome), position: outcome.position });

async function factorPayload(ctx: Context, outcome: CommandOutcome<MatrixState>) {
  const matrix = await matrixAfter(ctx, outcome);
  return { factor: matrix.factors[outcome.ids.factorId!]!, matrix, position: outcome.position };
}

async function strategyPayload(ctx: Context, outcome: CommandOutcome<MatrixState>) {
  const matrix = await matrixAfter(ctx, outcome);
  return { ...strategyView(matrix, matrix.strategies[outcome.ids.strategyId!]!), position: outcome.position };
}

async function initiativePayload(ctx: Context, outcome: CommandOutcome<MatrixState>) {
  const matrix = await matrixAfter(ctx, outcome);
  return { matrix, initiative: matrix.initiatives[outcome.ids.initiativeId!]!, position: outcome.position };
}

builder.mutationType({
  fields: (t) => ({
    registerCollectivity: t.field({
      type: CollectivityPayload,
      args: { input: t.arg({ type: RegisterCollectivityInput, required: true }) },
      resolve: async (_root, { input }, ctx) => {
        const { fields, options } = split(input);
        return collectivityPayload(ctx, await ctx.commands.registerCollectivity(fields, options, ctx));
      },
    }),
    updateCollectivityProfile: t.field({
      type: CollectivityPayload,
      args: { input: t.arg({ type: UpdateCollectivityProfileInput, required: true }) },
      resolve: async (_root, { input }, ctx) => {
        const { fields, options } = split(input);
        const collectivityId = String(fields.collectivityId);
        return collectivityPayload(ctx, await ctx.commands.updateCollectivityProfile({ ...fields, collectivityId }, options, ctx));
      },
    }),
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
        return matrixPayload(
          ctx,
          await ctx.commands.onMatrix("renameMatrix", fields, { type: "RenameMatrix", matrixId, title: fields.title }, {}, options, ctx),
        );
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
    addFactor: t.field({
      type: FactorPayload,
      args: { input: t.arg({ type: AddFactorInput, required: true }) },
      resolve: async (_root, { input }, ctx) => {
        const { fields, options } = split(input);
        const factorId = crypto.randomUUID();
        const command = { ...fields, type: "AddFactor" as const, matrixId: String(fields.matrixId), factorId };
        return factorPayload(ctx, await ctx.commands.onMatrix("addFactor", fields, command, { factorId }, options, ctx));
      },
    }),
    reviseFactor: t.field({
      type: FactorPayload,
      args: { input: t.arg({ type: ReviseFactorInput, required: true }) },
      resolve: async (_root, { input }, ctx) => {
        const { fields, options } = split(input);
        const factorId = String(fields.factorId);
        const command = { ...fields, type: "ReviseFactor" as const, matrixId: String(fields.matrixId), factorId };
        return factorPayload(ctx, await ctx.commands.onMatrix("reviseFactor", fields, command, { factorId }, options, ctx));
      },
    }),
    removeFactor: t.field({
      type: MatrixPayload,
      description: "Also abandons the factor's open strategies, with the same reason",
      args: { input: t.arg({ type: RemoveFactorInput, required: true }) },
      resolve: async (_root, { input }, ctx) => {
        const { fields, options } = split(input);
        const command = { type: "RemoveFactor" as const, matrixId: String(fields.matrixId), factorId: String(fields.factorId) };
        return matrixPayload(ctx, await ctx.commands.onMatrix("removeFactor", fields, command, {}, options, ctx));
      },
    }),
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
    setReferenceWeight: t.field({
      type: ReferenceWeightPayload,
      description: "Sets the weight that comparable scores in benchmarks give a catalogue factor for one kind of collectivity (admins only)",
      args: { input: t.arg({ type: SetReferenceWeightInput, required: true }) },
      resolve: async (_root, { input }, ctx) => {
        const { fields, options } = split(input);
        const weight = fields.weight ?? null;
        const outcome = await ctx.commands.setReferenceWeight({ kind: fields.kind, catalogueKey: fields.catalogueKey, weight }, options, ctx);
        return { kind: fields.kind, catalogueKey: fields.catalogueKey, weight, position: outcome.position };
      },
    }),
  }),
});
