/** A metric across a group: quantiles interpolated between ranks, as PostgreSQL's percentile_cont computes them. */
export interface Distribution {
  mean: number | null;
  p25: number | null;
  median: number | null;
  p75: number | null;
}

/**
 * Mid-rank percentile, 0..100: the share of the group below the value, plus
 * half of those level with it (the value itself among them). Ties therefore
 * share one percentile, a lone member stands at 50, and nobody is "last" at
 * 0 by a mere tie.
 */
export function midRankPercentile(below: number, level: number, count: number): number | null {
  return count === 0 ? null : (100 * (below + level / 2)) / count;
}
