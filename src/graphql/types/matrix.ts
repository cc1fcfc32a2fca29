import {
  type Accountability,
  type Factor as FactorState,
  type Indicator as IndicatorState,
  type Initiative as InitiativeState,
  indicatorsOf,
  initiativesInOrder,
  type Matrix as MatrixState,
  type Strategy as StrategyState,
  strategiesInOrder,
} from "../../domain/matrix.ts";
import { type CrossMatrix as CrossState, crossMatrix, liveFactors, type MatrixScores as ScoresState, scoreMatrix } from "../../domain/scores.ts";
import { matrixStream } from "../../domain/streams.ts";
import type { Quadrant as QuadrantValue } from "../../domain/types.ts";
import { builder } from "../builder.ts";
import { Collectivity } from "./collectivity.ts";
import { type Counted, connectionOf } from "./connections.ts";
import { EventConnection } from "./events.ts";
import { FactorKindEnum, InnovationDomainEnum, MatrixStatusEnum, MatrixVisibilityEnum, QuadrantEnum, StrategyStatusEnum } from "./scalars.ts";

/** Strategies and initiatives point at other entries of their matrix, so they travel with it. */
export interface StrategyView {
  matrix: MatrixState;
  strategy: StrategyState;
}
export interface InitiativeView {
  matrix: MatrixState;
  initiative: InitiativeState;
}

export const strategyView = (matrix: MatrixState, strategy: StrategyState): StrategyView => ({ matrix, strategy });

export const Factor = builder.objectRef<FactorState>("Factor").implement({
  description: "One line of the SWOT diagnosis of innovation capacity",
  fields: (t) => ({
    id: t.exposeID("id"),
    kind: t.expose("kind", { type: FactorKindEnum }),
    label: t.exposeString("label"),
    description: t.exposeString("description", { nullable: true }),
    weight: t.exposeFloat("weight", { description: ">= 0; normalised per side when scoring" }),
    rating: t.exposeInt("rating", { description: "1..4 (IFE/EFE convention)" }),
    domain: t.expose("domain", { type: InnovationDomainEnum, nullable: true }),
    catalogueKey: t.exposeString("catalogueKey", { nullable: true }),
    removed: t.exposeBoolean("removed", { description: "True once removed; removed factors are listed only through strategies" }),
  }),
});

const Decision = builder.objectRef<StrategyState["decisions"][number]>("Decision").implement({
  fields: (t) => ({
    status: t.expose("status", { type: StrategyStatusEnum }),
    reason: t.exposeString("reason", { nullable: true }),
    actor: t.exposeString("actor"),
    at: t.field({ type: "DateTime", resolve: (d) => d.at }),
    version: t.exposeInt("version"),
  }),
});

const factorOf = (matrix: MatrixState, id: string): FactorState => matrix.factors[id]!;

const Measurement = builder.objectRef<IndicatorState["measurements"][number]>("IndicatorValue").implement({
  description: "A value measured, and when it was recorded",
  fields: (t) => ({
    value: t.exposeFloat("value"),
    at: t.field({ type: "DateTime", resolve: (m) => m.at }),
  }),
});

export const Indicator = builder.objectRef<IndicatorState>("Indicator").implement({
  description: "A measure of a strategy's or an initiative's effect, against its target",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    unit: t.exposeString("unit", { nullable: true }),
    baseline: t.exposeFloat("baseline", { nullable: true }),
    target: t.exposeFloat("target", { nullable: true }),
    value: t.float({ nullable: true, description: "The latest measured value", resolve: (i) => i.measurements.at(-1)?.value ?? null }),
    valueAt: t.field({ type: "DateTime", nullable: true, description: "When it was measured", resolve: (i) => i.measurements.at(-1)?.at ?? null }),
    values: t.field({ type: [Measurement], description: "Every value measured, oldest first", resolve: (i) => i.measurements }),
  }),
});

