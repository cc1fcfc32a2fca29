import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { expect, it, onTestFinished } from "vitest";
import { startEmbeddedPostgres, writeTemplate } from "../../src/db/embedded.ts";
import { listMigrations, migrate } from "../../src/db/migrator.ts";

const query = async (url: string, sql: string) => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
};

it("a new embedded database starts from the install's template, already migrated; an existing one keeps its own data", { timeout: 60_000 }, async () => {
  await writeTemplate();
  const dir = mkdtempSync(join(tmpdir(), "pilotis-embedded-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const first = await startEmbeddedPostgres(join(dir, "pgdata"));
  try {
    // Nothing left to apply: the template held every migration, and PGlite did not initialise a database.
    expect(await migrate(first.url)).toEqual([]);
    expect(await query(first.url, `SELECT count(*)::int AS n FROM "_prisma_migrations"`)).toEqual([{ n: listMigrations().length }]);
    await query(first.url, 'INSERT INTO events_clock (one, "offset") VALUES (true, 7) ON CONFLICT (one) DO UPDATE SET "offset" = 7');
  } finally {
    await first.stop();
  }
  const again = await startEmbeddedPostgres(join(dir, "pgdata"));
  try {
    expect(await query(again.url, `SELECT "offset"::int AS offset FROM events_clock`)).toEqual([{ offset: 7 }]);
  } finally {
    await again.stop();
  }
});
