import type { CommandOutcome } from "../../../app/commands.ts";
import type { Collectivity as CollectivityState } from "../../../domain/collectivity.ts";
import type { Factor as FactorState, Indicator as IndicatorState, Matrix as MatrixState } from "../../../domain/matrix.ts";
import { builder } from "../../builder.ts";
import type { Context } from "../../context.ts";
import { Collectivity } from "../collectivity.ts";
import { Factor, Indicator, Initiative, type InitiativeView, Matrix, Strategy, type StrategyView, strategyView } from "../matrix.ts";

// What every mutation shares: the fields each command may carry besides its
// own, the payloads it answers with, and the reading back of what it touched.

type InputFields = Parameters<Parameters<typeof builder.inputType>[1]["fields"]>[0];

/** reason, expectedVersion and commandId, as an input declares those it takes. */
export function commandOptionFields(t: InputFields, take: { reason?: boolean; expectedVersion?: boolean } = {}) {
  return {
    ...(take.reason ? { reason: t.string() } : {}),
    ...(take.expectedVersion ? { expectedVersion: t.int() } : {}),
    commandId: t.id(),
  };
}

/** Who answers for a strategy or an initiative, by when, with what money. */
export function accountabilityInputFields(t: InputFields) {
  return {
    lead: t.string({ description: "The person in charge (référent)" }),
    dueDate: t.field({ type: "Date" }),
    budget: t.float({ description: "Euros" }),
  };
}

export const CollectivityPayload = builder.objectRef<{ collectivity: CollectivityState; position: string }>("CollectivityPayload").implement({
  fields: (t) => ({
    collectivity: t.field({ type: Collectivity, resolve: (p) => p.collectivity }),
    position: t.exposeString("position"),
  }),
});

export const MatrixPayload = builder.objectRef<{ matrix: MatrixState; position: string }>("MatrixPayload").implement({
  fields: (t) => ({
    matrix: t.field({ type: Matrix, resolve: (p) => p.matrix }),
    position: t.exposeString("position"),
  }),
});

export const FactorPayload = builder.objectRef<{ factor: FactorState; matrix: MatrixState; position: string }>("FactorPayload").implement({
  fields: (t) => ({
    factor: t.field({ type: Factor, resolve: (p) => p.factor }),
    matrix: t.field({ type: Matrix, resolve: (p) => p.matrix }),
    position: t.exposeString("position"),
  }),
});

export const StrategyPayload = builder.objectRef<StrategyView & { position: string }>("StrategyPayload").implement({
  fields: (t) => ({
    strategy: t.field({ type: Strategy, resolve: (p) => p }),
    matrix: t.field({ type: Matrix, resolve: (p) => p.matrix }),
    position: t.exposeString("position"),
  }),
});

export const InitiativePayload = builder.objectRef<InitiativeView & { position: string }>("InitiativePayload").implement({
  fields: (t) => ({
    initiative: t.field({ type: Initiative, resolve: (p) => p }),
    matrix: t.field({ type: Matrix, resolve: (p) => p.matrix }),
    position: t.exposeString("position"),
  }),
});

export const IndicatorPayload = builder.objectRef<{ indicator: IndicatorState; matrix: MatrixState; position: string }>("IndicatorPayload").implement({
  fields: (t) => ({
    indicator: t.field({ type: Indicator, resolve: (p) => p.indicator }),
    matrix: t.field({ type: Matrix, resolve: (p) => p.matrix }),
    position: t.exposeString("position"),
  }),
});

// Resolvers split the input, run the command and read back what it touched.

/** The matrix as the command left it; a replay, which holds only ids, reads it from the event store. */
async function matrixAfter(ctx: Context, outcome: CommandOutcome<MatrixState>): Promise<MatrixState> {
  return outcome.state ?? (await ctx.queries.writtenMatrix(outcome.ids.matrixId!))!;
}

export async function collectivityPayload(ctx: Context, outcome: CommandOutcome<CollectivityState>) {
  const collectivity = outcome.state ?? (await ctx.queries.writtenCollectivity(outcome.ids.collectivityId!));
  return { collectivity: collectivity!, position: outcome.position };
}

export const matrixPayload = async (ctx: Context, outcome: CommandOutcome<MatrixState>) => ({
  matrix: await matrixAfter(ctx, outcome),
  position: outcome.position,
});

export async function factorPayload(ctx: Context, outcome: CommandOutcome<MatrixState>) {
  const matrix = await matrixAfter(ctx, outcome);
  return { factor: matrix.factors[outcome.ids.factorId!]!, matrix, position: outcome.position };
}

export async function strategyPayload(ctx: Context, outcome: CommandOutcome<MatrixState>) {
  const matrix = await matrixAfter(ctx, outcome);
  return { ...strategyView(matrix, matrix.strategies[outcome.ids.strategyId!]!), position: outcome.position };
}

export async function initiativePayload(ctx: Context, outcome: CommandOutcome<MatrixState>) {
  const matrix = await matrixAfter(ctx, outcome);
  return { matrix, initiative: matrix.initiatives[outcome.ids.initiativeId!]!, position: outcome.position };
}

export async function indicatorPayload(ctx: Context, outcome: CommandOutcome<MatrixState>) {
  const matrix = await matrixAfter(ctx, outcome);
  return { matrix, indicator: matrix.indicators[outcome.ids.indicatorId!]!, position: outcome.position };
}
