import { catalogueEntries } from "../catalogue/index.ts";
import { BENCHMARK_METRICS, type BenchmarkMetric } from "./metrics.ts";
import { type Distribution, midRankPercentile } from "./statistics.ts";

// What a peer group releases, as integer counts that noise can be added to
// and groups summed from: contributors, each catalogue factor's holders, each
// catalogue strategy's adopters, and a histogram of each metric. Every
// figure a person reads (shares, means, quartiles, percentiles) is computed
// from these counts afterwards, which costs no privacy.

export const FACTOR_KEYS = catalogueEntries("FACTOR").map((e) => e.key);
export const STRATEGY_KEYS = catalogueEntries("STRATEGY").map((e) => e.key);

/** Histogram bins of a metric: `count` bins of `width` from `min`; the last takes everything above, the first everything below. */
export interface Bins {
  min: number;
  width: number;
  count: number;
  /** Integer values, one per bin: quantiles are read as PostgreSQL's percentile_cont reads them, between members. */
  discrete?: true;
}

export const METRIC_BINS: Record<BenchmarkMetric, Bins> = {
  FACTOR_COUNT: { min: 0, width: 1, count: 21, discrete: true },
  STRATEGY_COUNT: { min: 0, width: 2, count: 21 },
  ADOPTION_RATE: { min: 0, width: 0.1, count: 10 },
  COMPLETION_RATE: { min: 0, width: 0.1, count: 10 },
  DECISIONS_LAST_90_DAYS: { min: 0, width: 2, count: 21 },
  INTERNAL_SCORE: { min: 1, width: 0.2, count: 15 },
  EXTERNAL_SCORE: { min: 1, width: 0.2, count: 15 },
};

export function binOf(metric: BenchmarkMetric, value: number): number {
  const { min, width, count } = METRIC_BINS[metric];
  // A small tolerance, so that 0.3 / 0.1 lands in bin 3 and not 2.
  return Math.max(0, Math.min(count - 1, Math.floor((value - min) / width + 1e-9)));
}

export interface Figures {
  contributors: number;
  /** In FACTOR_KEYS order. */
  prevalence: number[];
  /** In STRATEGY_KEYS order. */
  adoption: number[];
  /** In BENCHMARK_METRICS order, each in its bins. */
  histograms: number[][];
}

/** What one contributing collectivity brings: its latest published matrix's catalogue keys and metric values. */
export interface Contribution {
  factorKeys: readonly string[];
  adoptedStrategyKeys: readonly string[];
  metrics: Record<BenchmarkMetric, number | null>;
}

/**
 * The most one collectivity adds to the squared L2 norm of a cell's figures:
 * one contributor, each factor and each strategy once, one bin per metric.
 */
export const SENSITIVITY_SQUARED = 1 + FACTOR_KEYS.length + STRATEGY_KEYS.length + BENCHMARK_METRICS.length;

export const emptyFigures = (): Figures => ({
  contributors: 0,
  prevalence: FACTOR_KEYS.map(() => 0),
  adoption: STRATEGY_KEYS.map(() => 0),
  histograms: BENCHMARK_METRICS.map((m) => Array.from({ length: METRIC_BINS[m].count }, () => 0)),
});

const FACTOR_INDEX = new Map(FACTOR_KEYS.map((k, i) => [k, i]));
const STRATEGY_INDEX = new Map(STRATEGY_KEYS.map((k, i) => [k, i]));

/** Figures of a set of contributions; a key counts once per collectivity whatever its matrix repeats. */
export function figuresOf(contributions: Iterable<Contribution>): Figures {
  const figures = emptyFigures();
  for (const c of contributions) {
    figures.contributors += 1;
    for (const key of new Set(c.factorKeys)) {
      const i = FACTOR_INDEX.get(key);
      if (i !== undefined) figures.prevalence[i]! += 1;
    }
    for (const key of new Set(c.adoptedStrategyKeys)) {
      const i = STRATEGY_INDEX.get(key);
      if (i !== undefined) figures.adoption[i]! += 1;
    }
    BENCHMARK_METRICS.forEach((metric, m) => {
      const value = c.metrics[metric];
      if (value !== null && Number.isFinite(value)) figures.histograms[m]![binOf(metric, value)]! += 1;
    });
  }
  return figures;
}

/** Applies f to every count, keeping the shape. */
export const mapFigures = (figures: Figures, f: (count: number) => number): Figures => ({
  contributors: f(figures.contributors),
  prevalence: figures.prevalence.map(f),
  adoption: figures.adoption.map(f),
  histograms: figures.histograms.map((h) => h.map(f)),
});

export function sumFigures(list: readonly Figures[]): Figures {
  const total = emptyFigures();
  for (const f of list) {
    total.contributors += f.contributors;
    for (const [i, n] of f.prevalence.entries()) total.prevalence[i]! += n;
    for (const [i, n] of f.adoption.entries()) total.adoption[i]! += n;
    for (const [m, h] of f.histograms.entries()) for (const [b, n] of h.entries()) total.histograms[m]![b]! += n;
  }
  return total;
}

/** How many coordinates a release adds noise to (one draw each). */
export const coordinates = (f: Figures): number => 1 + f.prevalence.length + f.adoption.length + f.histograms.reduce((n, h) => n + h.length, 0);

// ---- reading released figures --------------------------------------------

const nonNegative = (n: number) => Math.max(0, n);

