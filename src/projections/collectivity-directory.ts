import { type Collectivity, evolveCollectivity, type Merger, readCollectivityEvent } from "../domain/collectivity.ts";
import type { ReadEvent } from "../domain/events.ts";
import { type MatrixEvent, readMatrixEvent } from "../domain/matrix.ts";
import type { StrategyStatus } from "../domain/types.ts";
import { type Applied, aggregateId, isCollectivityEvent, isMatrixEvent, type Projector } from "./projector.ts";

interface Tally {
  matrix_id: string;
  collectivity_id: string;
  /** Published and readable by the network: only such matrices count. */
  shared: boolean;
  factor_count: number;
  strategies_by_status: Partial<Record<StrategyStatus, number>>;
}

interface DirectoryRow {
  collectivity_id: string;
  name: string;
  kind: string;
  population: number;
  official_code: string | null;
  financial_potential_per_capita: number | null;
  region_code: string | null;
  insee_code: string | null;
  departement_code: string | null;
  epci_code: string | null;
  merged_into: Merger | null;
  version: number;
  registered_at: string;
  updated_at: string;
}

const toState = (row: DirectoryRow): Collectivity => ({
  id: row.collectivity_id,
  name: row.name,
  kind: row.kind as Collectivity["kind"],
  population: row.population,
  officialCode: row.official_code,
  financialPotentialPerCapita: row.financial_potential_per_capita,
  regionCode: row.region_code,
  inseeCode: row.insee_code,
  departementCode: row.departement_code,
  epciCode: row.epci_code,
  mergedInto: row.merged_into,
  version: row.version,
  registeredAt: new Date(row.registered_at).toISOString(),
  updatedAt: new Date(row.updated_at).toISOString(),
});

const toRow = (c: Collectivity): DirectoryRow => ({
  collectivity_id: c.id,
  name: c.name,
  kind: c.kind,
  population: c.population,
  official_code: c.officialCode,
  financial_potential_per_capita: c.financialPotentialPerCapita,
  region_code: c.regionCode,
  insee_code: c.inseeCode,
  departement_code: c.departementCode,
  epci_code: c.epciCode,
  merged_into: c.mergedInto,
  version: c.version,
  registered_at: c.registeredAt,
  updated_at: c.updatedAt,
});

const bump = (tally: Tally, status: StrategyStatus, by: number) => {
  tally.strategies_by_status[status] = (tally.strategies_by_status[status] ?? 0) + by;
};

/** How one matrix event changes its matrix's tally; false when it does not. */
function tallyMatrixEvent(tally: Tally, e: ReadEvent<MatrixEvent>): boolean {
  switch (e.type) {
    case "MatrixPublished":
      tally.shared = e.data.visibility !== "AGGREGATES_ONLY";
      return true;
    case "MatrixVisibilityChanged":
      tally.shared = e.data.to !== "AGGREGATES_ONLY";
      return true;
    case "FactorAdded":
      tally.factor_count += 1;
      return true;
    case "FactorRemoved":
      tally.factor_count -= 1;
      return true;
    case "StrategyProposed":
      bump(tally, "PROPOSED", 1);
      return true;
    case "StrategyStatusChanged":
      bump(tally, e.data.from, -1);
      bump(tally, e.data.to, 1);
      return true;
    default:
      return false;
  }
}

/**
 * The collectivity directory: each collectivity's profile, and counts over
 * its matrices the network may read (NETWORK or PUBLIC): a draft's or an
 * AGGREGATES_ONLY matrix's contents stay with its editors. Each
 * matrix keeps a tally, so an event updates counts without reading the matrix.
 */
