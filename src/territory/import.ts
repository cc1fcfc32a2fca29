import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type pg from "pg";
import { withClient } from "../db/with-client.ts";
import { type CogFiles, MILLESIME, SOURCE, type TerritoryRows, territoryRows } from "./cog.ts";

// Loads the territory into its reference tables. Reference data, not
// decisions: it stays out of the event log. A millésime replaces the one
// before in one transaction, so a reader sees the old one or the new one,
// never a mix, and running it twice changes nothing. A first load into empty
// tables may go batch by batch instead (the embedded start: its one
// connection must keep serving meanwhile); territory_info, written last,
// says when it is complete.

const require = createRequire(import.meta.url);

/** The pinned millésime's files as rows, read from the package (no database). */
export async function readTerritoryRows(): Promise<TerritoryRows> {
  return territoryRows(await readFiles());
}

async function readFiles(): Promise<CogFiles> {
  const read = async (name: string) => JSON.parse(await readFile(require.resolve(`@etalab/decoupage-administratif/data/${name}.json`), "utf8"));
  const [communes, epci, departements, regions] = await Promise.all(["communes", "epci", "departements", "regions"].map(read));
  return { communes, epci, departements, regions };
}

/** Rows per statement: jsonb_populate_recordset takes them in one parameter. */
const BATCH = 5000;

type Query = (sql: string, values?: unknown[]) => Promise<unknown>;

/** The rows' own columns only: the tables also hold columns generated from them (search_name). */
async function insertAll(query: Query, table: string, rows: object[]): Promise<void> {
  const columns = Object.keys(rows[0] ?? {}).join(", ");
  for (let i = 0; i < rows.length; i += BATCH) {
    await query(`INSERT INTO ${table} (${columns}) SELECT ${columns} FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)`, [
      JSON.stringify(rows.slice(i, i + BATCH)),
    ]);
  }
}

export interface TerritoryCounts {
  communes: number;
  epci: number;
  departements: number;
  regions: number;
}

/** Replaces the reference tables with the pinned millésime; needs the tables' owner (the migration role). */
export async function importTerritory(pool: pg.Pool, options: { batchByBatch?: boolean; signal?: AbortSignal } = {}): Promise<TerritoryCounts> {
  const rows = await readTerritoryRows();
  const load = async (query: Query) => {
    await query("DELETE FROM territory_info");
    await query("TRUNCATE territory_communes, territory_epci, territory_departements, territory_regions, territory_former_communes");
    await insertAll(query, "territory_regions", rows.regions);
    await insertAll(query, "territory_departements", rows.departements);
    await insertAll(query, "territory_epci", rows.epci);
    await insertAll(query, "territory_communes", rows.communes);
    await insertAll(query, "territory_former_communes", rows.formerCommunes);
    await query("INSERT INTO territory_info (one, millesime, source, imported_at) VALUES (true, $1, $2, now())", [MILLESIME, SOURCE]);
  };
  if (options.batchByBatch) {
    // Each statement takes a connection and gives it back: other work goes on in between. Stopped
    // between two (the process is stopping), the tables stay without territory_info: the next start loads them again.
    await load((sql, values) => {
      options.signal?.throwIfAborted();
      return pool.query(sql, values);
    });
  } else {
    await withClient(pool, async (client) => {
      await client.query("BEGIN");
      try {
        await load((sql, values) => client.query(sql, values));
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    });
  }
  return { communes: rows.communes.length, epci: rows.epci.length, departements: rows.departements.length, regions: rows.regions.length };
}

/** Whether a millésime is loaded, and which. */
export async function loadedMillesime(pool: pg.Pool): Promise<string | null> {
  const { rows } = await pool.query<{ millesime: string }>("SELECT millesime FROM territory_info");
  return rows[0]?.millesime ?? null;
}