/** The lead, due date, budget, progress and indicators that strategies and initiatives both hold. */
function accountabilityFields<T extends { matrix: MatrixState }>(
  t: PothosSchemaTypes.ObjectFieldBuilder<typeof builder.$inferSchemaTypes, T>,
  of: (view: T) => Accountability & { id: string },
) {
  return {
    lead: t.string({ nullable: true, description: "The person in charge (référent)", resolve: (view) => of(view).lead }),
    dueDate: t.field({ type: "Date", nullable: true, resolve: (view) => of(view).dueDate }),
    budget: t.float({ nullable: true, description: "Euros", resolve: (view) => of(view).budget }),
    progress: t.int({ nullable: true, description: "0..100", resolve: (view) => of(view).progress }),
    indicators: t.field({ type: [Indicator], resolve: (view) => indicatorsOf(view.matrix, of(view).id) }),
  };
}

export const Strategy = builder.objectRef<StrategyView>("Strategy").implement({
  description: "A crossed TOWS answer at (internal factor x external factor)",
  fields: (t) => ({
    id: t.id({ resolve: ({ strategy }) => strategy.id }),
    quadrant: t.field({ type: QuadrantEnum, description: "Derived from the two factors' kinds", resolve: ({ strategy }) => strategy.quadrant }),
    internalFactor: t.field({ type: Factor, resolve: ({ matrix, strategy }) => factorOf(matrix, strategy.internalFactorId) }),
    externalFactor: t.field({ type: Factor, resolve: ({ matrix, strategy }) => factorOf(matrix, strategy.externalFactorId) }),
    title: t.string({ resolve: ({ strategy }) => strategy.title }),
    description: t.string({ nullable: true, resolve: ({ strategy }) => strategy.description }),
    status: t.field({ type: StrategyStatusEnum, resolve: ({ strategy }) => strategy.status }),
    priority: t.int({ nullable: true, description: "1 (highest) .. 5", resolve: ({ strategy }) => strategy.priority }),
    catalogueKey: t.string({ nullable: true, resolve: ({ strategy }) => strategy.catalogueKey }),
    decisions: t.field({ type: [Decision], description: "Every status change, oldest first", resolve: ({ strategy }) => strategy.decisions }),
    ...accountabilityFields(t, (view) => view.strategy),
  }),
});

export const Initiative = builder.objectRef<InitiativeView>("Initiative").implement({
  description: "A concrete tool of the « boîte à outils du manager innovateur »",
  fields: (t) => ({
    id: t.id({ resolve: ({ initiative }) => initiative.id }),
    title: t.string({ resolve: ({ initiative }) => initiative.title }),
    description: t.string({ nullable: true, resolve: ({ initiative }) => initiative.description }),
    quadrant: t.field({ type: QuadrantEnum, resolve: ({ initiative }) => initiative.quadrant }),
    status: t.field({ type: StrategyStatusEnum, resolve: ({ initiative }) => initiative.status }),
    catalogueKey: t.string({ nullable: true, resolve: ({ initiative }) => initiative.catalogueKey }),
    strategies: t.field({
      type: [Strategy],
      resolve: ({ matrix, initiative }) => initiative.strategyIds.map((id) => strategyView(matrix, matrix.strategies[id]!)),
    }),
    decisions: t.field({ type: [Decision], description: "Every status change, oldest first", resolve: ({ initiative }) => initiative.decisions }),
    ...accountabilityFields(t, (view) => view.initiative),
  }),
});

const CrossCell = builder.objectRef<{ matrix: MatrixState; cell: CrossState["cells"][number] }>("CrossCell").implement({
  fields: (t) => ({
    internalFactor: t.field({ type: Factor, resolve: ({ cell }) => cell.internalFactor }),
    externalFactor: t.field({ type: Factor, resolve: ({ cell }) => cell.externalFactor }),
    strategies: t.field({ type: [Strategy], resolve: ({ matrix, cell }) => cell.strategies.map((s) => strategyView(matrix, s)) }),
  }),
});

const CrossMatrix = builder.objectRef<{ matrix: MatrixState; cross: CrossState }>("CrossMatrix").implement({
  description: "The TOWS grid of one quadrant",
  fields: (t) => ({
    quadrant: t.field({ type: QuadrantEnum, resolve: ({ cross }) => cross.quadrant }),
    rows: t.field({ type: [Factor], description: "Internal factors of that quadrant", resolve: ({ cross }) => cross.rows }),
    columns: t.field({ type: [Factor], description: "External factors of that quadrant", resolve: ({ cross }) => cross.columns }),
    cells: t.field({
      type: [CrossCell],
      description: "One per (row, column), empty cells included",
      resolve: ({ matrix, cross }) => cross.cells.map((cell) => ({ matrix, cell })),
    }),
  }),
});

