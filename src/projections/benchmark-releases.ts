import { createHash } from "node:crypto";
import type pg from "pg";
import { BENCHMARK_METRICS, type BenchmarkMetric } from "../domain/benchmark/metrics.ts";
import { cellKey, groupKey, groupsOf, type PeerGroupKey, parseGroupKey } from "../domain/benchmark/peer-groups.ts";
import {
  type Contribution,
  type Figures,
  figuresOf,
  groupRelease,
  mapFigures,
  type Release,
  SENSITIVITY_SQUARED,
  sumFigures,
} from "../domain/benchmark/release.ts";
import { releasePlan, releaseWindow } from "../domain/privacy/budget.ts";
import { discreteGaussian, variance } from "../domain/privacy/discrete-gaussian.ts";
import type { CollectivityKind } from "../domain/types.ts";
import { canonicalJson } from "../shared/canonical-json.ts";
import { METRIC_SQL } from "./benchmark-groups.ts";

/** When benchmarks are released and how much privacy each release may spend. */
export interface ReleasePolicy {
  releaseSeconds: number;
  /** What one release may cost one collectivity, over all levels, in zCDP's ρ. */
  rhoPerRelease: number;
}

/** One release puts each collectivity in one unit per level: its sensitivity, summed over the levels. */
export const releasePlanOf = (policy: ReleasePolicy) => releasePlan({ ...policy, sensitivitySquared: RELEASE_LEVELS * SENSITIVITY_SQUARED });

/**
 * Release units, at four levels: every contributor sits in exactly one unit
 * of each, so one release spends each collectivity's privacy four times.
 * Level 0, cells (kind, stratum, quartile or none declared): the shared
 * figures of every group are sums of these, exact. Levels 1 (kind and
 * stratum), 2 (kind) and 3 (the network): their noisy figures serve those
 * groups directly, which a sum of many cells' noise would drown.
 */
export const RELEASE_LEVELS = 4;

type Level = 0 | 1 | 2 | 3;

type Place = { kind: CollectivityKind; stratum: string; wealth_quartile: number | null };

interface Unit {
  key: string;
  level: Level;
  kind: CollectivityKind | null;
  stratum: string | null;
  quartile: number | null;
}

const unitsOf = (cell: Place): Unit[] => [
  {
    key: cellKey({ kind: cell.kind, populationStratum: cell.stratum, wealthQuartile: cell.wealth_quartile }),
    level: 0,
    kind: cell.kind,
    stratum: cell.stratum,
    quartile: cell.wealth_quartile,
  },
  { key: `${cell.kind}|${cell.stratum}|*`, level: 1, kind: cell.kind, stratum: cell.stratum, quartile: null },
  { key: `${cell.kind}|*|*`, level: 2, kind: cell.kind, stratum: null, quartile: null },
  { key: "*|*|*", level: 3, kind: null, stratum: null, quartile: null },
];

/** Whether a group has a unit of its own (kind and stratum, kind, or the network): its key is then the unit's. */
export const hasOwnUnit = (group: PeerGroupKey): boolean => group.wealthQuartile === null && (group.populationStratum === null || group.kind !== null);

/** The groups whose released figures a unit's release changes. */
function groupsReleasedBy(unit: Unit): string[] {
  if (unit.level === 0) return groupsOf({ kind: unit.kind!, populationStratum: unit.stratum!, wealthQuartile: unit.quartile }).map(groupKey);
  return [groupKey({ kind: unit.kind, populationStratum: unit.stratum, wealthQuartile: null })];
}

interface MemberRow extends Place, Record<BenchmarkMetric, number | null> {
  shared: boolean;
  factor_keys: string[];
  adopted_strategy_keys: string[];
}

const contribution = (row: MemberRow): Contribution => ({
  factorKeys: row.factor_keys,
  adoptedStrategyKeys: row.adopted_strategy_keys,
  metrics: Object.fromEntries(BENCHMARK_METRICS.map((m) => [m, row[m] === null ? null : Number(row[m])])) as Contribution["metrics"],
});

/** A unit's release: NETWORK and PUBLIC contributions exactly, AGGREGATES_ONLY ones with discrete Gaussian noise on every count. */
export const releaseOf = (shared: Figures, hidden: Figures, noise: () => number): Release => ({ shared, hidden: mapFigures(hidden, (n) => n + noise()) });

const CELLS_PER_BATCH = 16;

