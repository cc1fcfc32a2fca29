import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listMigrations, migrate, MIGRATIONS_DIR } from "../../src/db/migrator.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ migrated: false });
});
afterAll(async () => database.drop());

it("applies each migration once when several processes start at once, and records them as Prisma does", async () => {
  const runs = await Promise.all([migrate(database.url), migrate(database.url), migrate(database.url)]);
  const files = listMigrations();
  expect(runs.flat().sort()).toEqual(files.map((f) => f.name).sort());
  expect(await migrate(database.url)).toEqual([]);

  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const { rows } = await client.query(
    `SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count, length(id) AS id_length
     FROM _prisma_migrations ORDER BY migration_name`,
  );
  await client.end();
  expect(rows).toHaveLength(files.length);
  for (const row of rows) {
    const sql = readFileSync(join(MIGRATIONS_DIR, row.migration_name, "migration.sql"));
    expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
    expect(row.finished_at).not.toBeNull();
    expect(row.rolled_back_at).toBeNull();
    expect(row.applied_steps_count).toBe(1);
    expect(row.id_length).toBe(36);
  }
});