const QuadrantCount = builder.objectRef<{ quadrant: QuadrantValue; count: number }>("QuadrantCount").implement({
  fields: (t) => ({
    quadrant: t.expose("quadrant", { type: QuadrantEnum }),
    count: t.exposeInt("count"),
  }),
});

const MatrixScores = builder.objectRef<ScoresState>("MatrixScores").implement({
  fields: (t) => ({
    internal: t.exposeFloat("internal", { nullable: true, description: "IFE total: sum(normalised weight x rating) over S+W; null if none" }),
    external: t.exposeFloat("external", { nullable: true, description: "EFE total over O+T; null if none" }),
    strategiesByQuadrant: t.field({
      type: [QuadrantCount],
      description: "Strategies not abandoned, per quadrant",
      resolve: (scores) => scores.strategiesByQuadrant,
    }),
  }),
});

export const Matrix = builder.objectRef<MatrixState>("Matrix");

Matrix.implement({
  description: "A collectivity's SWOT diagnosis with its crossed TOWS strategies and initiatives",
  fields: (t) => ({
    id: t.exposeID("id"),
    collectivity: t.field({
      type: Collectivity,
      resolve: async (matrix, _args, ctx) => (await ctx.queries.collectivityOf(matrix, ctx.principal))!,
    }),
    title: t.exposeString("title"),
    status: t.expose("status", { type: MatrixStatusEnum }),
    version: t.exposeInt("version", { description: "Number of events in this matrix's stream" }),
    position: t.exposeString("position", { description: "Global position of the last event applied" }),
    updatedAt: t.field({ type: "DateTime", resolve: (m) => m.updatedAt }),
    publishedAt: t.field({ type: "DateTime", nullable: true, resolve: (m) => m.publishedAt }),
    visibility: t.field({ type: MatrixVisibilityEnum, nullable: true, description: "Null while DRAFT", resolve: (m) => m.visibility }),
    factors: t.field({
      type: [Factor],
      args: { kind: t.arg({ type: FactorKindEnum }) },
      resolve: (matrix, args) => liveFactors(matrix).filter((f) => args.kind == null || f.kind === args.kind),
    }),
    strategies: t.field({
      type: [Strategy],
      args: { quadrant: t.arg({ type: QuadrantEnum }), status: t.arg({ type: StrategyStatusEnum }) },
      resolve: (matrix, args) =>
        strategiesInOrder(matrix)
          .filter((s) => (args.quadrant == null || s.quadrant === args.quadrant) && (args.status == null || s.status === args.status))
          .map((s) => strategyView(matrix, s)),
    }),
    initiatives: t.field({
      type: [Initiative],
      resolve: (matrix) => initiativesInOrder(matrix).map((initiative) => ({ matrix, initiative })),
    }),
    cross: t.field({
      type: CrossMatrix,
      description: "The TOWS grid of one quadrant",
      args: { quadrant: t.arg({ type: QuadrantEnum, required: true }) },
      resolve: (matrix, args) => ({ matrix, cross: crossMatrix(matrix, args.quadrant) }),
    }),
    scores: t.field({ type: MatrixScores, resolve: (matrix) => scoreMatrix(matrix) }),
    history: t.field({
      type: EventConnection,
      args: { first: t.arg.int(), after: t.arg.string() },
      resolve: async (matrix, args, ctx) => connectionOf(await ctx.queries.events({ streamId: matrixStream(matrix.id), ...args }, ctx.principal), args.after),
    }),
  }),
});

export const MatrixConnection = builder.connectionObject<typeof Matrix, Counted>(
  { type: Matrix, name: "MatrixConnection", fields: (t) => ({ totalCount: t.int({ resolve: (page) => page.totalCount }) }) },
  { name: "MatrixEdge" },
);
