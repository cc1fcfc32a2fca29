import { afterEach, describe, expect, it } from "vitest";
import { SUPPRESSED_FEW, SUPPRESSED_NOISY } from "../../src/app/benchmarks.ts";
import { createPool } from "../../src/db/client.ts";
import { stratumOf } from "../../src/domain/benchmark/peer-groups.ts";
import { METRIC_BINS } from "../../src/domain/benchmark/release.ts";
import { catalogueEntries } from "../../src/domain/catalogue/index.ts";
import type { RecordedEvent } from "../../src/domain/events.ts";
import { refreshAllGroups } from "../../src/projections/benchmark-groups.ts";
import { PROJECTORS } from "../../src/projections/index.ts";
import { ProjectionRunner } from "../../src/projections/runner.ts";
import { mulberry32 } from "../../src/shared/random.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { admin, buildMatrix, type MatrixSpec, registerCommune } from "../support/network.ts";
import { subscribeSse } from "../support/sse.ts";

const BENCHMARK = `query($g: PeerGroupInput!) { benchmark(peerGroup: $g) {
  suppressed suppressedReason contributors updatedAt peerGroup { kind populationStratum wealthQuartile label size }
  privacy { mechanism epsilon releasedAt nextReleaseAt }
  factorPrevalence { entry { key } count share } strategyAdoption { entry { key } count share }
  metrics { metric mean p25 median p75 } } }`;

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const STATUSES = ["PROPOSED", "ADOPTED", "IN_PROGRESS", "DONE", "ABANDONED"] as const;
const STRATEGIES = catalogueEntries("STRATEGY");
const TOOLS = catalogueEntries("TOOL");

/** A plausible matrix drawn from the catalogue: a few factors, strategies crossing them, some tools. */
function randomSpec(next: () => number, status: MatrixSpec["status"]): MatrixSpec {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const strategies = [...new Map(Array.from({ length: 1 + Math.floor(next() * 4) }, () => [pick(STRATEGIES).key, pick(STRATEGIES)])).values()];
  const factors = [...new Set(strategies.flatMap((s) => [s.internalFactorKey!, s.externalFactorKey!]))];
  const tools = [...new Set(Array.from({ length: Math.floor(next() * 3) }, () => pick(TOOLS).key))];
  return {
    factors: [...factors, { kind: next() < 0.5 ? "WEAKNESS" : "THREAT", weight: 1 + Math.floor(next() * 3), rating: 1 + Math.floor(next() * 4) }],
    strategies: strategies.map((s) => [s.key, pick(STATUSES)]),
    tools: tools.map((key) => [key, pick(STATUSES)]),
    status,
  };
}

// ---- what the test expects, computed from the events on its own ----------------

interface FoldedMatrix {
  collectivityId: string;
  status: string;
  publishedAt: Date | null;
  factors: Map<string, { key: string | null; internal: boolean; weight: number; rating: number; removed: boolean }>;
  strategies: Map<string, { key: string | null; status: string; everAdopted: boolean }>;
  decisions: Date[];
}

function foldNetwork(events: RecordedEvent[]) {
  const collectivities = new Map<string, { kind: string; population: number }>();
  const matrices = new Map<string, FoldedMatrix>();
  for (const event of events) {
    const data = event.data as any;
    const id = event.streamId.slice(event.streamId.indexOf("-") + 1);
    if (event.type === "CollectivityRegistered") collectivities.set(id, { kind: data.kind, population: data.population });
    if (event.type === "CollectivityProfileUpdated" && data.population) collectivities.get(id)!.population = data.population;
    if (event.type === "MatrixOpened")
      matrices.set(id, { collectivityId: data.collectivityId, status: "DRAFT", publishedAt: null, factors: new Map(), strategies: new Map(), decisions: [] });
    const m = matrices.get(id);
    if (!m) continue;
    if (event.type === "MatrixPublished") {
      m.status = "PUBLISHED";
      m.publishedAt ??= event.occurredAt;
    }
    if (event.type === "MatrixArchived") m.status = "ARCHIVED";
    if (event.type === "FactorAdded")
      m.factors.set(data.id, {
        key: data.catalogueKey,
        internal: data.kind === "STRENGTH" || data.kind === "WEAKNESS",
        weight: data.weight,
        rating: data.rating,
        removed: false,
      });
    if (event.type === "FactorRemoved") m.factors.get(data.factorId)!.removed = true;
    if (event.type === "StrategyProposed") {
      m.strategies.set(data.id, { key: data.catalogueKey, status: "PROPOSED", everAdopted: false });
      m.decisions.push(event.occurredAt);
    }
    if (event.type === "StrategyStatusChanged") {
      const s = m.strategies.get(data.strategyId)!;
      s.status = data.to;
      s.everAdopted ||= ["ADOPTED", "IN_PROGRESS", "DONE"].includes(data.to);
      m.decisions.push(event.occurredAt);
    }
    if (event.type === "InitiativeAdded" || event.type === "InitiativeStatusChanged") m.decisions.push(event.occurredAt);
  }
  return { collectivities, matrices };
}

