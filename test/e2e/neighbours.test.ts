import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.ts";
import { ADMIN_URL } from "../support/database.ts";
import { subscribeSse } from "../support/sse.ts";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ PILOTIS_STALE_TIMEOUT_MS: "3000" });
});
afterAll(async () => app?.close());

/** A write transaction held open in another database of the same server, as another application would. */
async function neighbourTransaction() {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  await client.query("BEGIN");
  await client.query("CREATE TEMP TABLE busy_neighbour (n int)");
  return {
    async stillOpen() {
      const { rows } = await client.query<{ open: boolean }>("SELECT pg_current_xact_id_if_assigned() IS NOT NULL AS open");
      return rows[0]!.open;
    },
    async release() {
      await client.query("ROLLBACK");
      await client.end();
    },
  };
}

describe("beside a neighbour holding a write transaction in another database", () => {
  it("read-your-writes and subscriptions are not held back by it", async (ctx) => {
    if (app.database.embedded) ctx.skip(); // PGlite is a server of its own, with no neighbour
    const c = await app.ok(`mutation { registerCollectivity(input: { name: "Commune voisine", kind: COMMUNE, population: 800 }) { collectivity { id } } }`);
    const m = await app.ok(`mutation($c: ID!) { openMatrix(input: { collectivityId: $c, title: "Voisinage" }) { matrix { id } } }`, {
      c: c.registerCollectivity.collectivity.id,
    });
    const matrixId = m.openMatrix.matrix.id as string;
    const sub = await subscribeSse(app.url, app.adminToken, `subscription($m: ID!) { matrixChanged(matrixId: $m) { event { version } } }`, { m: matrixId });
    await new Promise((r) => setTimeout(r, 200));
    const neighbour = await neighbourTransaction();
    try {
      const { addFactor } = await app.services.commands
        .onMatrix(
          "addFactor",
          { matrixId },
          { type: "AddFactor", matrixId, factorId: "f1", kind: "STRENGTH", label: "Élus moteurs" },
          {},
          {},
          { principal: { tokenId: "t", role: "ADMIN", collectivityId: null, subject: "admin" } },
        )
        .then((r) => ({ addFactor: r }));
      const read = await app.gql(`query($id: ID!, $p: String) { matrix(id: $id, minPosition: $p) { version factors { label } } }`, {
        id: matrixId,
        p: addFactor.position,
      });
      expect(read.errors).toBeUndefined();
      expect(read.data.matrix).toEqual({ version: 2, factors: [{ label: "Élus moteurs" }] });
      expect((await sub.next(5000)).data.matrixChanged.event.version).toBe(2);
      expect(await neighbour.stillOpen()).toBe(true);
    } finally {
      sub.close();
      await neighbour.release();
    }
  });
});