export const collectivityDirectory: Projector = {
  name: "collectivity-directory",
  // 2: counts only matrices the network may read; 3: collectivities carry their INSEE code, département and EPCI;
  // 4: and the commune nouvelle they merged into.
  version: 4,

  async apply(db, events) {
    const ids = [...new Set(events.filter(isCollectivityEvent).map(aggregateId))];
    const matrixIds = [...new Set(events.filter(isMatrixEvent).map(aggregateId))];
    const profiles = await db.query<DirectoryRow>("SELECT * FROM collectivity_directory WHERE collectivity_id = ANY($1::text[])", [ids]);
    const tallyRows = await db.query<Tally>("SELECT * FROM directory_matrix_tallies WHERE matrix_id = ANY($1::text[])", [matrixIds]);
    const states = new Map<string, Collectivity | null>(profiles.rows.map((r) => [r.collectivity_id, toState(r)]));
    const tallies = new Map(tallyRows.rows.map((t) => [t.matrix_id, t]));
    const changedProfiles = new Set<string>();
    const changedTallies = new Set<string>();
    const recount = new Set<string>();
    const applied: Applied[] = [];

    for (const recorded of events) {
      const id = aggregateId(recorded);
      if (isCollectivityEvent(recorded)) {
        const event = readCollectivityEvent(recorded);
        const before = states.get(id) ?? null;
        if (before && event.version <= before.version) continue;
        const after = evolveCollectivity(before, event);
        states.set(id, after);
        if (after) {
          changedProfiles.add(id);
          applied.push({ event, collectivityId: id });
        }
      } else if (isMatrixEvent(recorded)) {
        const event = readMatrixEvent(recorded);
        if (event.type === "MatrixOpened") {
          const { collectivityId } = event.data;
          tallies.set(id, { matrix_id: id, collectivity_id: collectivityId, shared: false, factor_count: 0, strategies_by_status: {} });
          changedTallies.add(id);
          continue;
        }
        const tally = tallies.get(id);
        if (tally && tallyMatrixEvent(tally, event)) {
          changedTallies.add(id);
          // A private tally changes no count, unless it just stopped being shared.
          if (tally.shared || event.type === "MatrixVisibilityChanged") recount.add(tally.collectivity_id);
        }
      }
    }

    if (changedProfiles.size > 0) {
      const rows = [...changedProfiles].map((id) => toRow(states.get(id)!));
      await db.query(
        `INSERT INTO collectivity_directory (collectivity_id, name, kind, population, official_code,
           financial_potential_per_capita, region_code, insee_code, departement_code, epci_code, merged_into, version, registered_at, updated_at)
         SELECT collectivity_id, name, kind, population, official_code, financial_potential_per_capita,
           region_code, insee_code, departement_code, epci_code, merged_into, version, registered_at, updated_at
         FROM jsonb_populate_recordset(NULL::collectivity_directory, $1::jsonb)
         ON CONFLICT (collectivity_id) DO UPDATE SET
           name = EXCLUDED.name, population = EXCLUDED.population,
           financial_potential_per_capita = EXCLUDED.financial_potential_per_capita,
           region_code = EXCLUDED.region_code, departement_code = EXCLUDED.departement_code, epci_code = EXCLUDED.epci_code,
           merged_into = EXCLUDED.merged_into, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at`,
        [JSON.stringify(rows)],
      );
    }
    if (changedTallies.size > 0) {
      const rows = [...changedTallies].map((id) => tallies.get(id)!);
      await db.query(
        `INSERT INTO directory_matrix_tallies
         SELECT * FROM jsonb_populate_recordset(NULL::directory_matrix_tallies, $1::jsonb)
         ON CONFLICT (matrix_id) DO UPDATE SET shared = EXCLUDED.shared,
           factor_count = EXCLUDED.factor_count, strategies_by_status = EXCLUDED.strategies_by_status`,
        [JSON.stringify(rows)],
      );
      await db.query(
        `UPDATE collectivity_directory d SET
           matrix_count = t.matrix_count, factor_count = t.factor_count, strategies_by_status = t.strategies_by_status
         FROM (
           SELECT c.collectivity_id,
                  count(m.matrix_id)::int AS matrix_count,
                  coalesce(sum(m.factor_count), 0)::int AS factor_count,
                  coalesce((SELECT jsonb_object_agg(key, total) FROM (
                     SELECT s.key, sum(s.value::int) AS total
                     FROM directory_matrix_tallies p, jsonb_each_text(p.strategies_by_status) s
                     WHERE p.collectivity_id = c.collectivity_id AND p.shared
                     GROUP BY s.key) sums), '{}'::jsonb) AS strategies_by_status
           FROM unnest($1::text[]) AS c(collectivity_id)
           LEFT JOIN directory_matrix_tallies m ON m.collectivity_id = c.collectivity_id AND m.shared
           GROUP BY c.collectivity_id
         ) t
         WHERE d.collectivity_id = t.collectivity_id`,
        [[...recount]],
      );
    }
    return applied;
  },

  tables: ["collectivity_directory", "directory_matrix_tallies"],
};
