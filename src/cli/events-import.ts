// `npm run events:import -- --in FILE`: restores an archive written by
// events:export into a database whose log is empty, then rebuilds every
// projection from it.
import { parseArgs } from "node:util";
import { loadConfig, releasePolicy } from "../config.ts";
import { createPool } from "../db/client.ts";
import { migrate } from "../db/migrator.ts";
import { openDatabaseForCli } from "../db/open.ts";
import { ArchiveError, importEvents } from "../eventstore/archive.ts";
import { refreshAllGroups } from "../projections/benchmark-groups.ts";
import { catchUpFromZero } from "../projections/parallel-catch-up.ts";

const { values } = parseArgs({ options: { in: { type: "string" } } });
if (!values.in) {
  process.stderr.write("usage: npm run events:import -- --in FILE\n");
  process.exit(2);
}
const config = loadConfig();
const database = await openDatabaseForCli(config);
await migrate(config.PILOTIS_MIGRATION_DATABASE_URL ?? database.url, { runtimeRole: config.PILOTIS_DB_RUNTIME_ROLE });
const pool = createPool({ url: database.url, poolSize: 1, applicationName: "pilotis-import" });
try {
  const started = performance.now();
  const { count } = await importEvents(pool, values.in);
  process.stdout.write(`${count} events restored in ${((performance.now() - started) / 1000).toFixed(1)} s; rebuilding the read models\n`);
  await catchUpFromZero(database, pool);
  await refreshAllGroups(pool, releasePolicy(config));
  process.stdout.write("read models rebuilt\n");
} catch (error) {
  if (!(error instanceof ArchiveError)) throw error;
  process.stderr.write(`nothing was written: ${error.message}\n`);
  process.exitCode = 1;
} finally {
  await pool.end();
  await database.embedded?.stop();
}
