// The benchmarking part of the contract. The types are here so the schema
// matches the contract; peer groups and their aggregates are not computed yet
// and their resolvers say so.
import type { CollectivityKind } from "../../domain/types.ts";
import { builder } from "../builder.ts";
import { CatalogueEntry } from "./catalogue.ts";
import { CollectivityKindEnum } from "./scalars.ts";

export const BENCHMARK_METRICS = [
  "FACTOR_COUNT",
  "STRATEGY_COUNT",
  "ADOPTION_RATE",
  "COMPLETION_RATE",
  "DECISIONS_LAST_90_DAYS",
  "INTERNAL_SCORE",
  "EXTERNAL_SCORE",
] as const;
type Metric = (typeof BENCHMARK_METRICS)[number];

export const BenchmarkMetricEnum = builder.enumType("BenchmarkMetric", {
  values: {
    FACTOR_COUNT: {},
    STRATEGY_COUNT: {},
    ADOPTION_RATE: { description: "Share of strategies ever ADOPTED or beyond" },
    COMPLETION_RATE: { description: "DONE / (all not ABANDONED)" },
    DECISIONS_LAST_90_DAYS: {},
    INTERNAL_SCORE: {},
    EXTERNAL_SCORE: {},
  } as const,
});

export const PeerGroupInput = builder.inputType("PeerGroupInput", {
  fields: (t) => ({
    kind: t.field({ type: CollectivityKindEnum }),
    populationStratum: t.string({ description: "Stratum code, see peerGroups" }),
    wealthQuartile: t.int({ description: "1..4 within the kind" }),
  }),
});

interface PeerGroupShape {
  kind: CollectivityKind | null;
  populationStratum: string | null;
  wealthQuartile: number | null;
  label: string;
  size: number;
}

export const PeerGroup = builder.objectRef<PeerGroupShape>("PeerGroup").implement({
  fields: (t) => ({
    kind: t.expose("kind", { type: CollectivityKindEnum, nullable: true }),
    populationStratum: t.exposeString("populationStratum", { nullable: true }),
    wealthQuartile: t.exposeInt("wealthQuartile", { nullable: true }),
    label: t.exposeString("label"),
    size: t.exposeInt("size", { description: "Collectivities in the group" }),
  }),
});

interface PrevalenceShape {
  entry: { key: string };
  count: number;
  share: number;
}

const Prevalence = builder.objectRef<PrevalenceShape>("Prevalence").implement({
  fields: (t) => ({
    entry: t.field({ type: CatalogueEntry, resolve: (p) => p.entry as never }),
    count: t.exposeInt("count"),
    share: t.exposeFloat("share"),
  }),
});

interface DistributionShape {
  metric: Metric;
  mean: number | null;
  p25: number | null;
  median: number | null;
  p75: number | null;
}

const MetricDistribution = builder.objectRef<DistributionShape>("MetricDistribution").implement({
  fields: (t) => ({
    metric: t.expose("metric", { type: BenchmarkMetricEnum }),
    mean: t.exposeFloat("mean", { nullable: true }),
    p25: t.exposeFloat("p25", { nullable: true }),
    median: t.exposeFloat("median", { nullable: true }),
    p75: t.exposeFloat("p75", { nullable: true }),
  }),
});

interface PeerGroupBenchmarkShape {
  peerGroup: PeerGroupShape;
  suppressed: boolean;
  factorPrevalence: PrevalenceShape[] | null;
  strategyAdoption: PrevalenceShape[] | null;
  metrics: DistributionShape[] | null;
  updatedAt: Date | null;
}

export const PeerGroupBenchmark = builder.objectRef<PeerGroupBenchmarkShape>("PeerGroupBenchmark").implement({
  fields: (t) => ({
    peerGroup: t.field({ type: PeerGroup, resolve: (b) => b.peerGroup }),
    suppressed: t.exposeBoolean("suppressed", { description: "Fewer than k collectivities: aggregates are null" }),
    factorPrevalence: t.field({ type: [Prevalence], nullable: true, description: "Only published matrices count", resolve: (b) => b.factorPrevalence }),
    strategyAdoption: t.field({ type: [Prevalence], nullable: true, resolve: (b) => b.strategyAdoption }),
    metrics: t.field({ type: [MetricDistribution], nullable: true, resolve: (b) => b.metrics }),
    updatedAt: t.field({ type: "DateTime", nullable: true, resolve: (b) => b.updatedAt }),
  }),
});

interface CollectivityMetricShape {
  metric: Metric;
  value: number | null;
  peerMedian: number | null;
  percentile: number | null;
}

const CollectivityMetric = builder.objectRef<CollectivityMetricShape>("CollectivityMetric").implement({
  fields: (t) => ({
    metric: t.expose("metric", { type: BenchmarkMetricEnum }),
    value: t.exposeFloat("value", { nullable: true }),
    peerMedian: t.exposeFloat("peerMedian", { nullable: true }),
    percentile: t.exposeFloat("percentile", { nullable: true, description: "0..100 within its peer group" }),
  }),
});

export const CollectivityBenchmark = builder
  .objectRef<{ peerGroup: PeerGroupShape; metrics: CollectivityMetricShape[] }>("CollectivityBenchmark")
  .implement({
    fields: (t) => ({
      peerGroup: t.field({ type: PeerGroup, resolve: (b) => b.peerGroup }),
      metrics: t.field({ type: [CollectivityMetric], resolve: (b) => b.metrics }),
    }),
  });
