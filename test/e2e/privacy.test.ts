import { createRequire } from "node:module";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { catalogueEntries } from "../../src/domain/catalogue/index.ts";
import { importTerritory } from "../../src/territory/import.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { createTestDatabase } from "../support/database.ts";
import { admin, buildMatrix, type MatrixSpec, registerCommune } from "../support/network.ts";

// The four ways a determined member recovered what an AGGREGATES_ONLY matrix
// holds from benchmarks, as the issue on private benchmarks reported them,
// each replayed against the released figures. Noise is turned up to a
// per-release ρ of 10 (σ about 3) so that groups of a few dozen show noisy
// figures rather than only the shared ones: the harder case.

const require = createRequire(import.meta.url);
const apps: TestApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});
async function start(env: Record<string, string> = {}, database?: TestApp["database"]) {
  const app = await startTestApp({ PILOTIS_BENCHMARK_PRIVACY_RHO: "10", ...env }, database ? { database } : {});
  apps.push(app);
  return app;
}

const BENCHMARK = `query($g: PeerGroupInput!) { benchmark(peerGroup: $g) {
  suppressed factorPrevalence { entry { key } count } strategyAdoption { entry { key } count } } }`;
const FACTORS = catalogueEntries("FACTOR").map((e) => e.key);
const STRATEGIES = catalogueEntries("STRATEGY").map((e) => e.key);

/** What the hidden collectivities hold: many catalogue keys, so that noise leaving every one of them exact is out of reach. */
const HIDDEN: MatrixSpec = {
  factors: ["S1", "S2", "W1", "O1", "O2", "T1", "T2"],
  strategies: [
    ["SO-S1-O1", "ADOPTED"],
    ["ST-S2-T2", "DONE"],
    ["WT-W1-T1", "IN_PROGRESS"],
    ["WO-W1-O2", "ADOPTED"],
  ],
  status: "PUBLISHED",
  visibility: "AGGREGATES_ONLY",
};
const SHARED: MatrixSpec = { factors: ["S3", "O3"], strategies: [["SO-S3-O3", "ADOPTED"]], status: "PUBLISHED", visibility: "NETWORK" };

/** Prevalence and adoption counts, one per catalogue key, as a vector (a suppressed group reads as nothing). */
function vector(answer: any): number[] {
  if (answer.suppressed) return [...FACTORS, ...STRATEGIES].map(() => 0);
  const count = (list: any[], key: string) => list.find((p) => p.entry.key === key)?.count ?? 0;
  return [...FACTORS.map((k) => count(answer.factorPrevalence, k)), ...STRATEGIES.map((k) => count(answer.strategyAdoption, k))];
}
const times = (n: number, v: number[]) => v.map((x) => x * n);
const hiddenVector = (n: number) =>
  times(
    n,
    vector({
      factorPrevalence: HIDDEN.factors.map((k) => ({ entry: { key: k }, count: 1 })),
      strategyAdoption: HIDDEN.strategies!.map(([k]) => ({ entry: { key: k }, count: 1 })),
    }),
  );

