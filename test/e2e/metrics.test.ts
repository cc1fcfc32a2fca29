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
    await app.ok(`mutation($c: ID!) { openMatrix(input: { collectivityId: $c, title: "Diagnostic" }) { matrix { id } } }`, {
      c: c.registerCollectivity.collectivity.id,
    });
  }
  let checkouts = 0;
  const count = () => void checkouts++;
  app.pool.on("acquire", count);
  try {
    const page = await app.ok(`{ collectivities(first: 20) { edges { node { name matrices { title } peerGroup { label size } } } } }`);
    expect(page.collectivities.edges).toHaveLength(20);
    expect(page.collectivities.edges.every((e: any) => e.node.matrices.length === 1 && e.node.peerGroup.label)).toBe(true);
  } finally {
    app.pool.off("acquire", count);
  }
  // One per collectivity for its matrices and two for its group made 42.
  expect(checkouts).toBeLessThanOrEqual(6);
});
