import { type Event, type EventMetadata, eventReader, type ReadEvent, type Upcaster } from "../events.ts";
import type { FactorKind, InnovationDomain, MatrixStatus, MatrixVisibility, Quadrant, StrategyStatus } from "../types.ts";

// The matrix aggregate's state, commands and events, and how events change
// the state (evolve). Deciding is in decide.ts.

export interface Factor {
  id: string;
  kind: FactorKind;
  label: string;
  description: string | null;
  weight: number;
  rating: number;
  domain: InnovationDomain | null;
  catalogueKey: string | null;
  removed: boolean;
}

export interface Decision {
  status: StrategyStatus;
  reason: string | null;
  actor: string;
  at: string;
  version: number;
}

/** Who answers for a strategy or an initiative, by when, with what money, how far along. */
export interface Accountability {
  /** The référent, as the collectivity names them. */
  lead: string | null;
  /** A calendar date, YYYY-MM-DD. */
  dueDate: string | null;
  /** Euros. */
  budget: number | null;
  /** 0..100. */
  progress: number | null;
}

export const NO_ACCOUNTABILITY: Accountability = { lead: null, dueDate: null, budget: null, progress: null };

export interface Strategy extends Accountability {
  id: string;
  quadrant: Quadrant;
  internalFactorId: string;
  externalFactorId: string;
  title: string;
  description: string | null;
  status: StrategyStatus;
  priority: number | null;
  catalogueKey: string | null;
  decisions: Decision[];
}

export interface Initiative extends Accountability {
  id: string;
  title: string;
  description: string | null;
  quadrant: Quadrant;
  status: StrategyStatus;
  catalogueKey: string | null;
  strategyIds: string[];
  decisions: Decision[];
  /** Removed initiatives stay here (flagged): the history names them. */
  removed: boolean;
}

/** A measure of a strategy's or an initiative's effect, with every value measured. */
export interface Indicator {
  id: string;
  /** The strategy or initiative it measures. */
  subjectId: string;
  name: string;
  unit: string | null;
  baseline: number | null;
  target: number | null;
  /** Oldest first; `at` is when the value was recorded. */
  measurements: { value: number; at: string }[];
}

export type IndicatorFields = Pick<Indicator, "name" | "unit" | "baseline" | "target">;

/**
 * The shape of Matrix as snapshots and read models store it. Bump it when a
 * field is added, removed or changes meaning: stored states of another
 * version are then ignored (snapshots) or rebuilt (projections).
 */
export const MATRIX_STATE_VERSION = 3;

export interface Matrix {
  id: string;
  collectivityId: string;
  title: string;
  status: MatrixStatus;
  version: number;
  position: string;
  openedAt: string;
  /** Set on first publication; archiving a published matrix keeps it readable as its visibility says. */
  publishedAt: string | null;
  /** Who may read it; null until it is first published. */
  visibility: MatrixVisibility | null;
  updatedAt: string;
  /** Removed factors stay here (flagged) because strategies keep pointing at them. */
  factors: Record<string, Factor>;
  strategies: Record<string, Strategy>;
  initiatives: Record<string, Initiative>;
  indicators: Record<string, Indicator>;
  /** Ids in the order of entry (factors: as last reordered, per kind); stored JSON keeps no key order. */
  order: { factors: string[]; strategies: string[]; initiatives: string[]; indicators: string[] };
}

export const factorsInOrder = (matrix: Matrix): Factor[] => matrix.order.factors.map((id) => matrix.factors[id]!);
export const strategiesInOrder = (matrix: Matrix): Strategy[] => matrix.order.strategies.map((id) => matrix.strategies[id]!);
/** Initiatives not removed, in the order of entry. */
export const initiativesInOrder = (matrix: Matrix): Initiative[] =>
  matrix.order.initiatives.map((id) => matrix.initiatives[id]!).filter((initiative) => !initiative.removed);
export const indicatorsOf = (matrix: Matrix, subjectId: string): Indicator[] =>
  matrix.order.indicators.map((id) => matrix.indicators[id]!).filter((indicator) => indicator.subjectId === subjectId);