describe("a determined member cannot recover what an AGGREGATES_ONLY matrix holds", () => {
  it("by subtraction: the whole kind minus the groups it can read", async () => {
    const app = await start();
    const { commands } = app.services;
    for (let i = 0; i < 10; i++) await buildMatrix(commands, await registerCommune(commands, `Petite ${i}`, 600), SHARED);
    for (let i = 0; i < 10; i++) await buildMatrix(commands, await registerCommune(commands, `Moyenne ${i}`, 6_000), SHARED);
    for (let i = 0; i < 3; i++) await buildMatrix(commands, await registerCommune(commands, `Discrète ${i}`, 25_000), HIDDEN);
    await app.release();
    const observer = await app.token("OBSERVER");
    const read = async (g: object) => vector((await app.gql(BENCHMARK, { g }, observer)).data!.benchmark);
    const kind = await read({ kind: "COMMUNE" });
    const small = await read({ kind: "COMMUNE", populationStratum: "COM-02" });
    const medium = await read({ kind: "COMMUNE", populationStratum: "COM-06" });
    const recovered = kind.map((n, i) => n - small[i]! - medium[i]!);
    expect(recovered).not.toEqual(hiddenVector(3));
  });

  it("by asking peer practices from two places: a matrix kept private never counts", async () => {
    const app = await start();
    const { commands } = app.services;
    const peers: string[] = [];
    for (let i = 0; i < 6; i++) {
      const id = await registerCommune(commands, `Pair ${i}`, 700);
      peers.push(await buildMatrix(commands, id, { factors: ["W1", "O1"], strategies: [["WO-W1-O1", "DONE"]], status: "PUBLISHED" }));
    }
    await buildMatrix(commands, await registerCommune(commands, "Discrète", 700), {
      factors: ["W1", "T1"],
      strategies: [["WT-W1-T1", "DONE"]],
      tools: [["TOOL-WT-02", "DONE"]],
      status: "PUBLISHED",
      visibility: "AGGREGATES_ONLY",
    });
    await app.release();
    const observer = await app.token("OBSERVER");
    const ask = async (matrixId: string) =>
      (
        await app.gql(
          `query($m: ID!) { peerPractices(matrixId: $m, factorKey: "W1") { peersWithFactor strategies { entry { key } done } tools { entry { key } done } } }`,
          { m: matrixId },
          observer,
        )
      ).data!.peerPractices;
    for (const matrixId of peers.slice(0, 2)) {
      const answer = await ask(matrixId);
      expect(answer.peersWithFactor).toBe(5);
      expect(answer.strategies).toEqual([{ entry: { key: "WO-W1-O1" }, done: 5 }]);
      expect(answer.tools).toEqual([]);
    }
  });

  it("by reading a group before and after one publication: figures hold until the next release", async () => {
    const database = await createTestDatabase();
    onTestFinished(() => database.drop());
    const setup = await start({}, database);
    const { commands } = setup.services;
    for (let i = 0; i < 8; i++) await buildMatrix(commands, await registerCommune(commands, `Commune ${i}`, 800), SHARED);
    const newcomer = await registerCommune(commands, "Nouvelle venue", 850);
    const draft = await buildMatrix(commands, newcomer, { ...HIDDEN, status: "DRAFT" });
    await setup.release();
    await setup.close();
    apps.splice(apps.indexOf(setup), 1);
    // The same network, served with a release every 30 days.
    const app = await start({ PILOTIS_BENCHMARK_RELEASE_SECONDS: "2592000" }, database);
    const observer = await app.token("OBSERVER");
    const group = { kind: "COMMUNE", populationStratum: "COM-02" };
    const before = (await app.gql(BENCHMARK, { g: group }, observer)).data!.benchmark;
    expect(before.suppressed).toBe(false);
    await app.services.commands.onMatrix("publishMatrix", { matrixId: draft }, { type: "PublishMatrix", matrixId: draft }, {}, {}, admin);
    await app.caughtUp();
    const after = (await app.gql(BENCHMARK, { g: group }, observer)).data!.benchmark;
    expect(after).toEqual(before);
    const { privacy } = (await app.gql(`query($g: PeerGroupInput!) { benchmark(peerGroup: $g) { privacy { nextReleaseAt } } }`, { g: group }, observer)).data!
      .benchmark;
    expect(Date.parse(privacy.nextReleaseAt)).toBeGreaterThan(Date.now());
  });

  it("by subtraction across places: a région minus its other département, or a département cut by stratum", async () => {
    // Places get a tenth of ρ (σ about 8 here): groups of eighty-odd (ten σ) show noisy figures rather than shared ones only.
    const app = await start({ PILOTIS_BENCHMARK_MIN_GROUP: "2" });
    await importTerritory(app.pool);
    const register = async (inseeCode: string, spec: MatrixSpec) => {
      const id = (await app.ok(`mutation($i: RegisterCollectivityInput!) { registerCollectivity(input: $i) { collectivity { id } } }`, { i: { inseeCode } }))
        .registerCollectivity.collectivity.id;
      await buildMatrix(app.services.commands, id, spec);
    };
    // Eighty communes of the Loire share their matrix; three of the Rhône keep theirs private.
    const communes = require("@etalab/decoupage-administratif/data/communes.json") as { code: string; type: string; departement?: string }[];
    const of = (departement: string, n: number) =>
      communes
        .filter((c) => c.type === "commune-actuelle" && c.departement === departement)
        .slice(0, n)
        .map((c) => c.code);
    for (const code of of("42", 80)) await register(code, SHARED);
    for (const code of of("69", 3)) await register(code, HIDDEN);
    await app.release();
    const observer = await app.token("OBSERVER");
    const read = async (g: object) => vector((await app.gql(BENCHMARK, { g }, observer)).data!.benchmark);
    const region = await read({ kind: "COMMUNE", regionCode: "84" });
    const loire = await read({ kind: "COMMUNE", departementCode: "42" });
    // Both show noisy figures (else they would be the Loire's shared ones alike), and their difference is not the Rhône's.
    expect(region).not.toEqual(loire);
    expect(region.map((n, i) => n - loire[i]!)).not.toEqual(hiddenVector(3));
    // Finer places show shared matrices only: the private ones count nowhere.
    for (const populationStratum of ["COM-01", "COM-02", "COM-03", "COM-04", "COM-05"]) {
      expect(await read({ kind: "COMMUNE", departementCode: "69", populationStratum })).toEqual(hiddenVector(0));
    }
  });

  it("by padding its group with colluders' empty matrices", async () => {
    const app = await start();
    const { commands } = app.services;
    await buildMatrix(commands, await registerCommune(commands, "Cible", 4_000), HIDDEN);
    for (let i = 0; i < 4; i++) {
      await buildMatrix(commands, await registerCommune(commands, `Complice ${i}`, 4_100), { factors: [], status: "PUBLISHED", visibility: "NETWORK" });
    }
    await app.release();
    const observer = await app.token("OBSERVER");
    const answer = (await app.gql(BENCHMARK, { g: { kind: "COMMUNE", populationStratum: "COM-05" } }, observer)).data!.benchmark;
    // The colluders hold nothing: whatever the group shows beyond zero would be the target's.
    expect(vector(answer)).not.toEqual(hiddenVector(1));
  });
});