const q7 = (values: number[], p: number) => {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return null;
  const h = (s.length - 1) * p;
  return s[Math.floor(h)]! + (h - Math.floor(h)) * (s[Math.ceil(h)]! - s[Math.floor(h)]!);
};

function score(factors: FoldedMatrix["factors"], internal: boolean, weights: Map<string, number>) {
  const side = [...factors.values()]
    .filter((f) => !f.removed && f.internal === internal)
    .map((f) => ({ ...f, weight: (f.key !== null ? weights.get(f.key) : undefined) ?? f.weight }));
  const total = side.reduce((n, f) => n + f.weight, 0);
  // Each matrix's score is released rounded to 3 decimals (one number on every path).
  return side.length === 0 || total === 0 ? null : Math.round(side.reduce((n, f) => n + (f.weight / total) * f.rating, 0) * 1000) / 1000;
}

function expectedBenchmark(events: RecordedEvent[], member: (c: { kind: string; population: number }) => boolean, weights = new Map<string, number>()) {
  const { collectivities, matrices } = foldNetwork(events);
  const latest = new Map<string, FoldedMatrix>();
  for (const m of matrices.values()) {
    if (m.status !== "PUBLISHED" || !member(collectivities.get(m.collectivityId)!)) continue;
    const known = latest.get(m.collectivityId);
    if (!known || known.publishedAt! < m.publishedAt!) latest.set(m.collectivityId, m);
  }
  const contributors = [...latest.values()];
  const count = (has: (m: FoldedMatrix) => boolean) => contributors.filter(has).length;
  const values = (f: (m: FoldedMatrix) => number | null) => contributors.map(f).filter((v): v is number => v !== null);
  const live = (m: FoldedMatrix) => [...m.factors.values()].filter((f) => !f.removed);
  const plan = (m: FoldedMatrix) => [...m.strategies.values()].filter((s) => s.status !== "ABANDONED");
  const now = Date.now();
  const metrics: Record<string, number[]> = {
    FACTOR_COUNT: values((m) => live(m).length),
    STRATEGY_COUNT: values((m) => plan(m).length),
    ADOPTION_RATE: values((m) => (m.strategies.size ? [...m.strategies.values()].filter((s) => s.everAdopted).length / m.strategies.size : null)),
    COMPLETION_RATE: values((m) => (plan(m).length ? plan(m).filter((s) => s.status === "DONE").length / plan(m).length : null)),
    DECISIONS_LAST_90_DAYS: values((m) => m.decisions.filter((d) => d.getTime() > now - 90 * 86_400_000).length),
    INTERNAL_SCORE: values((m) => score(m.factors, true, weights)),
    EXTERNAL_SCORE: values((m) => score(m.factors, false, weights)),
  };
  return {
    size: [...collectivities.values()].filter(member).length,
    contributors: contributors.length,
    prevalence: Object.fromEntries(catalogueEntries("FACTOR").map((e) => [e.key, count((m) => live(m).some((f) => f.key === e.key))])),
    adoption: Object.fromEntries(STRATEGIES.map((e) => [e.key, count((m) => [...m.strategies.values()].some((s) => s.key === e.key && s.everAdopted))])),
    metrics: Object.fromEntries(
      Object.entries(metrics).map(([metric, v]) => [
        metric,
        { mean: v.length ? v.reduce((a, b) => a + b, 0) / v.length : null, p25: q7(v, 0.25), median: q7(v, 0.5), p75: q7(v, 0.75) },
      ]),
    ),
  };
}