/** A cell's exact inputs: what its NETWORK and PUBLIC contributors add, and what its AGGREGATES_ONLY ones add. */
interface CellInputs extends Place {
  key: string;
  shared: Figures;
  hidden: Figures;
}

/**
 * Every cell's exact inputs, computed again only for the cells marked stale
 * (one of their members changed: see the benchmarks projection) and, once a
 * day, for all, since DECISIONS_LAST_90_DAYS moves with the calendar. A
 * cell marked again while it was computed (its generation moved) stays stale.
 */
export async function cellInputs(client: pg.PoolClient, now: Date): Promise<CellInputs[]> {
  const { rows: cells } = await client.query<Place & { key: string; shared: Figures | null; hidden: Figures | null; generation: string; due: boolean }>(
    `SELECT key, kind, stratum, wealth_quartile, shared, hidden, generation,
            stale OR computed_at IS NULL OR computed_at < date_trunc('day', $1::timestamptz) AS due
     FROM benchmark_cell_inputs ORDER BY key`,
    [now.toISOString()],
  );
  const due = cells.filter((c) => c.due);
  // METRIC_SQL reads the moment of computing as $4; here it is the first parameter.
  const values = BENCHMARK_METRICS.map((m) => `${METRIC_SQL[m].replaceAll("$4", "$1")} AS "${m}"`).join(", ");
  // A few cells at a time, so that a pass over the whole network (once a day,
  // or after a rebuild) never holds the event loop for long: the projections'
  // catch-ups in the same process go on between the batches.
  for (let i = 0; i < due.length; i += CELLS_PER_BATCH) {
    const batch = due.slice(i, i + CELLS_PER_BATCH);
    const { rows: members } = await client.query<MemberRow>(
      `SELECT kind, stratum, wealth_quartile, shared, factor_keys, adopted_strategy_keys, ${values} FROM benchmark_members
       WHERE matrix_id IS NOT NULL AND kind || '|' || stratum || '|' || coalesce(wealth_quartile::text, '-') = ANY($2::text[])`,
      [now.toISOString(), batch.map((c) => c.key)],
    );
    const byCell = new Map<string, { shared: Contribution[]; hidden: Contribution[] }>(batch.map((c) => [c.key, { shared: [], hidden: [] }]));
    for (const row of members) {
      const cell = byCell.get(cellKey({ kind: row.kind, populationStratum: row.stratum, wealthQuartile: row.wealth_quartile }))!;
      (row.shared ? cell.shared : cell.hidden).push(contribution(row));
    }
    const written = batch.map((c) => {
      c.shared = figuresOf(byCell.get(c.key)!.shared);
      c.hidden = figuresOf(byCell.get(c.key)!.hidden);
      return { key: c.key, shared: c.shared, hidden: c.hidden, generation: c.generation };
    });
    await updateInKeyOrder(
      client,
      "benchmark_cell_inputs",
      written.map((w) => w.key),
      `UPDATE benchmark_cell_inputs c SET shared = x.shared, hidden = x.hidden, computed_at = $2, stale = c.stale AND c.generation <> x.generation
       FROM jsonb_populate_recordset(NULL::benchmark_cell_inputs, $1::jsonb) x WHERE c.key = x.key`,
      [JSON.stringify(written), now.toISOString()],
    );
  }
  return cells.map((c) => ({ key: c.key, kind: c.kind, stratum: c.stratum, wealth_quartile: c.wealth_quartile, shared: c.shared!, hidden: c.hidden! }));
}

/**
 * Runs a statement that updates many rows of a table after locking them in
 * key order, in one transaction: projections lock the same rows in that
 * order, so neither waits on the other in a cycle.
 */
