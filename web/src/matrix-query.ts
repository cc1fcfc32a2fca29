import { useCallback, useEffect, useRef, useState } from "react";
import { type CombinedError, type OperationResult, useClient, useQuery } from "urql";
import type { FACTOR_KIND_LABELS, QUADRANTS_FR, STATUS_LABELS } from "./french.ts";
import { graphql } from "./generated/gql.ts";
import type { CrossGridFragment, DiagnosisFragment, IndicatorViewFragment, MatrixHistoryQuery, MatrixPlanQuery } from "./generated/graphql.ts";

export type FactorKind = keyof typeof FACTOR_KIND_LABELS;
export type Quadrant = keyof typeof QUADRANTS_FR;
export type Status = keyof typeof STATUS_LABELS;

graphql(`
  fragment Diagnosis on Matrix {
    id title status version visibility updatedAt
    collectivity { id name }
    factors { id kind label description weight rating catalogueKey }
    scores { internal external }
    initiatives { id title quadrant status strategies { id title } }
  }
`);

export const MATRIX = graphql(`
  query Matrix($id: ID!, $asOf: DateTime, $minPosition: String) {
    matrix(id: $id, asOf: $asOf, minPosition: $minPosition) { ...Diagnosis }
  }
`);

/** Each change to the matrix with its diagnosis as that change left it: shown at once, before the grids are read again. */
export const CHANGED = graphql(`
  subscription MatrixChanged($id: ID!) {
    matrixChanged(matrixId: $id) { matrix { ...Diagnosis } }
  }
`);

// The grids name their factors only: the diagnosis holds their figures (and the API's query cost stays within its limit).
graphql(`
  fragment CrossGrid on CrossMatrix {
    quadrant
    rows { id label catalogueKey }
    columns { id label catalogueKey }
    cells { internalFactor { id } externalFactor { id } strategies { id title status decisions { status reason actor at } } }
  }
`);

/** The four grids, apart: with the diagnosis in one query they would pass the API's cost limit. */
export const GRIDS = graphql(`
  query MatrixGrids($id: ID!, $asOf: DateTime, $minPosition: String) {
    matrix(id: $id, asOf: $asOf, minPosition: $minPosition) {
      id
      SO: cross(quadrant: SO) { ...CrossGrid }
      WO: cross(quadrant: WO) { ...CrossGrid }
      ST: cross(quadrant: ST) { ...CrossGrid }
      WT: cross(quadrant: WT) { ...CrossGrid }
    }
  }
`);

graphql(`
  fragment IndicatorView on Indicator { id name unit baseline target value valueAt values { value at } }
`);

/** Who does what by when, and the indicators: apart from the grids, which would pass the cost limit with them. */
export const PLAN = graphql(`
  query MatrixPlan($id: ID!, $asOf: DateTime, $minPosition: String) {
    matrix(id: $id, asOf: $asOf, minPosition: $minPosition) {
      id
      strategies { id title quadrant status lead dueDate budget progress catalogueKey indicators { ...IndicatorView } }
      initiatives { id description lead dueDate budget progress indicators { ...IndicatorView } }
    }
  }
`);

/** A matrix's decisions, a page at a time: a page of a hundred would pass the API's cost limit. */
export const HISTORY = graphql(`
  query MatrixHistory($id: ID!, $minPosition: String, $after: String) {
    matrix(id: $id, minPosition: $minPosition) {
      id
      history(first: 50, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id version type occurredAt actor reason } } }
    }
  }
`);

export type Cross = CrossGridFragment;
export type GridFactor = Cross["rows"][number];
export type Strategy = Cross["cells"][number]["strategies"][number];
export type Diagnosis = DiagnosisFragment;
export type Factor = Diagnosis["factors"][number];
export type HistoryEvent = NonNullable<MatrixHistoryQuery["matrix"]>["history"]["edges"][number]["node"];
export type Plan = NonNullable<MatrixPlanQuery["matrix"]>;
export type StrategyPlan = Plan["strategies"][number];
export type InitiativePlan = Plan["initiatives"][number];
export type IndicatorView = IndicatorViewFragment;
export type MatrixData = Diagnosis & Record<Quadrant, Cross> & { plan: Plan };

/**
 * The matrix as a page reads it: the diagnosis and the grids, at one moment
 * (the same asOf and minPosition). A diagnosis a live change brought, newer
 * than the one read, is shown in its place.
 */
export function useMatrix(variables: { id: string; asOf: string | null; minPosition: string | null }, live: Diagnosis | null = null) {
  const [main, refetchMain] = useQuery({ query: MATRIX, variables });
  const [grids, refetchGrids] = useQuery({ query: GRIDS, variables });
  const [plan, refetchPlan] = useQuery({ query: PLAN, variables });
  const read = main.data?.matrix;
  const diagnosis = read && live && live.id === read.id && live.version > read.version ? live : read;
  const matrix: MatrixData | null =
    diagnosis && grids.data?.matrix && plan.data?.matrix ? { ...diagnosis, ...grids.data.matrix, plan: plan.data.matrix } : null;
  /** After a live change, which brought the diagnosis itself: only the grids and the plan are read again. */
  const refetchRest = useCallback(
    (options: { requestPolicy: "network-only" }) => {
      refetchGrids(options);
      refetchPlan(options);
    },
    [refetchGrids, refetchPlan],
  );
  const refetch = useCallback(
    (options: { requestPolicy: "network-only" }) => {
      refetchMain(options);
      refetchRest(options);
    },
    [refetchMain, refetchRest],
  );
  return {
    matrix,
    error: main.error ?? grids.error ?? plan.error,
    loaded: main.data !== undefined && grids.data !== undefined && plan.data !== undefined,
    refetch,
    refetchRest,
  };
}

/**
 * Every decision of a matrix, oldest first. When its version moves, only the
 * decisions after the last one read are fetched: the history only grows.
 */
export function useHistory(id: string, version: number, minPosition: string | null) {
  const client = useClient();
  const [events, setEvents] = useState<HistoryEvent[] | null>(null);
  const [error, setError] = useState<CombinedError | null>(null);
  const read = useRef<{ id: string; events: HistoryEvent[]; cursor: string | null } | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the version is what makes the history worth reading again
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const known = read.current?.id === id ? read.current : { id, events: [], cursor: null };
      const all = [...known.events];
      for (let after = known.cursor; ; ) {
        const result: OperationResult<MatrixHistoryQuery> = await client
          .query(HISTORY, { id, minPosition, after }, { requestPolicy: "network-only" })
          .toPromise();
        if (cancelled) return;
        if (result.error) return setError(result.error);
        const history: NonNullable<MatrixHistoryQuery["matrix"]>["history"] | undefined = result.data?.matrix?.history;
        if (!history) return setEvents([]);
        all.push(...history.edges.map((e) => e.node));
        after = history.pageInfo.endCursor ?? after;
        if (!history.pageInfo.hasNextPage) {
          read.current = { id, events: all, cursor: after };
          return setEvents(all);
        }
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [client, id, version, minPosition]);
  return { events: read.current?.id === id ? events : null, error };
}

/** The midpoint of the IFE and EFE scales: above it, a strong internal position or a favourable environment. */
export const MIDPOINT = 2.5;
