import { loadConfig } from "../config.ts";
import { migrate } from "../db/migrator.ts";
import { openDatabaseForCli } from "../db/open.ts";

const config = loadConfig();
const database = await openDatabaseForCli(config);
try {
  const applied = await migrate(config.PILOTIS_MIGRATION_DATABASE_URL ?? database.url, { runtimeRole: config.PILOTIS_DB_RUNTIME_ROLE });
  process.stdout.write(applied.length ? `applied: ${applied.join(", ")}\n` : "database is up to date\n");
} finally {
  await database.embedded?.stop();
}
