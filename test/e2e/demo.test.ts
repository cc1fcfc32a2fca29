import { afterAll, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { DEMO_NETWORK, DEMO_PEERS } from "../../src/demo/network.ts";
import { createLogger } from "../../src/logger.ts";
import { startPilotis, type Pilotis } from "../../src/runtime.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

let database: TestDatabase;
let pilotis: Pilotis | undefined;
afterAll(async () => {
  await pilotis?.close();
  await database?.drop();
});

// Generous: a first start on embedded PGlite, beside the rest of the suite, shares two cores with it.
it("a first start loads the demo network, whose benchmarks show figures, not only suppressed groups", { timeout: 240_000 }, async () => {
  database = await createTestDatabase({ migrated: false });
  pilotis = await startPilotis(loadConfig({ DATABASE_URL: database.url, PORT: "0", HOST: "127.0.0.1", PILOTIS_DB_POOL_SIZE: String(database.poolSize) }), createLogger("silent"));
  const gql = async (query: string) => {
    const res = await fetch(pilotis!.server.url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${pilotis!.adminToken}` }, body: JSON.stringify({ query }) });
    return ((await res.json()) as { data: any }).data;
  };
  // Through the API only: a second pool on embedded PGlite would share its single session.
  const caughtUp = `{ projections { eventsBehind } benchmark(peerGroup: { kind: COMMUNE }) { suppressed factorPrevalence { count } } }`;
  let state = await gql(caughtUp);
  for (const deadline = Date.now() + 200_000; Date.now() < deadline; state = await gql(caughtUp)) {
    if (state.projections.every((p: { eventsBehind: number }) => p.eventsBehind === 0) && !state.benchmark.suppressed) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(state.benchmark.suppressed).toBe(false);
  expect(state.benchmark.factorPrevalence.some((p: { count: number }) => p.count > 0)).toBe(true);
  expect((await gql(`{ collectivities(first: 1) { totalCount } }`)).collectivities.totalCount).toBe(DEMO_NETWORK.length + DEMO_PEERS);
  expect((await gql(`{ peerGroups(kind: COMMUNE) { size } }`)).peerGroups.length).toBeGreaterThan(5);
});
