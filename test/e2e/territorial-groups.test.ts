import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importTerritory } from "../../src/territory/import.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { buildMatrix, type MatrixSpec } from "../support/network.ts";
import { subscribeSse } from "../support/sse.ts";

// Peer groups by family and by place, on the official territory: their
// labels, their members, what they show of shared and private matrices.

const EPCI_FP = ["COMMUNAUTE_DE_COMMUNES", "COMMUNAUTE_D_AGGLOMERATION", "COMMUNAUTE_URBAINE", "METROPOLE"];
const BENCHMARK = `query($g: PeerGroupInput!) { benchmark(peerGroup: $g) {
  peerGroup { kind kinds populationStratum regionCode departementCode epciCode label size }
  suppressed contributors factorPrevalence { entry { key } count }
  privacy { mechanism epsilon releasedAt nextReleaseAt } } }`;

const REGISTER = `mutation($input: RegisterCollectivityInput!) { registerCollectivity(input: $input) { collectivity { id } } }`;
const shared = (factor: string): MatrixSpec => ({ factors: [factor], status: "PUBLISHED", visibility: "NETWORK" });
const hidden = (factor: string): MatrixSpec => ({ factors: [factor], status: "PUBLISHED", visibility: "AGGREGATES_ONLY" });

let app: TestApp;
let observer: string;
const read = async (g: object) => {
  const result = await app.gql(BENCHMARK, { g }, observer);
  expect(result.errors).toBeUndefined();
  const answer = result.data!.benchmark;
  const count = (key: string) => answer.factorPrevalence?.find((p: { entry: { key: string } }) => p.entry.key === key)?.count ?? null;
  return { ...answer, count };
};

beforeAll(async () => {
  app = await startTestApp({ PILOTIS_BENCHMARK_MIN_GROUP: "2" });
  await importTerritory(app.pool);
  const { commands } = app.services;
  const register = async (code: string, spec: MatrixSpec) => {
    const input = code.length === 5 ? { inseeCode: code } : { officialCode: code };
    const registered = await app.ok(REGISTER, { input });
    const id = registered.registerCollectivity.collectivity.id;
    await buildMatrix(commands, id, spec);
  };
  // Rhône: three communes of 1 000 to 1 999 inhabitants sharing their matrix, a small one keeping it private.
  for (const code of ["69014", "69023", "69031"]) await register(code, shared("S1"));
  await register("69001", hidden("W1"));
  // Loire: two communes of Saint-Étienne Métropole, the métropole itself and an agglomération.
  for (const code of ["42207", "42095"]) await register(code, shared("O1"));
  for (const siren of ["244200770", "200065886"]) await register(siren, shared("T1"));
  await app.release();
  observer = await app.token("OBSERVER");
}, 120_000);
afterAll(async () => app?.close());

describe("peer groups by family and by place", () => {
  it("a département's communes of one stratum: named with the COG's article, its shared matrices exactly, computed when asked", async () => {
    const answer = await read({ kinds: ["COMMUNE"], departementCode: "69", populationStratum: "COM-03" });
    expect(answer.peerGroup).toEqual({
      kind: "COMMUNE",
      kinds: ["COMMUNE"],
      populationStratum: "COM-03",
      regionCode: null,
      departementCode: "69",
      epciCode: null,
      label: "Communes du Rhône, de 1 000 à 1 999 habitants",
      size: 3,
    });
    expect(answer.contributors).toBe(3);
    expect(answer.count("S1")).toBe(3);
    expect(answer.privacy.epsilon).toBeNull();
    expect(answer.privacy.nextReleaseAt).toBeNull();
    expect(answer.privacy.mechanism).toContain("calculés à la demande");
  });

  it("a département's communes as a whole: released on the schedule, the private matrix never shown exactly", async () => {
    const answer = await read({ kind: "COMMUNE", departementCode: "69" });
    expect(answer.peerGroup.label).toBe("Communes du Rhône");
    expect(answer.peerGroup.size).toBe(4);
    // One private matrix among four is far below six standard deviations of noise: the shared figures alone.
    expect(answer.contributors).toBe(3);
    expect(answer.count("W1")).toBe(0);
    expect(answer.privacy.nextReleaseAt).not.toBeNull();
  });

  it("every EPCI à fiscalité propre together, nationally and in a département (placed where most of its people live)", async () => {
    const national = await read({ kinds: EPCI_FP });
    expect(national.peerGroup).toMatchObject({ kind: null, kinds: EPCI_FP, label: "Intercommunalités à fiscalité propre", size: 2 });
    expect(national.count("T1")).toBe(2);
    const loire = await read({ kinds: [...EPCI_FP].reverse(), departementCode: "42" });
    expect(loire.peerGroup).toMatchObject({ label: "Intercommunalités à fiscalité propre de la Loire", size: 2, departementCode: "42" });
    expect(loire.count("T1")).toBe(2);
  });

  it("an EPCI's member communes, and a région's collectivities of every kind", async () => {
    const members = await read({ epciCode: "244200770" });
    expect(members.peerGroup).toMatchObject({ label: "Toutes collectivités de l'intercommunalité Saint-Étienne Métropole", size: 2, epciCode: "244200770" });
    expect(members.count("O1")).toBe(2);
    const region = await read({ regionCode: "84" });
    expect(region.peerGroup).toMatchObject({ label: "Toutes collectivités d'Auvergne-Rhône-Alpes", size: 8 });
    expect(region.contributors).toBe(7);
    expect([region.count("S1"), region.count("O1"), region.count("T1"), region.count("W1")]).toEqual([3, 2, 2, 0]);
  });

  it("announces a région's or a département's groups on benchmarkUpdated, and refuses a subscription to a group computed when asked", async () => {
    const subscribe = (g: object) =>
      subscribeSse(app.url, observer, `subscription($g: PeerGroupInput) { benchmarkUpdated(peerGroup: $g) { contributors } }`, { g });
    const computedWhenAsked = await subscribe({ kind: "COMMUNE", departementCode: "69", populationStratum: "COM-03" });
    const refused = await computedWhenAsked.next(5000);
    computedWhenAsked.close();
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "peerGroup" });
    // A whole département's communes are released: the subscription is taken, and hears the next release.
    const released = await subscribe({ kind: "COMMUNE", departementCode: "69" });
    await new Promise((r) => setTimeout(r, 200));
    const id = (await app.ok(REGISTER, { input: { inseeCode: "69003" } })).registerCollectivity.collectivity.id;
    await buildMatrix(app.services.commands, id, shared("S1"));
    // The app's own refresher releases it at the next window (one second here) and announces it.
    expect((await released.next(10_000)).data.benchmarkUpdated.contributors).toBe(4);
    released.close();
  });

  it("refuses a place the territory does not know, two places at once and a set of kinds that is not a family, naming the field", async () => {
    const refused = async (g: object) => {
      const error = (await app.gql(BENCHMARK, { g }, observer)).errors?.[0];
      return [error?.extensions?.code, error?.extensions?.field];
    };
    expect(await refused({ departementCode: "99" })).toEqual(["BAD_USER_INPUT", "departementCode"]);
    expect(await refused({ epciCode: "123456789" })).toEqual(["BAD_USER_INPUT", "epciCode"]);
    expect(await refused({ regionCode: "84", departementCode: "69" })).toEqual(["BAD_USER_INPUT", "departementCode"]);
    expect(await refused({ kinds: ["COMMUNE", "METROPOLE"] })).toEqual(["BAD_USER_INPUT", "kinds"]);
  });
});