export type FactorFields = Omit<Factor, "id" | "kind" | "removed">;
type Nullable<T> = { [K in keyof T]?: T[K] | null };

type StrategyChanges = Pick<Strategy, "title" | "description" | "priority" | "catalogueKey"> & Accountability;
export type InitiativeFields = Pick<Initiative, "title" | "description" | "strategyIds" | "catalogueKey"> & Accountability;

/**
 * What a new matrix starts from: the catalogue's factors, another matrix of
 * the same collectivity (its live factors, open strategies and open
 * initiatives), or a list of commands (an import). `ids` gives each copied
 * entry, by catalogue key or by its id in the source, its id in the new
 * matrix.
 */
export type MatrixStart =
  | { from: "CATALOGUE"; ids: Record<string, string> }
  | { from: "MATRIX"; source: Matrix; ids: Record<string, string> }
  /** What a spreadsheet holds, as the commands that build it, decided one after another on the new matrix. */
  | { from: "COMMANDS"; commands: MatrixCommand[] };

export type MatrixCommand =
  | { type: "OpenMatrix"; matrixId: string; collectivityId: string; title: string; start?: MatrixStart | null }
  | { type: "RenameMatrix"; matrixId: string; title: string }
  | { type: "PublishMatrix"; matrixId: string; visibility?: MatrixVisibility | null }
  | { type: "ChangeMatrixVisibility"; matrixId: string; visibility: MatrixVisibility }
  | { type: "ArchiveMatrix"; matrixId: string }
  | ({ type: "AddFactor"; matrixId: string; factorId: string; kind: FactorKind } & Nullable<FactorFields>)
  | ({ type: "ReviseFactor"; matrixId: string; factorId: string } & Nullable<FactorFields>)
  | { type: "RemoveFactor"; matrixId: string; factorId: string; reason?: string | null }
  | { type: "ReorderFactors"; matrixId: string; kind: FactorKind; factorIds: string[] }
  | {
      type: "ProposeStrategy";
      matrixId: string;
      strategyId: string;
      internalFactorId: string;
      externalFactorId: string;
      title: string;
      description?: string | null;
      priority?: number | null;
      catalogueKey?: string | null;
    }
  /** A catalogueKey of "" takes the key away. */
  | ({ type: "ReviseStrategy"; matrixId: string; strategyId: string } & Nullable<StrategyChanges>)
  | { type: "ChangeStrategyStatus"; matrixId: string; strategyId: string; status: StrategyStatus }
  | ({ type: "AddInitiative"; matrixId: string; initiativeId: string; title: string; quadrant: Quadrant } & Nullable<Omit<InitiativeFields, "title">>)
  /** A catalogueKey of "" takes the key away. */
  | ({ type: "ReviseInitiative"; matrixId: string; initiativeId: string } & Nullable<InitiativeFields>)
  | { type: "RemoveInitiative"; matrixId: string; initiativeId: string }
  | { type: "ChangeInitiativeStatus"; matrixId: string; initiativeId: string; status: StrategyStatus }
  /** An existing indicator when `indicatorId` names one of the subject's; otherwise a new one, under `newIndicatorId`. */
  | ({
      type: "SetIndicator";
      matrixId: string;
      subjectId: string;
      indicatorId?: string | null;
      newIndicatorId: string;
      value?: number | null;
    } & Nullable<IndicatorFields>);

export type MatrixEvent =
  | Event<"MatrixOpened", { matrixId: string; collectivityId: string; title: string }>
  | Event<"MatrixRenamed", { title: string }>
  | Event<"MatrixPublished", { visibility: MatrixVisibility }>
  | Event<"MatrixVisibilityChanged", { from: MatrixVisibility; to: MatrixVisibility }>
  | Event<"MatrixArchived", Record<string, never>>
  | Event<"FactorAdded", Omit<Factor, "removed">>
  | Event<"FactorRevised", { factorId: string; changes: Partial<FactorFields> }>
  | Event<"FactorRemoved", { factorId: string }>
  | Event<"FactorsReordered", { kind: FactorKind; factorIds: string[] }>
  | Event<"StrategyProposed", Omit<Strategy, "status" | "decisions">>
  | Event<"StrategyRevised", { strategyId: string; changes: Partial<StrategyChanges> }>
  | Event<"StrategyStatusChanged", { strategyId: string; from: StrategyStatus; to: StrategyStatus }>
  | Event<"InitiativeAdded", Omit<Initiative, "status" | "decisions" | "removed">>
  | Event<"InitiativeRevised", { initiativeId: string; changes: Partial<InitiativeFields> }>
  | Event<"InitiativeRemoved", { initiativeId: string }>
  | Event<"InitiativeStatusChanged", { initiativeId: string; from: StrategyStatus; to: StrategyStatus }>
  | Event<"IndicatorAdded", Omit<Indicator, "measurements">>
  | Event<"IndicatorRevised", { indicatorId: string; changes: Partial<IndicatorFields> }>
  | Event<"IndicatorMeasured", { indicatorId: string; value: number }>;

