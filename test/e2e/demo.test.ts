import { afterAll, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createPool } from "../../src/db/client.ts";
import { DEMO_NETWORK, DEMO_PEERS } from "../../src/demo/network.ts";
import { createLogger } from "../../src/logger.ts";
import { startPilotis, type Pilotis } from "../../src/runtime.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { waitForProjections } from "../support/projections.ts";

let database: TestDatabase;
let pilotis: Pilotis | undefined;
afterAll(async () => {
  await pilotis?.close();
  await database?.drop();
});

it("a first start loads the demo network, whose benchmarks show figures, not only suppressed groups", async () => {
  database = await createTestDatabase({ migrated: false });
  pilotis = await startPilotis(loadConfig({ DATABASE_URL: database.url, PORT: "0", HOST: "127.0.0.1", PILOTIS_DB_POOL_SIZE: String(database.poolSize) }), createLogger("silent"));
  const pool = createPool({ url: database.url, poolSize: 1 });
  try {
    await waitForProjections(pool, 60_000);
  } finally {
    await pool.end();
  }
  const gql = async (query: string) => {
    const res = await fetch(pilotis!.server.url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${pilotis!.adminToken}` }, body: JSON.stringify({ query }) });
    return ((await res.json()) as { data: any }).data;
  };
  expect((await gql(`{ collectivities(first: 1) { totalCount } }`)).collectivities.totalCount).toBe(DEMO_NETWORK.length + DEMO_PEERS);
  const groups = (await gql(`{ peerGroups(kind: COMMUNE) { populationStratum wealthQuartile size } }`)).peerGroups;
  expect(groups.length).toBeGreaterThan(5);
  const communes = (await gql(`{ benchmark(peerGroup: { kind: COMMUNE }) { suppressed factorPrevalence { count } metrics { metric median } } }`)).benchmark;
  expect(communes.suppressed).toBe(false);
  expect(communes.factorPrevalence.some((p: { count: number }) => p.count > 0)).toBe(true);
});
