import { useCallback, useEffect, useState } from "react";
import { type CombinedError, gql, type OperationResult, useClient, useQuery } from "urql";
import type { FACTOR_KIND_LABELS, QUADRANTS_FR, STATUS_LABELS } from "./french.ts";

export type FactorKind = keyof typeof FACTOR_KIND_LABELS;
export type Quadrant = keyof typeof QUADRANTS_FR;
export type Status = keyof typeof STATUS_LABELS;

export interface Factor {
  id: string;
  kind: FactorKind;
  label: string;
  description: string | null;
  weight: number;
  rating: number;
  catalogueKey: string | null;
}
export interface Decision {
  status: Status;
  reason: string | null;
  actor: string;
  at: string;
}
export interface Strategy {
  id: string;
  title: string;
  status: Status;
  decisions: Decision[];
}
export type GridFactor = Pick<Factor, "id" | "label" | "catalogueKey">;
export interface Cross {
  quadrant: Quadrant;
  rows: GridFactor[];
  columns: GridFactor[];
  cells: { internalFactor: { id: string }; externalFactor: { id: string }; strategies: Strategy[] }[];
}
export interface HistoryEvent {
  id: string;
  version: number;
  type: string;
  occurredAt: string;
  actor: string;
  reason: string | null;
}
export interface MatrixData {
  id: string;
  title: string;
  status: "DRAFT" | "PUBLISHED" | "ARCHIVED";
  version: number;
  visibility: "AGGREGATES_ONLY" | "NETWORK" | "PUBLIC" | null;
  updatedAt: string;
  collectivity: { id: string; name: string };
  factors: Factor[];
  scores: { internal: number | null; external: number | null };
  SO: Cross;
  WO: Cross;
  ST: Cross;
  WT: Cross;
  initiatives: { id: string; title: string; quadrant: Quadrant; status: Status; strategies: { id: string; title: string }[] }[];
}

const FACTOR = "id kind label description weight rating catalogueKey";
// The grids name their factors only: the diagnosis above holds their figures (and the API's query cost stays within its limit).
const CROSS = `quadrant rows { id label catalogueKey } columns { id label catalogueKey }
  cells { internalFactor { id } externalFactor { id } strategies { id title status decisions { status reason actor at } } }`;

export const MATRIX = gql`
  query Matrix($id: ID!, $asOf: DateTime, $minPosition: String) {
    matrix(id: $id, asOf: $asOf, minPosition: $minPosition) {
      id title status version visibility updatedAt
      collectivity { id name }
      factors { ${FACTOR} }
      scores { internal external }
      initiatives { id title quadrant status strategies { id title } }
    }
  }
`;

/** A matrix's decisions, a page at a time: a page of a hundred would pass the API's cost limit. */
export const HISTORY = gql`
  query MatrixHistory($id: ID!, $minPosition: String, $after: String) {
    matrix(id: $id, minPosition: $minPosition) {
      id
      history(first: 50, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id version type occurredAt actor reason } } }
    }
  }
`;

interface HistoryPage {
  matrix: { history: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: HistoryEvent }[] } } | null;
}

/** Every decision of a matrix, read again whenever its version moves. */
export function useHistory(id: string, version: number, minPosition: string | null) {
  const client = useClient();
  const [events, setEvents] = useState<HistoryEvent[] | null>(null);
  const [error, setError] = useState<CombinedError | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the version is what makes the history worth reading again
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const all: HistoryEvent[] = [];
      for (let after: string | null = null; ; ) {
        const result: OperationResult<HistoryPage> = await client
          .query<HistoryPage>(HISTORY, { id, minPosition, after }, { requestPolicy: "network-only" })
          .toPromise();
        if (cancelled) return;
        if (result.error) return setError(result.error);
        const history: NonNullable<HistoryPage["matrix"]>["history"] | undefined = result.data?.matrix?.history;
        if (!history) return setEvents([]);
        all.push(...history.edges.map((e) => e.node));
        if (!history.pageInfo.hasNextPage) return setEvents(all);
        after = history.pageInfo.endCursor;
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [client, id, version, minPosition]);
  return { events, error };
}

/** The four grids, apart: with the diagnosis in one query they would pass the API's cost limit. */
export const GRIDS = gql`
  query MatrixGrids($id: ID!, $asOf: DateTime, $minPosition: String) {
    matrix(id: $id, asOf: $asOf, minPosition: $minPosition) {
      id
      SO: cross(quadrant: SO) { ${CROSS} }
      WO: cross(quadrant: WO) { ${CROSS} }
      ST: cross(quadrant: ST) { ${CROSS} }
      WT: cross(quadrant: WT) { ${CROSS} }
    }
  }
`;

/** The matrix as a page reads it: the diagnosis and the grids, at one moment (the same asOf and minPosition). */
export function useMatrix(variables: { id: string; asOf: string | null; minPosition: string | null }) {
  const [main, refetchMain] = useQuery<{ matrix: Omit<MatrixData, Quadrant> | null }>({ query: MATRIX, variables });
  const [grids, refetchGrids] = useQuery<{ matrix: Pick<MatrixData, Quadrant> | null }>({ query: GRIDS, variables });
  const matrix: MatrixData | null = main.data?.matrix && grids.data?.matrix ? { ...main.data.matrix, ...grids.data.matrix } : null;
  const refetch = useCallback(
    (options: { requestPolicy: "network-only" }) => {
      refetchMain(options);
      refetchGrids(options);
    },
    [refetchMain, refetchGrids],
  );
  return {
    matrix,
    error: main.error ?? grids.error,
    loaded: main.data !== undefined && grids.data !== undefined,
    refetch,
  };
}

/** The midpoint of the IFE and EFE scales: above it, a strong internal position or a favourable environment. */
export const MIDPOINT = 2.5;
