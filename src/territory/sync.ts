import type pg from "pg";
import type { CommandContext, CommandHandler } from "../app/commands.ts";
import { MILLESIME } from "./cog.ts";

// What a new millésime changes for collectivities already registered from
// the directory (a name, a population, an EPCI, a merger into a commune
// nouvelle) is a fact of their history: recorded
// as an event on each, so that history and benchmarks see the figures as
// they were before and after. Reference data itself stays out of the log.

/** Who records these changes: the import itself, not a person. */
export const TERRITORY_ACTOR: CommandContext = {
  principal: { tokenId: "territory-import", role: "ADMIN", collectivityId: null, subject: `territoire-${MILLESIME}` },
};

interface Drift {
  collectivity_id: string;
  name: string | null;
  population: number | null;
  departement_code: string | null;
  epci_code: string | null;
}

/**
 * Registered collectivities whose name, population, département or EPCI
 * the loaded millésime says otherwise, with the directory's values where
 * they differ.
 */
async function drifts(pool: pg.Pool): Promise<Drift[]> {
  const { rows } = await pool.query<Drift>(
    `SELECT d.collectivity_id,
            CASE WHEN t.name IS DISTINCT FROM d.name THEN t.name END AS name,
            CASE WHEN t.population IS DISTINCT FROM d.population THEN t.population END AS population,
            CASE WHEN t.departement_code IS DISTINCT FROM d.departement_code THEN t.departement_code END AS departement_code,
            CASE WHEN t.epci_code IS DISTINCT FROM d.epci_code THEN t.epci_code END AS epci_code
     FROM collectivity_directory d
     JOIN (SELECT insee_code AS code, name, population, departement_code, epci_siren AS epci_code FROM territory_communes
           UNION ALL SELECT siren, name, population, departement_code, NULL FROM territory_epci) t ON t.code = d.insee_code
     WHERE t.name IS DISTINCT FROM d.name OR (t.population IS NOT NULL AND t.population IS DISTINCT FROM d.population)
        OR (t.departement_code IS NOT NULL AND t.departement_code IS DISTINCT FROM d.departement_code)
        OR (t.epci_code IS NOT NULL AND t.epci_code IS DISTINCT FROM d.epci_code)
     ORDER BY d.collectivity_id`,
  );
  return rows;
}

interface MergerRow {
  collectivity_id: string;
  insee_code: string;
  name: string;
  official_code: string | null;
}

/** Registered communes the loaded millésime lists as merged into a commune nouvelle they are not recorded in yet. */
async function mergers(pool: pg.Pool): Promise<MergerRow[]> {
  const { rows } = await pool.query<MergerRow>(
    `SELECT d.collectivity_id, c.insee_code, c.name, c.siren AS official_code
     FROM collectivity_directory d
     JOIN territory_former_communes f ON f.insee_code = d.insee_code
     JOIN territory_communes c ON c.insee_code = f.successor_code
     WHERE d.merged_into IS NULL OR d.merged_into->>'inseeCode' IS DISTINCT FROM c.insee_code
     ORDER BY d.collectivity_id`,
  );
  return rows;
}

/**
 * Records each drift as a profile update, and each merger into a commune
 * nouvelle, with the millésime as reason; returns how many collectivities
 * changed.
 */
export async function recordTerritoryChanges(pool: pg.Pool, commands: CommandHandler): Promise<number> {
  let changed = 0;
  for (const merger of await mergers(pool)) {
    const outcome = await commands.recordMerger(
      { collectivityId: merger.collectivity_id, into: { inseeCode: merger.insee_code, name: merger.name, officialCode: merger.official_code } },
      { reason: `Millésime ${MILLESIME} du Code officiel géographique : fusion dans la commune nouvelle ${merger.name}` },
      TERRITORY_ACTOR,
    );
    if (outcome.events.length > 0) changed++;
  }
  for (const drift of await drifts(pool)) {
    const outcome = await commands.updateCollectivityProfile(
      {
        collectivityId: drift.collectivity_id,
        name: drift.name,
        population: drift.population,
        departementCode: drift.departement_code,
        epciCode: drift.epci_code,
      },
      { reason: `Millésime ${MILLESIME} du Code officiel géographique` },
      TERRITORY_ACTOR,
    );
    if (outcome.events.length > 0) changed++;
  }
  return changed;
}
