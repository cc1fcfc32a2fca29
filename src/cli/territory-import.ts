// `npm run territory:import`: loads the pinned millésime of the Code officiel
// géographique into the reference tables, after the migrations, then records
// on each collectivity registered from the directory what the millésime
// changes for it (name, population). On DATABASE_URL as the tables' owner
// (PILOTIS_MIGRATION_DATABASE_URL, else DATABASE_URL), or on the embedded
// database while no server holds it.
import { performance } from "node:perf_hooks";
import { CollectivityAggregate, MatrixAggregate } from "../app/aggregates.ts";
import { CommandHandler } from "../app/commands.ts";
import { Repository } from "../app/repository.ts";
import { loadConfig } from "../config.ts";
import { createPool } from "../db/client.ts";
import { migrate } from "../db/migrator.ts";
import { openDatabaseForCli } from "../db/open.ts";
import { EventStore } from "../eventstore/store.ts";
import { MILLESIME } from "../territory/cog.ts";
import { importTerritory } from "../territory/import.ts";
import { recordTerritoryChanges } from "../territory/sync.ts";

const config = loadConfig();
const database = await openDatabaseForCli(config);
const url = config.PILOTIS_MIGRATION_DATABASE_URL ?? database.url;
await migrate(url, { runtimeRole: config.PILOTIS_DB_RUNTIME_ROLE });
const pool = createPool({ url, poolSize: 1, applicationName: "pilotis-territory-import" });
try {
  const started = performance.now();
  const counts = await importTerritory(pool);
  process.stdout.write(
    `territoire ${MILLESIME} chargé en ${((performance.now() - started) / 1000).toFixed(1)} s : ${counts.communes} communes, ${counts.epci} EPCI, ${counts.departements} départements, ${counts.regions} régions\n`,
  );
  const store = new EventStore(pool);
  const changed = await recordTerritoryChanges(
    pool,
    new CommandHandler(store, new Repository(store, CollectivityAggregate), new Repository(store, MatrixAggregate)),
  );
  process.stdout.write(
    `${changed} collectivité${changed > 1 ? "s" : ""} inscrite${changed > 1 ? "s" : ""} mise${changed > 1 ? "s" : ""} à jour d'après le millésime\n`,
  );
} finally {
  await pool.end();
  await database.embedded?.stop();
}
