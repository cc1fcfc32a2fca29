import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterEach, expect, it } from "vitest";
import { listMigrations, MIGRATIONS_DIR, migrate } from "../../src/db/migrator.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

let database: TestDatabase | undefined;
afterEach(async () => {
  await database?.drop();
  database = undefined;
});

async function expectRecordedAsPrismaDoes(url: string): Promise<void> {
  const files = listMigrations();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query(
    `SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count, length(id) AS id_length
     FROM _prisma_migrations ORDER BY migration_name`,
  );
  await client.end();
  expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
  for (const row of rows) {
    const sql = readFileSync(join(MIGRATIONS_DIR, row.migration_name, "migration.sql"));
    expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
    expect(row.finished_at).not.toBeNull();
    expect(row.rolled_back_at).toBeNull();
    expect(row.applied_steps_count).toBe(1);
    expect(row.id_length).toBe(36);
  }
}

it("applies every migration once, records it as Prisma does, and applies nothing the second time", async () => {
  database = await createTestDatabase({ migrated: false });
  expect(await migrate(database.url)).toEqual(listMigrations().map((f) => f.name));
  expect(await migrate(database.url)).toEqual([]);
  await expectRecordedAsPrismaDoes(database.url);
});

it("applies each migration once when several migrators start at once", async (ctx) => {
  database = await createTestDatabase({ migrated: false });
  // PGlite is one backend inside one process: two migrators can never race there.
  if (database.embedded) ctx.skip();
  const runs = await Promise.all([migrate(database.url), migrate(database.url), migrate(database.url)]);
  expect(runs.flat().sort()).toEqual(
    listMigrations()
      .map((f) => f.name)
      .sort(),
  );
  await expectRecordedAsPrismaDoes(database.url);
});

/** Rows of one catalog query on a freshly migrated test database. */
async function onFreshDatabase<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  database = await createTestDatabase();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

it("compresses matrix states with lz4 where the server has it, and still migrates where it has not (PGlite)", async () => {
  const rows = await onFreshDatabase<{ table: string; method: string }>(
    `SELECT attrelid::regclass::text AS table, attcompression AS method FROM pg_attribute
     WHERE attname = 'state' AND attrelid IN ('matrix_views'::regclass, 'benchmark_matrices'::regclass) ORDER BY 1`,
  );
  // 'l' is lz4; '' the server's default, pglz.
  const expected = database!.embedded ? "" : "l";
  expect(rows).toEqual([
    { table: "benchmark_matrices", method: expected },
    { table: "matrix_views", method: expected },
  ]);
});

it("keys the decision timeline by bytes (the C collation), whatever the database's locale", async () => {
  const rows = await onFreshDatabase<{ column: string; collation: string }>(
    `SELECT a.attname AS column, c.collname AS collation FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation
     WHERE a.attrelid = 'decision_timeline'::regclass AND a.attname IN ('position', 'collectivity_id') ORDER BY 1`,
  );
  expect(rows).toEqual([
    { column: "collectivity_id", collation: "C" },
    { column: "position", collation: "C" },
  ]);
});
