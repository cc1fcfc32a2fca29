// Benchmarking across collectivities: peer groups, their aggregates, a
// collectivity's place among its peers, and what peers did about a factor.
import type {
  CollectivityBenchmarkView,
  PeerGroupBenchmarkView,
  PeerGroupView,
  PeerPracticesView,
  PracticeUptake,
  Prevalence as PrevalenceView,
  PrivacyView,
} from "../../app/benchmarks.ts";
import type { BenchmarkMetric } from "../../domain/benchmark/metrics.ts";
import type { Distribution } from "../../domain/benchmark/statistics.ts";
import type { CollectivityKind } from "../../domain/types.ts";
import { builder } from "../builder.ts";
import { CatalogueEntry } from "./catalogue.ts";
import { CollectivityKindEnum } from "./scalars.ts";

export const BenchmarkMetricEnum = builder.enumType("BenchmarkMetric", {
  values: {
    FACTOR_COUNT: { description: "Live factors of the latest published matrix" },
    STRATEGY_COUNT: { description: "Strategies still in the plan (not ABANDONED)" },
    ADOPTION_RATE: { description: "Share of strategies ever ADOPTED or beyond" },
    COMPLETION_RATE: { description: "DONE / (all not ABANDONED)" },
    DECISIONS_LAST_90_DAYS: { description: "Decisions on strategies and initiatives in the last 90 days" },
    INTERNAL_SCORE: { description: "IFE score, with the network's reference weights where set" },
    EXTERNAL_SCORE: { description: "EFE score, with the network's reference weights where set" },
  } as const,
});

export const PeerGroupInput = builder.inputType("PeerGroupInput", {
  fields: (t) => ({
    kind: t.field({ type: CollectivityKindEnum }),
    kinds: t.field({
      type: [CollectivityKindEnum],
      description:
        "One kind, or a whole family: every EPCI à fiscalité propre (CC, CA, CU, métropoles), communes and communes nouvelles, départements and collectivités à statut particulier",
    }),
    populationStratum: t.string({ description: "Stratum code, see peerGroups" }),
    wealthQuartile: t.int({ description: "1..4 within the kind" }),
    regionCode: t.string({ description: "The members of a région (INSEE code)" }),
    departementCode: t.string({ description: "The members of a département (INSEE code)" }),
    epciCode: t.string({ description: "The member communes of an EPCI à fiscalité propre (SIREN)" }),
  }),
});

const placeCode = (level: "REGION" | "DEPARTEMENT" | "EPCI") => (g: PeerGroupView) => (g.territory?.level === level ? g.territory.code : null);

export const PeerGroup = builder.objectRef<PeerGroupView>("PeerGroup").implement({
  fields: (t) => ({
    kind: t.expose("kind", { type: CollectivityKindEnum, nullable: true }),
    kinds: t.field({ type: [CollectivityKindEnum], nullable: true, resolve: (g) => (g.kinds ? [...g.kinds] : null) }),
    populationStratum: t.exposeString("populationStratum", { nullable: true }),
    wealthQuartile: t.exposeInt("wealthQuartile", { nullable: true }),
    regionCode: t.string({ nullable: true, resolve: placeCode("REGION") }),
    departementCode: t.string({ nullable: true, resolve: placeCode("DEPARTEMENT") }),
    epciCode: t.string({ nullable: true, resolve: placeCode("EPCI") }),
    label: t.exposeString("label"),
    size: t.exposeInt("size", { description: "Collectivities in the group" }),
  }),
});

const Prevalence = builder.objectRef<PrevalenceView>("Prevalence").implement({
  fields: (t) => ({
    entry: t.field({ type: CatalogueEntry, resolve: (p) => p.entry }),
    count: t.exposeInt("count"),
    share: t.exposeFloat("share"),
  }),
});

const MetricDistribution = builder.objectRef<Distribution & { metric: BenchmarkMetric }>("MetricDistribution").implement({
  fields: (t) => ({
    metric: t.expose("metric", { type: BenchmarkMetricEnum }),
    mean: t.exposeFloat("mean", { nullable: true }),
    p25: t.exposeFloat("p25", { nullable: true }),
    median: t.exposeFloat("median", { nullable: true }),
    p75: t.exposeFloat("p75", { nullable: true }),
  }),
});

