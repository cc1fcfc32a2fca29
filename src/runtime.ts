import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import type { Services } from "./app/services.ts";
import { wireApplication } from "./app/wiring.ts";
import { authenticate, issueToken } from "./auth/tokens.ts";
import type { Config } from "./config.ts";
import { createDatabase } from "./db/client.ts";
import { lockSql } from "./db/locks.ts";
import { migrate } from "./db/migrator.ts";
import { announceEmbeddedUrl, openDatabaseSaying } from "./db/open.ts";
import { seedDemoNetwork } from "./demo/network.ts";
import type { Logger } from "./logger.ts";
import { reportFailures } from "./observability/failures.ts";
import { BulkLoad } from "./projections/bulk-load.ts";
import { type RunningServer, startServer } from "./server.ts";
import { importTerritory, loadedMillesime } from "./territory/import.ts";

export interface Pilotis {
  services: Services;
  server: RunningServer;
  /** An admin token for the person who started the service, when this start can show one. */
  adminToken: string | null;
  /** Settles once the demo network is in (at once when there is none to load). */
  demoLoaded: Promise<void>;
  /** Settles once the embedded start has loaded the official territory (at once elsewhere, or when it was there). */
  territoryLoaded: Promise<void>;
  close(): Promise<void>;
}

/**
 * The embedded admin token is kept in the data folder (owner-only) so that a
 * restart can print it again; a revoked or lost one is replaced.
 */
/** Runs `work` under a session advisory lock on its own connection (none on the single-session embedded database). */
async function firstStartLock<T>(url: string | null, work: () => Promise<T>): Promise<T> {
  if (!url) return work();
  const client = new pg.Client({ connectionString: url, application_name: "pilotis-first-start" });
  await client.connect();
  try {
    await client.query(lockSql.take("firstStart"));
    return await work();
  } finally {
    await client.end();
  }
}

/** The service needs no superuser; one can switch the event log's guard off. */
async function warnIfSuperuser(pool: pg.Pool, logger: Logger): Promise<void> {
  const { rows } = await pool.query<{ superuser: boolean; name: string }>(
    "SELECT rolsuper AS superuser, current_user AS name FROM pg_roles WHERE rolname = current_user",
  );
  if (rows[0]?.superuser) {
    logger.warn(
      { role: rows[0].name },
      "connected as a superuser, which could disable the events table's append-only guard: run the service as a role that can only read and append (README, Database roles)",
    );
  }
}

async function embeddedAdminToken(services: Services, config: Config): Promise<string> {
  const file = join(config.PILOTIS_DATA_DIR, "admin-token");
  if (existsSync(file)) {
    const token = readFileSync(file, "utf8").trim();
    if (await authenticate(services.db, token)) return token;
  }
  const { token } = await issueToken(services.db, { role: "ADMIN", subject: "admin (local)" });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return token;
}

/** Starts the service; on the database being opened, when the caller began that already (main.ts does, see there why). */
export async function startPilotis(config: Config, logger: Logger, opening = openDatabaseSaying(config, logger)): Promise<Pilotis> {
  const database = await opening;
  const applied = await migrate(config.PILOTIS_MIGRATION_DATABASE_URL ?? database.url, { runtimeRole: config.PILOTIS_DB_RUNTIME_ROLE });
  if (applied.length > 0) logger.info({ applied }, "migrations applied");
  const connection = createDatabase({
    url: database.url,
    poolSize: database.poolSize,
    onError: reportFailures(logger, "a database connection failed; the pool replaces it"),
  });
  const db = connection.prisma;
  // On a real database, workers and other replicas hold their releases too while the demo loads (see BulkLoad).
  const bulkLoad = new BulkLoad(connection.pool, { url: database.embedded ? null : database.url });
  // Stopping the process stops the background loads (demo, territory) between two steps, rather than waiting for them.
  const stopping = new AbortController();
  const { projections, services } = await wireApplication(connection, config, logger, { bulkLoad });
  const wantDemo = config.PILOTIS_DEMO_DATA ?? database.embedded !== null;
  const loadDemo = async () => {
    logger.info("empty database: loading the demo network");
    const seeder = await issueToken(db, { role: "ADMIN", subject: "pilotis-demo" });
    await bulkLoad.begin();
    try {
      // It takes seconds on PGlite: say how far it is, at most once a second.
      let said = 0;
      await seedDemoNetwork(
        services.commands,
        { principal: seeder.principal },
        (done, total) => {
          if (Date.now() - said < 1000 && done < total) return;
          said = Date.now();
          logger.info({ done, total }, `loading the demo network: ${done} of ${total} collectivities`);
        },
        stopping.signal,
      );
    } finally {
      // A head that cannot be read means a failing database: no release would go through either.
      bulkLoad.end(await services.store.headPosition().catch(() => null));
      projections.wake();
      // Its token served the load only, stopped or not.
      await db.apiToken.update({ where: { id: seeder.principal.tokenId }, data: { revokedAt: new Date() } });
    }
    logger.info("demo network loaded");
  };
  // On the embedded database (one process) the demo loads once the API
  // serves, so that a first start answers in seconds; replicas on a real
  // database load it before serving, one of them only: the others wait for
  // the lock, then find the database no longer empty.
  let demoInBackground = false;
  const adminToken = await firstStartLock(database.embedded ? null : database.url, async () => {
    const empty = (await services.store.headPosition()) === null;
    if (wantDemo && empty) {
      if (database.embedded) demoInBackground = true;
      else await loadDemo();
    }
    // A real database never gets a secret in the logs: its first admin runs `npm run token`.
    return database.embedded ? embeddedAdminToken(services, config) : null;
  });
  if (!database.embedded) await warnIfSuperuser(connection.pool, logger);

  const server = await startServer(services, config, logger, projections.checks);
  if (database.embedded) announceEmbeddedUrl(config, server.url);
  const demoLoaded = demoInBackground
    ? loadDemo().catch((error: unknown) => {
        if (stopping.signal.aborted) {
          logger.warn(
            "stopped before the demo network was whole: the database is no longer empty, so it will not load again; remove the data folder for a whole one",
          );
        } else logger.error({ err: error }, "the demo network could not be loaded");
      })
    : Promise.resolve();
  // The embedded start loads the territory too, after the demo and batch by
  // batch, so that the API serves meanwhile; a real database has it from
  // `npm run territory:import`.
  const territoryLoaded = database.embedded
    ? demoLoaded
        .then(async () => {
          if (await loadedMillesime(connection.pool)) return;
          logger.info("loading the official territory (Code officiel géographique) in the background");
          const counts = await importTerritory(connection.pool, { batchByBatch: true, signal: stopping.signal });
          logger.info(counts, "official territory loaded");
        })
        .catch((error: unknown) => {
          if (stopping.signal.aborted) logger.info("stopped before the official territory was loaded: the next start loads it");
          else logger.error({ err: error }, "the official territory could not be loaded");
        })
    : Promise.resolve();
  return {
    services,
    server,
    adminToken,
    demoLoaded,
    territoryLoaded,
    async close() {
      stopping.abort();
      await demoLoaded;
      await territoryLoaded;
      await server.close();
      await projections.stop();
      await bulkLoad.close();
      await services.flush();
      await connection.close();
      await database.embedded?.stop();
    },
  };
}