/**
 * Before visibilities existed (state version 1), MatrixPublished carried
 * nothing and every signed-in member read the matrix in full: that is NETWORK.
 */
const publishedBeforeVisibilities: Upcaster = (event) =>
  (event.data as { visibility?: MatrixVisibility }).visibility ? event : { ...event, data: { ...(event.data as object), visibility: "NETWORK" } };

/**
 * Before the action plan, strategies and initiatives held no lead, due date,
 * budget or progress; initiatives no description. Events since hold them all
 * and pass as they are (copying each cost a catch-up from zero 1.2 s of CPU
 * per projection).
 */
const withoutAccountability: Upcaster = (event) => {
  const data = event.data as Record<string, unknown>;
  const complete = ACCOUNTABILITY_FIELDS.every((field) => field in data) && (event.type !== "InitiativeAdded" || "description" in data);
  return complete ? event : { ...event, data: { ...NO_ACCOUNTABILITY, ...(event.type === "InitiativeAdded" ? { description: null } : {}), ...data } };
};
const ACCOUNTABILITY_FIELDS = Object.keys(NO_ACCOUNTABILITY);

/** Every matrix event type this version knows (a record, so that the compiler lists every member of the union). */
export const MATRIX_EVENT_TYPES: Record<MatrixEvent["type"], true> = {
  MatrixOpened: true,
  MatrixRenamed: true,
  MatrixPublished: true,
  MatrixVisibilityChanged: true,
  MatrixArchived: true,
  FactorAdded: true,
  FactorRevised: true,
  FactorRemoved: true,
  FactorsReordered: true,
  StrategyProposed: true,
  StrategyRevised: true,
  StrategyStatusChanged: true,
  InitiativeAdded: true,
  InitiativeRevised: true,
  InitiativeRemoved: true,
  InitiativeStatusChanged: true,
  IndicatorAdded: true,
  IndicatorRevised: true,
  IndicatorMeasured: true,
};

/** Reads a stored matrix event (see eventReader). */
export const readMatrixEvent = eventReader<MatrixEvent>("matrix", MATRIX_EVENT_TYPES, {
  MatrixPublished: publishedBeforeVisibilities,
  StrategyProposed: withoutAccountability,
  InitiativeAdded: withoutAccountability,
});

const decisionOf = (event: EventMetadata, status: StrategyStatus, at: string): Decision => ({
  status,
  reason: event.reason,
  actor: event.actor,
  at,
  version: event.version,
});

/** The entry of that id changed, in a copy of the record; the record itself when there is no such entry. */
function changedEntry<T>(entries: Record<string, T>, id: string, change: (entry: T) => T): Record<string, T> {
  const entry = entries[id];
  return entry ? { ...entries, [id]: change(entry) } : entries;
}

/** A strategy or an initiative with a decision more: its new status, who, when, why. */
const decided = <T extends { status: StrategyStatus; decisions: Decision[] }>(subject: T, event: EventMetadata, status: StrategyStatus, at: string): T => ({
  ...subject,
  status,
  decisions: [...subject.decisions, decisionOf(event, status, at)],
});

/**
 * The fields an event changes in a matrix, beside those every event sets
 * (see evolveMatrix). Only the changes: a fold of a million events copied
 * each matrix twice per event when this returned the whole matrix.
 */