function expectMatches(actual: any, expected: ReturnType<typeof expectedBenchmark>) {
  expect(actual.suppressed).toBe(false);
  expect(actual.peerGroup.size).toBe(expected.size);
  for (const p of actual.factorPrevalence) expect(p.count, p.entry.key).toBe(expected.prevalence[p.entry.key]);
  for (const p of actual.strategyAdoption) expect(p.count, p.entry.key).toBe(expected.adoption[p.entry.key]);
  for (const m of actual.metrics) {
    for (const field of ["mean", "p25", "median", "p75"] as const) {
      const want = expected.metrics[m.metric]![field];
      if (want === null) expect(m[field], `${m.metric}.${field}`).toBeNull();
      else expect(m[field], `${m.metric}.${field}`).toBeCloseTo(want, 9);
    }
  }
}

/** A group's exact aggregates, as the refresher computed them for itself (never served as such): the pipeline before the release. */
async function truthOf(t: TestApp, key: string) {
  const { rows } = await t.pool.query("SELECT size, aggregates FROM benchmark_groups WHERE key = $1", [key]);
  const { size, aggregates } = rows[0]!;
  return {
    suppressed: false,
    peerGroup: { size },
    factorPrevalence: catalogueEntries("FACTOR").map((e) => ({ entry: { key: e.key }, count: aggregates.prevalence[e.key] ?? 0 })),
    strategyAdoption: STRATEGIES.map((e) => ({ entry: { key: e.key }, count: aggregates.adoption[e.key] ?? 0 })),
    metrics: Object.entries(aggregates.metrics).map(([metric, d]: [string, any]) => ({ metric, ...d })),
  };
}

/** Released figures of shared matrices: counts exact, integer metrics exact, the others within one bin of the exact values. */
function expectReleasedExactly(actual: any, expected: ReturnType<typeof expectedBenchmark>) {
  expect(actual.suppressed).toBe(false);
  expect(actual.contributors).toBe(expected.contributors);
  for (const p of actual.factorPrevalence) expect(p.count, p.entry.key).toBe(expected.prevalence[p.entry.key]);
  for (const p of actual.strategyAdoption) expect(p.count, p.entry.key).toBe(expected.adoption[p.entry.key]);
  for (const m of actual.metrics) {
    const want = expected.metrics[m.metric]!;
    const width = METRIC_BINS[m.metric as keyof typeof METRIC_BINS].width;
    for (const field of ["mean", "median"] as const) {
      if (want[field] === null) expect(m[field], `${m.metric}.${field}`).toBeNull();
      else if (m.metric === "FACTOR_COUNT") expect(m[field], `${m.metric}.${field}`).toBeCloseTo(want[field]!, 9);
      else expect(Math.abs(m[field] - want[field]!), `${m.metric}.${field}`).toBeLessThanOrEqual(width);
    }
  }
}

async function allEvents(t: TestApp) {
  return t.services.store.readLog({ after: null, limit: 1_000_000 });
}

