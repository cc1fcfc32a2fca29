import { type Factor, factorsInOrder, type Matrix, type Strategy, strategiesInOrder } from "./matrix.ts";
import { isInternal, QUADRANTS, type Quadrant, quadrantSides } from "./types.ts";

/**
 * IFE / EFE total: sum of (weight / sum of weights on that side) x rating,
 * rounded to 3 decimals. Weights count in integer thousandths, so the sums
 * are exact whatever the order of the factors, and every path (read model,
 * time travel, subscriptions, benchmarks) gives the same number. Null when
 * the side has no factor, or only zero weights, since nothing can then be
 * weighed.
 */
export function weightedScore(factors: readonly Pick<Factor, "weight" | "rating">[]): number | null {
  let total = 0;
  let weighted = 0;
  for (const factor of factors) {
    const thousandths = Math.round(factor.weight * 1000);
    total += thousandths;
    weighted += thousandths * factor.rating;
  }
  if (total === 0) return null;
  return Math.round((weighted / total) * 1000) / 1000;
}

/** Factors not removed, in the order of entry (or as reordered). */
export const liveFactors = (matrix: Matrix): Factor[] => factorsInOrder(matrix).filter((f) => !f.removed);

export interface MatrixScores {
  internal: number | null;
  external: number | null;
  strategiesByQuadrant: { quadrant: Quadrant; count: number }[];
}

/** Abandoned strategies are no longer part of the plan and are not counted. */
export function scoreMatrix(matrix: Matrix): MatrixScores {
  const factors = liveFactors(matrix);
  const strategies = Object.values(matrix.strategies).filter((s) => s.status !== "ABANDONED");
  return {
    internal: weightedScore(factors.filter((f) => isInternal(f.kind))),
    external: weightedScore(factors.filter((f) => !isInternal(f.kind))),
    strategiesByQuadrant: QUADRANTS.map((quadrant) => ({ quadrant, count: strategies.filter((s) => s.quadrant === quadrant).length })),
  };
}

export interface CrossMatrix {
  quadrant: Quadrant;
  rows: Factor[];
  columns: Factor[];
  cells: { internalFactor: Factor; externalFactor: Factor; strategies: Strategy[] }[];
}

/** The TOWS grid of one quadrant: every (internal x external) pair, empty ones included. */
export function crossMatrix(matrix: Matrix, quadrant: Quadrant): CrossMatrix {
  const [rowKind, columnKind] = quadrantSides(quadrant);
  const factors = liveFactors(matrix);
  const rows = factors.filter((f) => f.kind === rowKind);
  const columns = factors.filter((f) => f.kind === columnKind);
  const strategies = strategiesInOrder(matrix);
  return {
    quadrant,
    rows,
    columns,
    cells: rows.flatMap((row) =>
      columns.map((column) => ({
        internalFactor: row,
        externalFactor: column,
        strategies: strategies.filter((s) => s.internalFactorId === row.id && s.externalFactorId === column.id),
      })),
    ),
  };
}
