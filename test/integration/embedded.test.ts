import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { expect, it, onTestFinished } from "vitest";
import { startEmbeddedPostgres, templatePath, writeTemplate } from "../../src/db/embedded.ts";
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

const migrations = (url: string) => query(url, `SELECT count(*)::int AS n FROM "_prisma_migrations"`);
const clock = (url: string) => query(url, `SELECT "offset"::int AS offset FROM events_clock`);

it("a new embedded database starts from the template, already migrated, on disk from its folder alone; an existing one keeps its own data", {
  timeout: 90_000,
}, async () => {
  // A template of our own: the install's is node_modules' cache, which other tests read meanwhile.
  const dir = mkdtempSync(join(tmpdir(), "pilotis-embedded-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  // An older install's template beside it goes.
  mkdirSync(join(dir, "pglite-0.0.1-0123456789abcdef"));
  writeFileSync(join(dir, "pglite-0.0.1-0123456789abcdef.tar.gz"), "");
  const template = await writeTemplate(join(dir, "pglite-9.9.9-current"));
  expect(existsSync(join(template, "PG_VERSION"))).toBe(true);
  expect(readdirSync(dir).sort()).toEqual(["pglite-9.9.9-current", "pglite-9.9.9-current.tar.gz"]);

  // In memory, from the tarball.
  const inMemory = await startEmbeddedPostgres(undefined, { template });
  let asMigrated: unknown;
  try {
    expect(await migrate(inMemory.url)).toEqual([]);
    expect(await migrations(inMemory.url)).toEqual([{ n: listMigrations().length }]);
    asMigrated = await clock(inMemory.url);
  } finally {
    await inMemory.stop();
  }

  // On disk, from the folder: without the tarball, a database copied from nowhere would be initialised and need every migration.
  rmSync(`${template}.tar.gz`);
  const first = await startEmbeddedPostgres(join(dir, "pgdata"), { template });
  try {
    expect(await migrate(first.url)).toEqual([]);
    expect(await migrations(first.url)).toEqual([{ n: listMigrations().length }]);
    await query(first.url, 'INSERT INTO events_clock (one, "offset") VALUES (true, 7) ON CONFLICT (one) DO UPDATE SET "offset" = 7');
  } finally {
    await first.stop();
  }
  const again = await startEmbeddedPostgres(join(dir, "pgdata"), { template });
  try {
    expect(await clock(again.url)).toEqual([{ offset: 7 }]);
  } finally {
    await again.stop();
  }
  // The template itself is untouched by what its copy wrote.
  const another = await startEmbeddedPostgres(join(dir, "another"), { template });
  try {
    expect(await clock(another.url)).toEqual(asMigrated);
  } finally {
    await another.stop();
  }
});

it("the installed template is where a default start looks for it", () => {
  // postinstall wrote it: `npm ci` runs `npm run pglite:template`.
  expect(existsSync(join(templatePath(), "PG_VERSION"))).toBe(true);
  expect(existsSync(`${templatePath()}.tar.gz`)).toBe(true);
});
