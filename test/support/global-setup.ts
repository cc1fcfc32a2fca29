import pg from "pg";
import { chromiumInstalled, launchChromiumServer, SHARED_CHROMIUM } from "./browser.ts";
import { ADMIN_URL, postgresAnswers } from "./database.ts";

/**
 * A neighbour for the whole run: a write transaction held open in another
 * database of the same server, as another application or a bulk import would.
 * Nothing here may wait for it (the log's horizon is per database).
 */
async function holdNeighbourTransaction(): Promise<() => Promise<void>> {
  const neighbour = new pg.Client({ connectionString: ADMIN_URL, application_name: "pilotis-test-neighbour" });
  await neighbour.connect();
  await neighbour.query("SET idle_in_transaction_session_timeout = 0");
  await neighbour.query("BEGIN");
  await neighbour.query("CREATE TEMP TABLE neighbour_write (n int)");
  await neighbour.query("INSERT INTO neighbour_write VALUES (1)");
  return async () => {
    await neighbour.query("ROLLBACK").catch(() => undefined);
    await neighbour.end().catch(() => undefined);
  };
}

/** One Chromium for the whole run, which the browser test files connect to (they run in worker processes, which inherit its address). */
async function shareChromium(): Promise<() => Promise<void>> {
  if (!chromiumInstalled) return async () => undefined;
  const server = await launchChromiumServer();
  process.env[SHARED_CHROMIUM] = server.wsEndpoint();
  return () => server.close();
}

export default async function setup(): Promise<() => Promise<void>> {
  const closeChromium = await shareChromium();
  if (await postgresAnswers()) {
    const releaseNeighbour = await holdNeighbourTransaction();
    return async () => {
      await releaseNeighbour();
      await closeChromium();
    };
  }
  if (process.env.CI === "true") throw new Error(`CI=true but PostgreSQL does not answer at ${ADMIN_URL}`);
  process.stderr.write(
    `\n${"!".repeat(78)}\n!! PostgreSQL does not answer at ${ADMIN_URL}:\n!! the storage tests run on embedded PGlite, one backend: the few tests that need\n!! several sessions at once (late commits, concurrent migrators) are skipped.\n${"!".repeat(78)}\n\n`,
  );
  return closeChromium;
}
