import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.ts";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const scrape = async () => {
  const res = await fetch(app.url.replace(/\/graphql$/, "/metrics"));
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
  return res.text();
};
const value = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}"]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);

it("/metrics says, in Prometheus' format, how long operations took, how many events were appended and how far each projection is behind", async () => {
  const before = await scrape();
  await app.ok(`query Annuaire { collectivities { totalCount } }`);
  await app.ok(`query Annuaire { collectivities { totalCount } }`);
  await app.ok(`mutation Inscrire { registerCollectivity(input: { name: "Commune mesurée", kind: COMMUNE, population: 300 }) { collectivity { id } } }`);
  const after = await scrape();
  expect(value(after, `pilotis_graphql_operation_duration_seconds_count{operation="Annuaire",type="query"}`)).toBe(2);
  expect(value(after, `pilotis_graphql_operation_duration_seconds_count{operation="Inscrire",type="mutation"}`)).toBe(1);
  expect(value(after, "pilotis_events_appended_total") - (value(before, "pilotis_events_appended_total") || 0)).toBe(1);
  expect(value(after, `pilotis_projection_events_behind{projection="matrix-views"}`)).toBe(0);
  expect(after).toMatch(/^process_cpu_user_seconds_total /m);
});

it("counts operation names a client makes up under a bounded number of labels", async () => {
  for (let i = 0; i < 210; i++) await app.ok(`query Q${i} { catalogue { key } }`);
  await app.ok(`query { catalogue { key } }`);
  const text = await scrape();
  const names = new Set([...text.matchAll(/pilotis_graphql_operation_duration_seconds_count\{operation="([^"]+)"/g)].map((m) => m[1]));
  expect(names.size).toBeLessThanOrEqual(203);
  expect(names.has("other")).toBe(true);
  expect(names.has("anonymous")).toBe(true);
});

it("a page of twenty collectivities with their matrices and peer groups costs a handful of queries, not a few per collectivity", async () => {
  for (let i = 0; i < 20; i++) {
    const c = await app.ok(`mutation($n: String!) { registerCollectivity(input: { name: $n, kind: COMMUNE, population: 1200 }) { collectivity { id } } }`, {
      n: `Commune listée ${i}`,
    });
    const m = await app.ok(`mutation($c: ID!) { openMatrix(input: { collectivityId: $c, title: "Diagnostic" }) { matrix { id } } }`, {
      c: c.registerCollectivity.collectivity.id,
    });
    await app.ok(`mutation($m: ID!) { publishMatrix(input: { matrixId: $m, visibility: PUBLIC }) { matrix { id } } }`, { m: m.openMatrix.matrix.id });
  }
  const page = await app.checkouts(`{ collectivities(first: 20) { edges { node { name matrices { title } peerGroup { label size } } } } }`);
  expect(page.data.collectivities.edges).toHaveLength(20);
  expect(page.data.collectivities.edges.every((e: any) => e.node.matrices.length === 1 && e.node.peerGroup.label)).toBe(true);
  // One per collectivity for its matrices and two for its group made 42.
  expect(page.count).toBeLessThanOrEqual(6);

  // Read without a token, each public matrix names its collectivity: one query for all twenty
  // (Prisma batches the findUnique calls of one tick), not one each.
  const published = await app.checkouts(`{ publicMatrices(first: 20) { edges { node { title collectivity { name } } } } }`, {}, null);
  expect(published.data.publicMatrices.edges.filter((e: any) => e.node.collectivity.name.startsWith("Commune listée"))).toHaveLength(20);
  expect(published.count).toBeLessThanOrEqual(4);
});

it("a page of tokens names their collectivities in one query (Prisma's batching of findUnique)", async () => {
  const ids = (await app.ok(`{ collectivities(first: 20) { edges { node { id } } } }`)).collectivities.edges.map((e: any) => e.node.id);
  for (const id of ids) {
    await app.ok(`mutation($c: ID!) { issueToken(input: { role: EDITOR, collectivityId: $c, subject: "rédaction" }) { token } }`, { c: id });
  }
  const page = await app.checkouts(`{ tokens(last: 20) { edges { node { collectivity { name } } } } }`);
  expect(page.data.tokens.edges.filter((e: any) => e.node.collectivity?.name.startsWith("Commune listée"))).toHaveLength(20);
  expect(page.count).toBeLessThanOrEqual(4);
});
