export const BENCHMARK_METRICS = [
  "FACTOR_COUNT",
  "STRATEGY_COUNT",
  "ADOPTION_RATE",
  "COMPLETION_RATE",
  "DECISIONS_LAST_90_DAYS",
  "INTERNAL_SCORE",
  "EXTERNAL_SCORE",
] as const;
export type BenchmarkMetric = (typeof BENCHMARK_METRICS)[number];

/** DECISIONS_LAST_90_DAYS counts the decisions in this many days up to the moment of computing. */
export const RECENT_DAYS = 90;
