/**
 * Quantile with linear interpolation between closest ranks (Hyndman & Fan
 * type 7, as PostgreSQL's percentile_cont and most spreadsheets compute it),
 * so that figures users check by hand agree with ours.
 */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = q * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export interface Distribution {
  mean: number | null;
  p25: number | null;
  median: number | null;
  p75: number | null;
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    mean: sorted.length === 0 ? null : sorted.reduce((sum, v) => sum + v, 0) / sorted.length,
    p25: quantile(sorted, 0.25),
    median: quantile(sorted, 0.5),
    p75: quantile(sorted, 0.75),
  };
}

/**
 * Mid-rank percentile, 0..100: the share of the group below the value, plus
 * half of those level with it. Ties therefore share one percentile, a lone
 * member stands at 50, and no one is ever "last" at 0 by a mere tie.
 */
export function percentileOf(value: number, values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let below = 0;
  let level = 0;
  for (const v of values) {
    if (v < value) below++;
    else if (v === value) level++;
  }
  return (100 * (below + level / 2)) / values.length;
}
