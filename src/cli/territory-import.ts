// `npm run territory:import`: loads the pinned millésime of the Code officiel
// géographique into the reference tables, after the migrations; as the
// tables' owner (PILOTIS_MIGRATION_DATABASE_URL, else DATABASE_URL).
import { performance } from "node:perf_hooks";
import { loadConfig } from "../config.ts";
import { createPool } from "../db/client.ts";
import { migrate } from "../db/migrator.ts";
import { MILLESIME } from "../territory/cog.ts";
import { importTerritory } from "../territory/import.ts";

const config = loadConfig();
const url = config.PILOTIS_MIGRATION_DATABASE_URL ?? config.DATABASE_URL;
if (!url) {
  process.stderr.write("territory:import needs DATABASE_URL (the embedded start imports the territory by itself)\n");
  process.exit(2);
}
await migrate(url, { runtimeRole: config.PILOTIS_DB_RUNTIME_ROLE });
const pool = createPool({ url, poolSize: 1, applicationName: "pilotis-territory-import" });
try {
  const started = performance.now();
  const counts = await importTerritory(pool);
  process.stdout.write(
    `territoire ${MILLESIME} chargé en ${((performance.now() - started) / 1000).toFixed(1)} s : ${counts.communes} communes, ${counts.epci} EPCI, ${counts.departements} départements, ${counts.regions} régions\n`,
  );
} finally {
  await pool.end();
}
