import { initiativesInOrder, type Matrix, type Strategy } from "../matrix.ts";
import { liveFactors, weightedScore } from "../scores.ts";
import { isInternal, type StrategyStatus } from "../types.ts";

/** What a collectivity's latest published matrix contributes to its peer groups. */
export interface MemberFacts {
  matrixId: string;
  /** The matrix is NETWORK or PUBLIC: what it contributes is readable anyway. */
  shared: boolean;
  /** Catalogue factors the matrix holds (live factors only), sorted. */
  factorKeys: string[];
  /** Catalogue strategies ever adopted (ADOPTED or beyond at some point), sorted. */
  adoptedStrategyKeys: string[];
  /** Per catalogue strategy or tool: how far the collectivity got with it. */
  strategyStatuses: Record<string, StrategyStatus>;
  toolStatuses: Record<string, StrategyStatus>;
  /** What INTERNAL_SCORE and EXTERNAL_SCORE are computed from, so reference weights can be applied later. */
  scoring: ScoredFactor[];
  factorCount: number;
  strategyCount: number;
  adoptionRate: number | null;
  completionRate: number | null;
  /** When each decision on a strategy or initiative was taken (ISO), sorted: DECISIONS_LAST_90_DAYS counts them by binary search. */
  decisionDates: string[];
}

export interface ScoredFactor {
  key: string | null;
  internal: boolean;
  weight: number;
  rating: number;
}

const ADOPTED_OR_BEYOND: readonly StrategyStatus[] = ["ADOPTED", "IN_PROGRESS", "DONE"];

const everAdopted = (s: { status: StrategyStatus; decisions: { status: StrategyStatus }[] }) =>
  ADOPTED_OR_BEYOND.includes(s.status) || s.decisions.some((d) => ADOPTED_OR_BEYOND.includes(d.status));

// A matrix may hold one catalogue entry twice; the furthest one speaks for it.
const PROGRESS: Record<StrategyStatus, number> = { ABANDONED: 0, PROPOSED: 1, ADOPTED: 2, IN_PROGRESS: 3, DONE: 4 };

function furthest(items: { catalogueKey: string | null; status: StrategyStatus }[]): Record<string, StrategyStatus> {
  const result: Record<string, StrategyStatus> = {};
  for (const item of items) {
    if (!item.catalogueKey) continue;
    const known = result[item.catalogueKey];
    if (!known || PROGRESS[item.status] > PROGRESS[known]) result[item.catalogueKey] = item.status;
  }
  return result;
}

const sortedUnique = (keys: (string | null)[]) => [...new Set(keys.filter((k): k is string => k !== null))].sort();

/**
 * Metric definitions: FACTOR_COUNT counts live factors; STRATEGY_COUNT the
 * strategies still in the plan (not ABANDONED, as in the matrix's scores);
 * ADOPTION_RATE the share of all strategies ever adopted; COMPLETION_RATE
 * DONE over all not ABANDONED. Rates are null without a denominator.
 */
export function memberFacts(matrix: Matrix): MemberFacts {
  const factors = liveFactors(matrix);
  const strategies: Strategy[] = Object.values(matrix.strategies);
  const initiatives = initiativesInOrder(matrix);
  const inPlan = strategies.filter((s) => s.status !== "ABANDONED");
  return {
    matrixId: matrix.id,
    shared: matrix.visibility === "NETWORK" || matrix.visibility === "PUBLIC",
    factorKeys: sortedUnique(factors.map((f) => f.catalogueKey)),
    adoptedStrategyKeys: sortedUnique(strategies.filter(everAdopted).map((s) => s.catalogueKey)),
    strategyStatuses: furthest(strategies),
    toolStatuses: furthest(initiatives),
    scoring: factors.map((f) => ({ key: f.catalogueKey, internal: isInternal(f.kind), weight: f.weight, rating: f.rating })),
    factorCount: factors.length,
    strategyCount: inPlan.length,
    adoptionRate: strategies.length === 0 ? null : strategies.filter(everAdopted).length / strategies.length,
    completionRate: inPlan.length === 0 ? null : inPlan.filter((s) => s.status === "DONE").length / inPlan.length,
    decisionDates: [...strategies, ...initiatives].flatMap((s) => s.decisions.map((d) => d.at)).sort(),
  };
}

/**
 * INTERNAL_SCORE and EXTERNAL_SCORE as the network compares them: a factor
 * whose catalogue key has a reference weight for the collectivity's kind is
 * weighed with it, so that every peer weighs that factor alike; the ratings
 * stay each collectivity's own.
 */
export function comparableScores(scoring: readonly ScoredFactor[], referenceWeights: ReadonlyMap<string, number>) {
  const weighed = scoring.map((f) => ({ ...f, weight: (f.key !== null ? referenceWeights.get(f.key) : undefined) ?? f.weight }));
  const side = (internal: boolean) => weightedScore(weighed.filter((f) => f.internal === internal));
  return { internal: side(true), external: side(false) };
}
