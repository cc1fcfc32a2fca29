import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createDatabase } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrator.ts";
import { EventStore } from "../../src/eventstore/store.ts";
import { createLogger } from "../../src/logger.ts";
import { PROJECTORS } from "../../src/projections/index.ts";
import { ProjectionRunner } from "../../src/projections/runner.ts";
import { startPilotis } from "../../src/runtime.ts";
import { ADMIN_URL, postgresAnswers } from "../support/database.ts";

// Roles belong to the whole server: each run makes its own and drops them.
const suffix = randomBytes(4).toString("hex");
const owner = `pilotis_owner_${suffix}`;
const runtime = `pilotis_app_${suffix}`;
const name = `pilotis_roles_${suffix}`;
const postgresUp = await postgresAnswers();
if (!postgresUp && process.env.CI === "true") throw new Error("CI=true but PostgreSQL does not answer");
if (!postgresUp) process.stderr.write("\n!! PostgreSQL does not answer: the database-role tests are SKIPPED (PGlite has one role)\n\n");

const urlAs = (role: string) => {
  const url = new URL(ADMIN_URL);
  url.username = role;
  url.pathname = `/${name}`;
  return url.toString();
};

async function asAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe.skipIf(!postgresUp)("database roles", () => {
  beforeAll(async () => {
    await asAdmin(`CREATE ROLE ${owner} LOGIN`);
    await asAdmin(`CREATE ROLE ${runtime} LOGIN`);
    await asAdmin(`CREATE DATABASE ${name} OWNER ${owner}`);
    await migrate(urlAs(owner), { runtimeRole: runtime });
  });
  afterAll(async () => {
    await asAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await asAdmin(`DROP ROLE IF EXISTS ${runtime}`);
    await asAdmin(`DROP ROLE IF EXISTS ${owner}`);
  });

  it("the service's role appends and reads the record, projects it, but can neither change nor delete an event, nor switch the guard off", async () => {
    const connection = createDatabase({ url: urlAs(runtime), poolSize: 2 });
    try {
      const store = new EventStore(connection.pool);
      await store.append({
        streamId: "matrix-roles",
        streamType: "matrix",
        expectedVersion: 0,
        events: [{ type: "MatrixOpened", data: { matrixId: "roles", collectivityId: "c", title: "Rôles" } }],
        metadata: { actor: "test" },
      });
      expect(await store.readLog({ limit: 10 })).toHaveLength(1);
      await new ProjectionRunner(connection.pool, PROJECTORS).catchUp();
      expect((await connection.pool.query("SELECT count(*)::int AS n FROM matrix_views")).rows[0].n).toBe(1);
      for (const sql of [
        "DELETE FROM events",
        "UPDATE events SET actor = 'mallory'",
        "TRUNCATE events",
        "ALTER TABLE events DISABLE TRIGGER ALL",
        "DROP TRIGGER events_no_update_or_delete ON events",
      ]) {
        await expect(connection.pool.query(sql), sql).rejects.toMatchObject({ code: "42501" });
      }
      expect((await connection.pool.query("SELECT count(*)::int AS n FROM events")).rows[0].n).toBe(1);
    } finally {
      await connection.close();
    }
  });

  it("the service starts as that role on a migrated database, and a rebuild by the owner keeps its rights", async () => {
    const pilotis = await startPilotis(loadConfig({ DATABASE_URL: urlAs(runtime), PORT: "0", HOST: "127.0.0.1" }), createLogger("silent"));
    await pilotis.close();
    const ownerPool = createDatabase({ url: urlAs(owner), poolSize: 1 });
    try {
      await new ProjectionRunner(ownerPool.pool, PROJECTORS).rebuild("matrix-views");
    } finally {
      await ownerPool.close();
    }
    const connection = createDatabase({ url: urlAs(runtime), poolSize: 1 });
    try {
      expect((await connection.pool.query("SELECT count(*)::int AS n FROM matrix_views")).rows[0].n).toBe(1);
      await connection.pool.query("UPDATE matrix_views SET version = version");
    } finally {
      await connection.close();
    }
  });
});