/** A metric's mean and quartiles from its histogram, each bin's members spread evenly across it. */
export function distributionOf(metric: BenchmarkMetric, histogram: readonly number[]): Distribution {
  if (METRIC_BINS[metric].discrete)
    return discreteDistribution(
      METRIC_BINS[metric].min,
      histogram.map((n) => Math.round(nonNegative(n))),
    );
  const counts = histogram.map(nonNegative);
  const total = counts.reduce((s, n) => s + n, 0);
  if (total === 0) return { mean: null, p25: null, median: null, p75: null };
  const { min, width } = METRIC_BINS[metric];
  const mean = counts.reduce((s, n, b) => s + n * (min + (b + 0.5) * width), 0) / total;
  const quantile = (q: number) => {
    const rank = q * total;
    let below = 0;
    for (const [b, n] of counts.entries()) {
      if (n > 0 && below + n >= rank) return min + (b + (rank - below) / n) * width;
      below += n;
    }
    return min + counts.length * width;
  };
  return { mean, p25: quantile(0.25), median: quantile(0.5), p75: quantile(0.75) };
}

/** Integer values counted per value: the mean, and quartiles interpolated between the members' ranks (percentile_cont). */
function discreteDistribution(min: number, counts: number[]): Distribution {
  const total = counts.reduce((s, n) => s + n, 0);
  if (total === 0) return { mean: null, p25: null, median: null, p75: null };
  const valueAt = (rank: number) => {
    let below = 0;
    for (const [b, n] of counts.entries()) {
      below += n;
      if (rank < below) return min + b;
    }
    return min + counts.length - 1;
  };
  const quantile = (q: number) => {
    const h = (total - 1) * q;
    const low = valueAt(Math.floor(h));
    return low + (h - Math.floor(h)) * (valueAt(Math.ceil(h)) - low);
  };
  const mean = counts.reduce((s, n, b) => s + n * (min + b), 0) / total;
  return { mean, p25: quantile(0.25), median: quantile(0.5), p75: quantile(0.75) };
}

/** A value's mid-rank percentile among the histogram's members (those in its own bin counted as level with it). */
export function percentileIn(metric: BenchmarkMetric, histogram: readonly number[], value: number): number | null {
  const counts = histogram.map(nonNegative);
  const bin = binOf(metric, value);
  const below = counts.slice(0, bin).reduce((s, n) => s + n, 0);
  const total = counts.reduce((s, n) => s + n, 0);
  return midRankPercentile(below, counts[bin]!, total);
}

/** Released counts as a person reads them: no negative count, shares between 0 and 1. */
export function readFigures(figures: Figures) {
  const contributors = Math.round(nonNegative(figures.contributors));
  const share = (n: number) => (contributors === 0 ? 0 : Math.min(1, nonNegative(n) / contributors));
  const count = (n: number) => Math.min(contributors, Math.round(nonNegative(n)));
  return {
    contributors,
    prevalence: FACTOR_KEYS.map((key, i) => ({ key, count: count(figures.prevalence[i]!), share: share(figures.prevalence[i]!) })),
    adoption: STRATEGY_KEYS.map((key, i) => ({ key, count: count(figures.adoption[i]!), share: share(figures.adoption[i]!) })),
    metrics: BENCHMARK_METRICS.map((metric, m) => ({ metric, ...distributionOf(metric, figures.histograms[m]!) })),
  };
}

// ---- what a group answers --------------------------------------------------

/** What a release unit holds: NETWORK and PUBLIC contributions exactly, AGGREGATES_ONLY ones with noise on every count. */
export interface Release {
  shared: Figures;
  hidden: Figures;
}

/** How many standard deviations of noise the released contributors must outnumber for figures over private matrices to be shown. */
export const READABLE = 6;

export type GroupAnswer = { shown: "ALL" | "SHARED_ONLY"; figures: Figures } | { shown: "NONE"; reason: "FEW" | "NOISY" };

/** A group's release: its cells' shared counts summed, and the noisy counts of the units it reads, with how many they are. */
export interface GroupRelease {
  shared: Figures;
  hidden: Figures;
  hiddenUnits: number;
}

/**
 * What a group reads from the release units: the shared counts of some
 * (its cells, or its place's units), and the noisy counts of others (its
 * own units when it has them, one per kind: the fewer, the less noise; else
 * its cells, a sum of their noise).
 */
export function groupRelease(sharedFrom: readonly Release[], hiddenFrom: readonly Release[]): GroupRelease {
  return {
    shared: sumFigures(sharedFrom.map((u) => u.shared)),
    hidden: sumFigures(hiddenFrom.map((u) => u.hidden)),
    hiddenUnits: hiddenFrom.length,
  };
}

/**
 * A group's answer from its release: the shared figures plus the noisy
 * others while the contributors outnumber READABLE standard deviations of
 * the noise (shares then err by a sixth at most, most of the time, and
 * noise alone almost never passes); else the shared figures alone; else
 * nothing, with why. Everything here reads released figures only: it costs
 * no privacy.
 */
export function groupAnswer(release: GroupRelease, sigma2: number, minGroup: number): GroupAnswer {
  const combined = sumFigures([release.shared, release.hidden]);
  const noise = Math.sqrt(sigma2 * release.hiddenUnits);
  const total = Math.round(Math.max(0, combined.contributors));
  if (total >= minGroup && total >= READABLE * noise) return { shown: "ALL", figures: combined };
  if (release.shared.contributors >= minGroup) return { shown: "SHARED_ONLY", figures: release.shared };
  return { shown: "NONE", reason: total < minGroup ? "FEW" : "NOISY" };
}

/** The answer of a group no release serves: its shared matrices' exact figures when at least k share, else nothing. */
export const sharedAnswer = (shared: Figures, minGroup: number): GroupAnswer =>
  shared.contributors >= minGroup ? { shown: "SHARED_ONLY", figures: shared } : { shown: "NONE", reason: "FEW" };