function changesOf(state: Matrix, e: ReadEvent<MatrixEvent>, at: string): Partial<Matrix> {
  switch (e.type) {
    case "MatrixOpened":
      return {};
    case "MatrixRenamed":
      return { title: e.data.title };
    case "MatrixPublished":
      return { status: "PUBLISHED", publishedAt: state.publishedAt ?? at, visibility: e.data.visibility };
    case "MatrixVisibilityChanged":
      return { visibility: e.data.to };
    case "MatrixArchived":
      return { status: "ARCHIVED" };
    case "FactorAdded":
      return {
        factors: { ...state.factors, [e.data.id]: { ...e.data, removed: false } },
        order: { ...state.order, factors: [...state.order.factors, e.data.id] },
      };
    case "FactorRevised":
      return { factors: changedEntry(state.factors, e.data.factorId, (f) => ({ ...f, ...e.data.changes })) };
    case "FactorRemoved":
      return { factors: changedEntry(state.factors, e.data.factorId, (f) => ({ ...f, removed: true })) };
    case "FactorsReordered": {
      const { kind, factorIds } = e.data;
      const others = state.order.factors.filter((id) => state.factors[id]?.kind !== kind || !factorIds.includes(id));
      return { order: { ...state.order, factors: [...others, ...factorIds] } };
    }
    case "StrategyProposed":
      return {
        strategies: { ...state.strategies, [e.data.id]: { ...e.data, status: "PROPOSED", decisions: [decisionOf(e, "PROPOSED", at)] } },
        order: { ...state.order, strategies: [...state.order.strategies, e.data.id] },
      };
    case "StrategyRevised":
      return { strategies: changedEntry(state.strategies, e.data.strategyId, (s) => ({ ...s, ...e.data.changes })) };
    case "StrategyStatusChanged":
      return { strategies: changedEntry(state.strategies, e.data.strategyId, (s) => decided(s, e, e.data.to, at)) };
    case "InitiativeAdded":
      return {
        initiatives: {
          ...state.initiatives,
          [e.data.id]: { ...e.data, status: "PROPOSED", decisions: [decisionOf(e, "PROPOSED", at)], removed: false },
        },
        order: { ...state.order, initiatives: [...state.order.initiatives, e.data.id] },
      };
    case "InitiativeRevised":
      return { initiatives: changedEntry(state.initiatives, e.data.initiativeId, (i) => ({ ...i, ...e.data.changes })) };
    case "InitiativeRemoved":
      return { initiatives: changedEntry(state.initiatives, e.data.initiativeId, (i) => ({ ...i, removed: true })) };
    case "InitiativeStatusChanged":
      return { initiatives: changedEntry(state.initiatives, e.data.initiativeId, (i) => decided(i, e, e.data.to, at)) };
    case "IndicatorAdded":
      return {
        indicators: { ...state.indicators, [e.data.id]: { ...e.data, measurements: [] } },
        order: { ...state.order, indicators: [...state.order.indicators, e.data.id] },
      };
    case "IndicatorRevised":
      return { indicators: changedEntry(state.indicators, e.data.indicatorId, (n) => ({ ...n, ...e.data.changes })) };
    case "IndicatorMeasured":
      return {
        indicators: changedEntry(state.indicators, e.data.indicatorId, (n) => ({ ...n, measurements: [...n.measurements, { value: e.data.value, at }] })),
      };
  }
}

export function evolveMatrix(state: Matrix | null, event: ReadEvent<MatrixEvent>): Matrix | null {
  const at = event.occurredAt.toISOString();
  if (event.type === "MatrixOpened") {
    return {
      id: event.data.matrixId,
      collectivityId: event.data.collectivityId,
      title: event.data.title,
      status: "DRAFT",
      version: event.version,
      position: event.position,
      openedAt: at,
      publishedAt: null,
      visibility: null,
      updatedAt: at,
      factors: {},
      strategies: {},
      initiatives: {},
      indicators: {},
      order: { factors: [], strategies: [], initiatives: [], indicators: [] },
    };
  }
  if (!state) return null;
  return { ...state, ...changesOf(state, event, at), version: event.version, position: event.position, updatedAt: at };
}
