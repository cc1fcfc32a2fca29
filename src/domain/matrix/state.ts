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

export interface Strategy {
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

export interface Initiative {
  id: string;
  title: string;
  quadrant: Quadrant;
  status: StrategyStatus;
  catalogueKey: string | null;
  strategyIds: string[];
  decisions: Decision[];
}

/**
 * The shape of Matrix as snapshots and read models store it. Bump it when a
 * field is added, removed or changes meaning: stored states of another
 * version are then ignored (snapshots) or rebuilt (projections).
 */
export const MATRIX_STATE_VERSION = 2;

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
}

export type FactorFields = Omit<Factor, "id" | "kind" | "removed">;
type Nullable<T> = { [K in keyof T]?: T[K] | null };

export type MatrixCommand =
  | { type: "OpenMatrix"; matrixId: string; collectivityId: string; title: string }
  | { type: "RenameMatrix"; matrixId: string; title: string }
  | { type: "PublishMatrix"; matrixId: string; visibility?: MatrixVisibility | null }
  | { type: "ChangeMatrixVisibility"; matrixId: string; visibility: MatrixVisibility }
  | { type: "ArchiveMatrix"; matrixId: string }
  | ({ type: "AddFactor"; matrixId: string; factorId: string; kind: FactorKind; label: string } & Nullable<Omit<FactorFields, "label">>)
  | ({ type: "ReviseFactor"; matrixId: string; factorId: string } & Nullable<FactorFields>)
  | { type: "RemoveFactor"; matrixId: string; factorId: string; reason?: string | null }
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
  | { type: "ReviseStrategy"; matrixId: string; strategyId: string; title?: string | null; description?: string | null; priority?: number | null }
  | { type: "ChangeStrategyStatus"; matrixId: string; strategyId: string; status: StrategyStatus }
  | {
      type: "AddInitiative";
      matrixId: string;
      initiativeId: string;
      title: string;
      quadrant: Quadrant;
      strategyIds?: string[] | null;
      catalogueKey?: string | null;
    }
  | { type: "ChangeInitiativeStatus"; matrixId: string; initiativeId: string; status: StrategyStatus };

export type MatrixEvent =
  | Event<"MatrixOpened", { matrixId: string; collectivityId: string; title: string }>
  | Event<"MatrixRenamed", { title: string }>
  | Event<"MatrixPublished", { visibility: MatrixVisibility }>
  | Event<"MatrixVisibilityChanged", { from: MatrixVisibility; to: MatrixVisibility }>
  | Event<"MatrixArchived", Record<string, never>>
  | Event<"FactorAdded", Omit<Factor, "removed">>
  | Event<"FactorRevised", { factorId: string; changes: Partial<FactorFields> }>
  | Event<"FactorRemoved", { factorId: string }>
  | Event<"StrategyProposed", Omit<Strategy, "status" | "decisions">>
  | Event<"StrategyRevised", { strategyId: string; changes: Partial<Pick<Strategy, "title" | "description" | "priority">> }>
  | Event<"StrategyStatusChanged", { strategyId: string; from: StrategyStatus; to: StrategyStatus }>
  | Event<"InitiativeAdded", Omit<Initiative, "status" | "decisions">>
  | Event<"InitiativeStatusChanged", { initiativeId: string; from: StrategyStatus; to: StrategyStatus }>;

/**
 * Before visibilities existed (state version 1), MatrixPublished carried
 * nothing and every signed-in member read the matrix in full: that is NETWORK.
 */
const publishedBeforeVisibilities: Upcaster = (event) =>
  (event.data as { visibility?: MatrixVisibility }).visibility ? event : { ...event, data: { ...(event.data as object), visibility: "NETWORK" } };

/** Reads a stored matrix event (see eventReader). */
export const readMatrixEvent = eventReader<MatrixEvent>(
  "matrix",
  {
    MatrixOpened: true,
    MatrixRenamed: true,
    MatrixPublished: true,
    MatrixVisibilityChanged: true,
    MatrixArchived: true,
    FactorAdded: true,
    FactorRevised: true,
    FactorRemoved: true,
    StrategyProposed: true,
    StrategyRevised: true,
    StrategyStatusChanged: true,
    InitiativeAdded: true,
    InitiativeStatusChanged: true,
  },
  { MatrixPublished: publishedBeforeVisibilities },
);

const decisionOf = (event: EventMetadata, status: StrategyStatus): Decision => ({
  status,
  reason: event.reason,
  actor: event.actor,
  at: event.occurredAt.toISOString(),
  version: event.version,
});

function applyMatrixEvent(state: Matrix, e: ReadEvent<MatrixEvent>, at: string): Matrix {
  switch (e.type) {
    case "MatrixOpened":
      return state;
    case "MatrixRenamed":
      return { ...state, title: e.data.title };
    case "MatrixPublished":
      return { ...state, status: "PUBLISHED", publishedAt: state.publishedAt ?? at, visibility: e.data.visibility };
    case "MatrixVisibilityChanged":
      return { ...state, visibility: e.data.to };
    case "MatrixArchived":
      return { ...state, status: "ARCHIVED" };
    case "FactorAdded":
      return { ...state, factors: { ...state.factors, [e.data.id]: { ...e.data, removed: false } } };
    case "FactorRevised": {
      const factor = state.factors[e.data.factorId];
      return factor ? { ...state, factors: { ...state.factors, [factor.id]: { ...factor, ...e.data.changes } } } : state;
    }
    case "FactorRemoved": {
      const factor = state.factors[e.data.factorId];
      return factor ? { ...state, factors: { ...state.factors, [factor.id]: { ...factor, removed: true } } } : state;
    }
    case "StrategyProposed":
      return {
        ...state,
        strategies: { ...state.strategies, [e.data.id]: { ...e.data, status: "PROPOSED", decisions: [decisionOf(e, "PROPOSED")] } },
      };
    case "StrategyRevised": {
      const strategy = state.strategies[e.data.strategyId];
      return strategy ? { ...state, strategies: { ...state.strategies, [strategy.id]: { ...strategy, ...e.data.changes } } } : state;
    }
    case "StrategyStatusChanged": {
      const strategy = state.strategies[e.data.strategyId];
      if (!strategy) return state;
      const next = { ...strategy, status: e.data.to, decisions: [...strategy.decisions, decisionOf(e, e.data.to)] };
      return { ...state, strategies: { ...state.strategies, [strategy.id]: next } };
    }
    case "InitiativeAdded":
      return {
        ...state,
        initiatives: { ...state.initiatives, [e.data.id]: { ...e.data, status: "PROPOSED", decisions: [decisionOf(e, "PROPOSED")] } },
      };
    case "InitiativeStatusChanged": {
      const initiative = state.initiatives[e.data.initiativeId];
      if (!initiative) return state;
      const next = { ...initiative, status: e.data.to, decisions: [...initiative.decisions, decisionOf(e, e.data.to)] };
      return { ...state, initiatives: { ...state.initiatives, [initiative.id]: next } };
    }
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
    };
  }
  if (!state) return null;
  return { ...applyMatrixEvent(state, event, at), version: event.version, position: event.position, updatedAt: at };
}
