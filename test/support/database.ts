import { randomBytes } from "node:crypto";
import pg from "pg";
import { startEmbeddedPostgres } from "../../src/db/embedded.ts";
import { migrate } from "../../src/db/migrator.ts";

export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export async function postgresAnswers(url = ADMIN_URL): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface TestDatabase {
  url: string;
  /** 1 on embedded PGlite, which serves one connection at a time. */
  poolSize: number;
  embedded: boolean;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: a new database on the local
 * PostgreSQL, or an in-memory PGlite where PostgreSQL does not answer (never
 * in CI, where the real server is required).
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const migrated = options.migrated ?? true;
  if (await postgresAnswers()) {
    const name = `pilotis_test_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    if (migrated) await migrate(url.toString());
    return {
      url: url.toString(),
      poolSize: 10,
      embedded: false,
      async drop() {
        const client = new pg.Client({ connectionString: ADMIN_URL });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      },
    };
  }
  if (process.env.CI === "true") throw new Error(`PostgreSQL does not answer at ${ADMIN_URL}; CI runs on the real server`);
  // The installed template is migrated already: a database asked for unmigrated starts empty instead.
  const embedded = await startEmbeddedPostgres(undefined, migrated ? {} : { template: null });
  if (migrated) await migrate(embedded.url);
  return { url: embedded.url, poolSize: 1, embedded: true, drop: () => embedded.stop() };
}