describe("benchmarks across collectivities", () => {
  it("aggregates of a peer group equal values computed independently from the events", async () => {
    app = await startTestApp({ PILOTIS_BENCHMARK_MIN_GROUP: "3" });
    const { commands } = app.services;
    const next = mulberry32(42);
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) ids.push(await registerCommune(commands, `Commune ${i}`, 500 + i * 50, 800 + i * 10));
    await registerCommune(commands, "Grande commune", 40_000, 1200);
    // Enough communes outside the stratum that the kind minus the stratum singles no one out.
    for (let i = 0; i < 3; i++) await buildMatrix(commands, await registerCommune(commands, `Commune du dessus ${i}`, 5_000), randomSpec(next, "PUBLISHED"));
    for (const [i, id] of ids.entries()) {
      await buildMatrix(commands, id, randomSpec(next, i === 8 ? "DRAFT" : "PUBLISHED"));
      if (i === 0) await buildMatrix(commands, id, randomSpec(next, "PUBLISHED"));
      if (i === 1) await buildMatrix(commands, id, randomSpec(next, "ARCHIVED"));
    }
    await app.release();
    const inStratum = (c: { kind: string; population: number }) => c.kind === "COMMUNE" && stratumOf("COMMUNE", c.population).code === "COM-02";
    const events = await allEvents(app);
    expectMatches(await truthOf(app, "COMMUNE|COM-02|*"), expectedBenchmark(events, inStratum));
    expectMatches(
      await truthOf(app, "*|*|*"),
      expectedBenchmark(events, () => true),
    );
    // Every matrix here is shared: what is released is exact, and costs no privacy.
    const answer = (await app.gql(BENCHMARK, { g: { kind: "COMMUNE", populationStratum: "COM-02" } })).data!.benchmark;
    expect(answer.peerGroup.label).toBe("Communes, de 500 à 999 habitants");
    expect(answer.privacy.epsilon).toBeNull();
    expectReleasedExactly(answer, expectedBenchmark(events, inStratum));
    expectReleasedExactly(
      (await app.gql(BENCHMARK, { g: {} })).data!.benchmark,
      expectedBenchmark(events, () => true),
    );
  });

  it("a group below k contributors shows no figures and says why in French; at k it shows them, with when they were released and will be next", async () => {
    app = await startTestApp({ PILOTIS_BENCHMARK_MIN_GROUP: "3" });
    const { commands } = app.services;
    const spec: MatrixSpec = { factors: ["S1", "O1"], strategies: [["SO-S1-O1", "DONE"]], status: "PUBLISHED" };
    const small = [await registerCommune(commands, "A", 600), await registerCommune(commands, "B", 700)];
    for (const id of small) await buildMatrix(commands, id, spec);
    const group = { kind: "COMMUNE", populationStratum: "COM-02" };
    await app.release();
    const atKMinusOne = (await app.gql(BENCHMARK, { g: group })).data!.benchmark;
    // Which of the two reasons depends on the noise drawn for the (absent) private contributions.
    expect([SUPPRESSED_FEW(3), SUPPRESSED_NOISY]).toContain(atKMinusOne.suppressedReason);
    expect(SUPPRESSED_FEW(3)).toBe("moins de 3 collectivités contribuent : chiffres masqués pour protéger leur anonymat");
    expect(atKMinusOne).toMatchObject({
      suppressed: true,
      contributors: null,
      factorPrevalence: null,
      strategyAdoption: null,
      metrics: null,
      peerGroup: { size: 2 },
    });
    const third = await registerCommune(commands, "C", 800);
    await buildMatrix(commands, third, spec);
    await app.release();
    const atK = (await app.gql(BENCHMARK, { g: group })).data!.benchmark;
    expect(atK).toMatchObject({ suppressed: false, suppressedReason: null, contributors: 3 });
    expect(atK.factorPrevalence.find((p: any) => p.entry.key === "S1")).toEqual({ entry: { key: "S1" }, count: 3, share: 1 });
    expect(atK.privacy.mechanism).toMatch(/^chiffres exacts des seules matrices partagées/);
    const released = Date.parse(atK.privacy.releasedAt);
    expect(released).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(atK.privacy.nextReleaseAt)).toBeGreaterThan(released);
  });

  it("reciprocity: an EDITOR sees peers once its own collectivity has a published matrix; observers always; its own benchmark only for itself", async () => {
    app = await startTestApp({ PILOTIS_BENCHMARK_MIN_GROUP: "2" });
    const { commands } = app.services;
    const spec: MatrixSpec = { factors: ["S1", "O1"], strategies: [["SO-S1-O1", "ADOPTED"]], status: "PUBLISHED" };
    for (const name of ["A", "B"]) await buildMatrix(commands, await registerCommune(commands, name, 600), spec);
    const mine = await registerCommune(commands, "Moi", 650);
    const editor = await app.token("EDITOR", mine);
    const observer = await app.token("OBSERVER");
    await app.release();
    const g = { g: { kind: "COMMUNE" } };
    const refused = await app.gql(BENCHMARK, g, editor);
    expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(refused.errors?.[0]?.message).toMatch(/published a matrix/);
    expect((await app.gql(BENCHMARK, g, observer)).data!.benchmark.suppressed).toBe(false);
    const draft = await buildMatrix(commands, mine, { factors: ["S1"], status: "DRAFT" });
    await app.caughtUp();
    expect((await app.gql(BENCHMARK, g, editor)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    await commands.onMatrix("publishMatrix", { matrixId: draft }, { type: "PublishMatrix", matrixId: draft, visibility: "NETWORK" }, {}, {}, admin);
    await app.release();
    expect((await app.gql(BENCHMARK, g, editor)).data!.benchmark.suppressed).toBe(false);
    const own = `query($c: ID!) { collectivity(id: $c) { peerGroup { kind populationStratum size } benchmark { peerGroup { label } metrics { metric value peerMedian percentile } } } }`;
    const mineAnswer = (await app.gql(own, { c: mine }, editor)).data!.collectivity;
    expect(mineAnswer.peerGroup).toEqual({ kind: "COMMUNE", populationStratum: "COM-02", size: 3 });
    // It declared no potentiel financier: its finest released group is its kind and stratum.
    expect(mineAnswer.benchmark.peerGroup.label).toBe("Communes, de 500 à 999 habitants");
    expect(mineAnswer.benchmark.metrics.find((m: any) => m.metric === "FACTOR_COUNT")).toEqual({
      metric: "FACTOR_COUNT",
      value: 1,
      peerMedian: 2,
      percentile: 100 / 6,
    });
    const others = (await app.gql(`query { collectivities(first: 10) { edges { node { id } } } }`, {}, editor))
      .data!.collectivities.edges.map((e: any) => e.node.id)
      .filter((id: string) => id !== mine);
    const peek = await app.gql(own, { c: others[0] }, observer);
    expect(peek.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("percentiles at the edges: a lone member stands at 50, tied members share one", async () => {
    app = await startTestApp({ PILOTIS_BENCHMARK_MIN_GROUP: "1" });
    const { commands } = app.services;
    const alone = await registerCommune(commands, "Seule", 120_000);
    await buildMatrix(commands, alone, { factors: ["S1", "O1", "T2"], status: "PUBLISHED" });
    const twins = [await registerCommune(commands, "Jumelle A", 600), await registerCommune(commands, "Jumelle B", 650)];
    for (const id of twins) await buildMatrix(commands, id, { factors: ["S1", "O1"], status: "PUBLISHED" });
    await app.release();
    const own = `query($c: ID!) { collectivity(id: $c) { benchmark { metrics { metric value peerMedian percentile } } } }`;
    const factorCount = async (id: string) =>
      (await app!.gql(own, { c: id })).data!.collectivity.benchmark.metrics.find((m: any) => m.metric === "FACTOR_COUNT");
    expect(await factorCount(alone)).toEqual({ metric: "FACTOR_COUNT", value: 3, peerMedian: 3, percentile: 50 });
    for (const id of twins) expect(await factorCount(id)).toEqual({ metric: "FACTOR_COUNT", value: 2, peerMedian: 2, percentile: 50 });
  });

  it("reference weights make INTERNAL_SCORE comparable, leave each matrix's own scores alone, and can be cleared", async () => {
    app = await startTestApp({ PILOTIS_BENCHMARK_MIN_GROUP: "2" });
    const { commands } = app.services;
    const ids = [await registerCommune(commands, "A", 600), await registerCommune(commands, "B", 600)];
    const matrices = [
      await buildMatrix(commands, ids[0]!, {
        factors: [
          { kind: "STRENGTH", key: "S1", weight: 3, rating: 4 },
          { kind: "WEAKNESS", key: "W1", weight: 1, rating: 1 },
        ],
        status: "PUBLISHED",
      }),
      await buildMatrix(commands, ids[1]!, {
        factors: [
          { kind: "STRENGTH", key: "S1", weight: 1, rating: 4 },
          { kind: "WEAKNESS", key: "W1", weight: 1, rating: 2 },
        ],
        status: "PUBLISHED",
      }),
    ];
    await app.caughtUp();
    const internal = async () => {
      await app!.caughtUp();
      return (await truthOf(app!, "COMMUNE|*|*")).metrics.find((m: any) => m.metric === "INTERNAL_SCORE")!;
    };
    expect((await internal()).mean).toBeCloseTo((3.25 + 3) / 2, 10);
    const set = `mutation($w: Float) { setReferenceWeight(input: { kind: COMMUNE, catalogueKey: "S1", weight: $w }) { kind catalogueKey weight position } }`;
    expect((await app.ok(set, { w: 1 })).setReferenceWeight).toMatchObject({ kind: "COMMUNE", catalogueKey: "S1", weight: 1 });
    expect((await internal()).mean).toBeCloseTo((2.5 + 3) / 2, 10);
    expect(expectedBenchmark(await allEvents(app), () => true, new Map([["S1", 1]])).metrics.INTERNAL_SCORE!.mean).toBeCloseTo((2.5 + 3) / 2, 10);
    const ownScore = (await app.gql(`query($m: ID!) { matrix(id: $m) { scores { internal } } }`, { m: matrices[0] })).data!.matrix.scores.internal;
    expect(ownScore).toBeCloseTo(3.25, 10);
    expect((await app.gql(`query { referenceWeights(kind: COMMUNE) { catalogueKey weight } }`)).data!.referenceWeights).toEqual([
      { catalogueKey: "S1", weight: 1 },
    ]);
    await app.ok(set, { w: null });
    expect((await internal()).mean).toBeCloseTo((3.25 + 3) / 2, 10);
    const editor = await app.token("EDITOR", ids[0]);
    expect((await app.gql(set, { w: 2 }, editor)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const bad = await app.gql(`mutation { setReferenceWeight(input: { kind: COMMUNE, catalogueKey: "SO-S1-O1", weight: 1 }) { position } }`);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "catalogueKey" });
  });

  it("peer practices: among peers holding the factor, what they adopted and how far they got, ranked", async () => {
    app = await startTestApp({ PILOTIS_BENCHMARK_MIN_GROUP: "3" });
    const { commands } = app.services;
    const peer = (strategies: MatrixSpec["strategies"], tools: MatrixSpec["tools"] = []): MatrixSpec => ({
      factors: ["W1", "W2", "O1", "T1"],
      strategies,
      tools,
      status: "PUBLISHED",
    });
    const network: MatrixSpec[] = [
      peer(
        [
          ["WO-W1-O1", "DONE"],
          ["WT-W1-T1", "ADOPTED"],
        ],
        [["TOOL-WT-02", "DONE"]],
      ),
      peer(
        [
          ["WO-W1-O1", "IN_PROGRESS"],
          ["WT-W1-T1", "ABANDONED"],
        ],
        [["TOOL-WT-02", "ADOPTED"]],
      ),
      peer([
        ["WO-W1-O1", "DONE"],
        ["WT-W2-T1", "PROPOSED"],
      ]),
      peer([["WT-W1-T1", "DONE"]], [["TOOL-WT-05", "IN_PROGRESS"]]),
      // Holds W2 but not W1: not among the peers asked about.
      { factors: ["W2", "O1"], strategies: [["WO-W2-O1", "DONE"]], status: "PUBLISHED" },
      // W1 in a draft only: does not count.
      { ...peer([["WO-W1-O1", "DONE"]]), status: "DRAFT" },
    ];
    for (const [i, spec] of network.entries()) await buildMatrix(commands, await registerCommune(commands, `Pair ${i}`, 700), spec);
    const mine = await registerCommune(commands, "Moi", 700);
    const matrixId = await buildMatrix(commands, mine, { factors: ["W1", "O1"], strategies: [["WO-W1-O1", "DONE"]], status: "PUBLISHED" });
    await app.caughtUp();
    const query = `query($m: ID!, $f: String!, $g: PeerGroupInput) { peerPractices(matrixId: $m, factorKey: $f, peerGroup: $g) {
      factor { key } suppressed peersWithFactor peerGroup { kind populationStratum }
      strategies { entry { key } adopted inProgress done abandoned uptake } tools { entry { key } adopted inProgress done abandoned uptake } } }`;
    const answer = (await app.gql(query, { m: matrixId, f: "W1" })).data!.peerPractices;
    expect(answer).toEqual({
      factor: { key: "W1" },
      suppressed: false,
      peersWithFactor: 4,
      peerGroup: { kind: "COMMUNE", populationStratum: "COM-02" },
      strategies: [
        { entry: { key: "WO-W1-O1" }, adopted: 0, inProgress: 1, done: 2, abandoned: 0, uptake: 3 },
        { entry: { key: "WT-W1-T1" }, adopted: 1, inProgress: 0, done: 1, abandoned: 1, uptake: 2 },
      ],
      tools: [
        { entry: { key: "TOOL-WT-02" }, adopted: 1, inProgress: 0, done: 1, abandoned: 0, uptake: 2 },
        { entry: { key: "TOOL-WT-05" }, adopted: 0, inProgress: 1, done: 0, abandoned: 0, uptake: 1 },
      ],
    });
    const fewer = (await app.gql(query, { m: matrixId, f: "O1", g: { kind: "COMMUNE", populationStratum: "COM-01" } })).data!.peerPractices;
    expect(fewer).toMatchObject({ suppressed: true, peersWithFactor: null, strategies: null, tools: null });
    const notHeld = await app.gql(query, { m: matrixId, f: "S1" });
    expect(notHeld.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "factorKey" });
  });

  it("wealth quartiles are recomputed as collectivities join, and peerGroups lists groups with sizes and labels", async () => {
    app = await startTestApp();
    const { commands } = app.services;
    const ids = [];
    for (const potential of [100, 200, 300, 400]) ids.push(await registerCommune(commands, `P${potential}`, 600, potential));
    await app.caughtUp();
    const quartile = async (id: string) =>
      (await app!.gql(`query($c: ID!) { collectivity(id: $c) { peerGroup { wealthQuartile } } }`, { c: id })).data!.collectivity.peerGroup.wealthQuartile;
    expect(await Promise.all(ids.map(quartile))).toEqual([1, 2, 3, 4]);
    for (const potential of [50, 60, 70, 80]) ids.push(await registerCommune(commands, `P${potential}`, 600, potential));
    await app.caughtUp();
    expect(await Promise.all(ids.map(quartile))).toEqual([3, 3, 4, 4, 1, 1, 2, 2]);
    await commands.updateCollectivityProfile({ collectivityId: ids[4]!, financialPotentialPerCapita: 1000 }, {}, admin);
    await app.caughtUp();
    expect(await quartile(ids[4]!)).toBe(4);
    const groups = (await app.gql(`query { peerGroups(kind: COMMUNE) { kind populationStratum wealthQuartile label size } }`)).data!.peerGroups;
    expect(groups[0]).toEqual({ kind: "COMMUNE", populationStratum: null, wealthQuartile: null, label: "Communes", size: 8 });
    expect(groups).toContainEqual({
      kind: "COMMUNE",
      populationStratum: "COM-02",
      wealthQuartile: 4,
      label: "Communes, de 500 à 999 habitants, 4e quartile de potentiel financier",
      size: 2,
    });
    expect(groups.reduce((n: number, g: any) => n + (g.kind && g.populationStratum && g.wealthQuartile ? g.size : 0), 0)).toBe(8);
    // The family is listed with the kind.
    expect(groups).toContainEqual({ kind: null, populationStratum: null, wealthQuartile: null, label: "Communes et communes nouvelles", size: 8 });
  });

  it("benchmarkUpdated fires once per release of a group, carrying what a query answers afterwards, and not for a change that moves no figure", async () => {
    app = await startTestApp({ PILOTIS_BENCHMARK_MIN_GROUP: "2" });
    const { commands } = app.services;
    const spec: MatrixSpec = { factors: ["S1", "O1"], status: "PUBLISHED" };
    for (const name of ["A", "B"]) await buildMatrix(commands, await registerCommune(commands, name, 600), spec);
    await app.release();
    const fields = `suppressed contributors peerGroup { kind populationStratum wealthQuartile } factorPrevalence { entry { key } count }`;
    const group = { kind: "COMMUNE", populationStratum: "COM-02" };
    const live = await subscribeSse(app.url, app.adminToken, `subscription($g: PeerGroupInput) { benchmarkUpdated(peerGroup: $g) { ${fields} } }`, {
      g: group,
    });
    const everyGroup = await subscribeSse(
      app.url,
      app.adminToken,
      `subscription { benchmarkUpdated { peerGroup { kind populationStratum wealthQuartile } } }`,
      {},
    );
    await new Promise((r) => setTimeout(r, 200));
    // A draft, then its publication: the figures change at the next release, not before.
    const matrixId = await buildMatrix(commands, await registerCommune(commands, "C", 600), { factors: ["S1", "W1"], status: "DRAFT" });
    await commands.onMatrix("publishMatrix", { matrixId }, { type: "PublishMatrix", matrixId, visibility: "NETWORK" }, {}, {}, admin);
    const released = (await live.next(8000)).data.benchmarkUpdated;
    expect(released.contributors).toBe(3);
    expect(released.factorPrevalence.find((p: any) => p.entry.key === "W1").count).toBe(1);
    await app.caughtUp();
    const queried = (await app.gql(`query($g: PeerGroupInput!) { benchmark(peerGroup: $g) { ${fields} } }`, { g: group })).data!.benchmark;
    expect(released).toEqual(queried);
    // Without a group, every group the release changed is announced: from the cell's own up to the whole network.
    const announced: unknown[] = [];
    const seen = (g: object) => announced.some((a) => JSON.stringify(a) === JSON.stringify(g));
    const cell = { kind: "COMMUNE", populationStratum: "COM-02", wealthQuartile: null };
    const network = { kind: null, populationStratum: null, wealthQuartile: null };
    while (!(seen(cell) && seen(network))) announced.push((await everyGroup.next(5000)).data.benchmarkUpdated.peerGroup);
    expect(announced).toContainEqual({ kind: "COMMUNE", populationStratum: "COM-02", wealthQuartile: null });
    expect(announced).toContainEqual({ kind: null, populationStratum: null, wealthQuartile: null });
    everyGroup.close();
    await commands.onMatrix("renameMatrix", { matrixId }, { type: "RenameMatrix", matrixId, title: "Publiée" }, {}, {}, admin);
    await expect(live.next(3000)).rejects.toThrow("no subscription payload in time");
    live.close();
  });

  it("incremental aggregates equal a full rebuild after a random sequence of commands", async () => {
    app = await startTestApp({ PILOTIS_BENCHMARK_MIN_GROUP: "2" });
    const { commands } = app.services;
    const next = mulberry32(7);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
    const collectivities: string[] = [];
    const matrices: string[] = [];
    for (let step = 0; step < 60; step++) {
      const roll = next();
      if (roll < 0.2 || collectivities.length < 3) {
        collectivities.push(
          await registerCommune(
            commands,
            `C${step}`,
            300 + Math.floor(next() * 3000),
            next() < 0.8 ? Math.round(next() * 2000) : null,
            pick(["COMMUNE", "COMMUNE", "COMMUNAUTE_DE_COMMUNES"]),
          ),
        );
      } else if (roll < 0.3) {
        await commands.updateCollectivityProfile(
          { collectivityId: pick(collectivities), population: 300 + Math.floor(next() * 3000), financialPotentialPerCapita: Math.round(next() * 2000) },
          {},
          admin,
        );
      } else if (roll < 0.6) {
        matrices.push(await buildMatrix(commands, pick(collectivities), randomSpec(next, pick(["DRAFT", "PUBLISHED", "PUBLISHED", "ARCHIVED"] as const))));
      } else if (roll < 0.75 && matrices.length > 0) {
        const matrixId = pick(matrices);
        await commands.onMatrix("publishMatrix", { matrixId }, { type: "PublishMatrix", matrixId }, {}, {}, admin).catch(() => undefined);
      } else if (roll < 0.85 && matrices.length > 0) {
        const matrixId = pick(matrices);
        await commands.onMatrix("removeFactor", { matrixId }, { type: "RemoveFactor", matrixId, factorId: "f0" }, {}, {}, admin).catch(() => undefined);
      } else {
        await commands.setReferenceWeight(
          { kind: "COMMUNE", catalogueKey: pick(catalogueEntries("FACTOR")).key, weight: next() < 0.2 ? null : Math.round(next() * 5) },
          {},
          admin,
        );
      }
    }
    await app.caughtUp();
    const pool = createPool({ url: app.database.url, poolSize: app.database.poolSize });
    try {
      const snapshot = async () => ({
        members: (await pool.query("SELECT * FROM benchmark_members ORDER BY collectivity_id")).rows,
        weights: (await pool.query("SELECT * FROM benchmark_reference_weights ORDER BY kind, catalogue_key")).rows,
        groups: (await pool.query("SELECT key, size, contributors, aggregates FROM benchmark_groups WHERE size > 0 ORDER BY key")).rows,
      });
      const live = await snapshot();
      expect(live.groups.length).toBeGreaterThan(10);
      expect(live.members.filter((m) => m.matrix_id).length).toBeGreaterThan(2);
      await new ProjectionRunner(pool, PROJECTORS).rebuild("benchmarks");
      await refreshAllGroups(pool);
      expect(await snapshot()).toEqual(live);
    } finally {
      await pool.end();
    }
  });
});