async function updateInKeyOrder(client: pg.PoolClient, table: string, keys: string[], sql: string, params: unknown[]): Promise<void> {
  await client.query("BEGIN");
  try {
    await client.query(`SELECT 1 FROM ${table} WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE`, [keys]);
    await client.query(sql, params);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}

/**
 * Releases the units whose inputs changed: a unit never released at once,
 * the others once per release window (at most one release per window). A
 * unit whose inputs did not change keeps its release and spends nothing; a
 * unit left without contributors releases its (noisy) emptiness, since
 * silence would tell that it emptied. Units are summed from their cells'
 * inputs. With `onlyNew`, only units never released (a first publication in
 * a new place). Runs under the benchmark groups' lock (see refreshGroups),
 * so no two processes release one unit twice. Returns the groups whose
 * released figures changed.
 */
export async function releaseCells(
  client: pg.PoolClient,
  options: { policy: ReleasePolicy; now: Date; onlyNew: boolean; noise?: () => number },
): Promise<string[]> {
  const sigma2 = variance(releasePlanOf(options.policy).sigma2);
  const noise = options.noise ?? (() => discreteGaussian(sigma2));
  const { opened } = releaseWindow(options.now, options.policy.releaseSeconds);
  const cells = await cellInputs(client, options.now);
  const units = new Map<string, Unit & { shared: Figures[]; hidden: Figures[] }>();
  for (const cell of cells) {
    for (const place of unitsOf(cell)) {
      const unit = units.get(place.key) ?? { ...place, shared: [], hidden: [] };
      units.set(place.key, unit);
      unit.shared.push(cell.shared);
      unit.hidden.push(cell.hidden);
    }
  }
  const { rows: known } = await client.query<{ key: string; inputs_hash: string; released_at: Date }>(
    "SELECT key, inputs_hash, released_at FROM benchmark_cells",
  );
  const previous = new Map(known.map((c) => [c.key, c]));
  const released: {
    key: string;
    level: number;
    kind: string | null;
    stratum: string | null;
    wealth_quartile: number | null;
    inputs_hash: string;
    released: Release;
  }[] = [];
  const groups = new Set<string>();
  for (const [key, unit] of units) {
    const before = previous.get(key);
    if (options.onlyNew && before) continue;
    const shared = sumFigures(unit.shared);
    const hidden = sumFigures(unit.hidden);
    // A place where nobody ever contributed has nothing to release.
    if (!before && shared.contributors + hidden.contributors === 0) continue;
    const inputsHash = createHash("sha256").update(canonicalJson({ shared, hidden })).digest("hex");
    if (before && (before.inputs_hash === inputsHash || before.released_at >= opened)) continue;
    released.push({
      key,
      level: unit.level,
      kind: unit.kind,
      stratum: unit.stratum,
      wealth_quartile: unit.quartile,
      inputs_hash: inputsHash,
      released: releaseOf(shared, hidden, noise),
    });
    for (const group of groupsReleasedBy(unit)) groups.add(group);
  }
  if (released.length > 0) {
    await client.query(
      `INSERT INTO benchmark_cells (key, level, kind, stratum, wealth_quartile, inputs_hash, released, released_at)
       SELECT key, level, kind, stratum, wealth_quartile, inputs_hash, released, $2 FROM jsonb_populate_recordset(NULL::benchmark_cells, $1::jsonb)
       ON CONFLICT (key) DO UPDATE SET inputs_hash = EXCLUDED.inputs_hash, released = EXCLUDED.released, released_at = EXCLUDED.released_at`,
      [JSON.stringify(released), options.now.toISOString()],
    );
    await storeGroupReleases(client, [...groups]);
  }
  return [...groups].sort();
}

/** Sums each group's release from its units and stores it with the group. */
async function storeGroupReleases(client: pg.PoolClient, keys: string[]): Promise<void> {
  const { rows: units } = await client.query<{
    key: string;
    level: Level;
    kind: string | null;
    stratum: string | null;
    wealth_quartile: number | null;
    released: Release;
    released_at: Date;
  }>("SELECT key, level, kind, stratum, wealth_quartile, released, released_at FROM benchmark_cells");
  const byKey = new Map(units.map((u) => [u.key, u]));
  const cells = units.filter((u) => u.level === 0);
  const rows = keys.map((key) => {
    const group = parseGroupKey(key);
    const mine = cells.filter(
      (c) =>
        (group.kind === null || c.kind === group.kind) &&
        (group.populationStratum === null || c.stratum === group.populationStratum) &&
        (group.wealthQuartile === null || c.wealth_quartile === group.wealthQuartile),
    );
    const own = hasOwnUnit(group) ? (byKey.get(key) ?? null) : null;
    const read = [...mine, ...(own ? [own] : [])];
    const releasedAt = read.reduce<Date | null>((latest, u) => (latest && latest >= u.released_at ? latest : u.released_at), null);
    return {
      key,
      released: groupRelease(
        mine.map((c) => c.released),
        own?.released ?? null,
      ),
      released_at: releasedAt,
    };
  });
  await updateInKeyOrder(
    client,
    "benchmark_groups",
    keys,
    `UPDATE benchmark_groups g SET released = x.released, released_at = x.released_at
     FROM jsonb_populate_recordset(NULL::benchmark_groups, $1::jsonb) x WHERE g.key = x.key`,
    [JSON.stringify(rows)],
  );
}