const BenchmarkPrivacy = builder.objectRef<PrivacyView>("BenchmarkPrivacy").implement({
  description: "How one answer's figures were protected, in words a person can check against the README's statement of the guarantee",
  fields: (t) => ({
    mechanism: t.exposeString("mechanism"),
    epsilon: t.exposeFloat("epsilon", { nullable: true, description: "Privacy loss of one release for one collectivity (ε, at δ = 10⁻⁶)" }),
    releasedAt: t.expose("releasedAt", { type: "DateTime", nullable: true, description: "When these figures were computed and released" }),
    nextReleaseAt: t.expose("nextReleaseAt", { type: "DateTime", nullable: true, description: "Figures do not change before this" }),
  }),
});

export const PeerGroupBenchmark = builder.objectRef<PeerGroupBenchmarkView>("PeerGroupBenchmark").implement({
  fields: (t) => ({
    peerGroup: t.field({ type: PeerGroup, resolve: (b) => b.peerGroup }),
    suppressed: t.exposeBoolean("suppressed", { description: "Too few contributors, or figures the noise would drown: aggregates are null" }),
    suppressedReason: t.exposeString("suppressedReason", { nullable: true, description: "Why, in French, for a person" }),
    contributors: t.exposeInt("contributors", { nullable: true, description: "Collectivities whose matrix counts, as released; null when suppressed" }),
    privacy: t.field({ type: BenchmarkPrivacy, resolve: (b) => b.privacy }),
    factorPrevalence: t.field({ type: [Prevalence], nullable: true, description: "Only published matrices count", resolve: (b) => b.factorPrevalence }),
    strategyAdoption: t.field({ type: [Prevalence], nullable: true, resolve: (b) => b.strategyAdoption }),
    metrics: t.field({ type: [MetricDistribution], nullable: true, resolve: (b) => b.metrics }),
    updatedAt: t.field({ type: "DateTime", nullable: true, resolve: (b) => b.updatedAt }),
  }),
});

const CollectivityMetric = builder.objectRef<CollectivityBenchmarkView["metrics"][number]>("CollectivityMetric").implement({
  fields: (t) => ({
    metric: t.expose("metric", { type: BenchmarkMetricEnum }),
    value: t.exposeFloat("value", { nullable: true }),
    peerMedian: t.exposeFloat("peerMedian", { nullable: true }),
    percentile: t.exposeFloat("percentile", { nullable: true, description: "0..100 within its peer group" }),
  }),
});

export const CollectivityBenchmark = builder.objectRef<CollectivityBenchmarkView>("CollectivityBenchmark").implement({
  fields: (t) => ({
    peerGroup: t.field({ type: PeerGroup, resolve: (b) => b.peerGroup }),
    metrics: t.field({ type: [CollectivityMetric], resolve: (b) => b.metrics }),
  }),
});

const PracticeUptakeRef = builder.objectRef<PracticeUptake>("PracticeUptake").implement({
  description: "How many peers got how far with one catalogue strategy or toolbox item (their furthest one, as it stands now)",
  fields: (t) => ({
    entry: t.field({ type: CatalogueEntry, resolve: (u) => u.entry }),
    adopted: t.exposeInt("adopted"),
    inProgress: t.exposeInt("inProgress"),
    done: t.exposeInt("done"),
    abandoned: t.exposeInt("abandoned"),
    uptake: t.exposeInt("uptake", { description: "adopted + inProgress + done: the ranking key" }),
  }),
});

export const PeerPractices = builder.objectRef<PeerPracticesView>("PeerPractices").implement({
  description: "What peers holding the same catalogue factor did about it",
  fields: (t) => ({
    factor: t.field({ type: CatalogueEntry, resolve: (p) => p.factor }),
    peerGroup: t.field({ type: PeerGroup, resolve: (p) => p.peerGroup }),
    suppressed: t.exposeBoolean("suppressed", { description: "Fewer than k peers hold the factor: the lists are null" }),
    peersWithFactor: t.exposeInt("peersWithFactor", {
      nullable: true,
      description: "Peers (the matrix's own collectivity left out) whose latest published matrix holds the factor",
    }),
    strategies: t.field({ type: [PracticeUptakeRef], nullable: true, description: "Catalogue strategies, by uptake", resolve: (p) => p.strategies }),
    tools: t.field({ type: [PracticeUptakeRef], nullable: true, description: "Toolbox items, by uptake", resolve: (p) => p.tools }),
  }),
});

export const ReferenceWeight = builder.objectRef<{ kind: CollectivityKind; catalogueKey: string; weight: number }>("ReferenceWeight").implement({
  fields: (t) => ({
    kind: t.expose("kind", { type: CollectivityKindEnum }),
    catalogueKey: t.exposeString("catalogueKey"),
    weight: t.exposeFloat("weight"),
  }),
});
