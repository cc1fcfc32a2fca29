import { createHash } from "node:crypto";
import type pg from "pg";
import { BENCHMARK_METRICS, type BenchmarkMetric } from "../domain/benchmark/metrics.ts";
import { cellKey, familyOf, groupKey, groupsOf, kindsOf, type PeerGroupKey, parseGroupKey } from "../domain/benchmark/peer-groups.ts";
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
import { COLLECTIVITY_KINDS, type CollectivityKind } from "../domain/types.ts";
import { canonicalJson } from "../shared/canonical-json.ts";
import { METRIC_SQL } from "./benchmark-groups.ts";

/** When benchmarks are released and how much privacy each release may spend. */
export interface ReleasePolicy {
  releaseSeconds: number;
  /** What one release may cost one collectivity, over all levels, in zCDP's ρ. */
  rhoPerRelease: number;
}

/**
 * The share of a release's ρ spent on the places' units (levels 4 and 5).
 * zCDP adds up over the units a collectivity sits in, whatever the noise of
 * each, so the budget may be split: the comparisons by kind and size keep
 * nearly the noise they had before places (σ 24.9 against 23.7 at the
 * default ρ), and places, readable mostly at the scale of a région, take a
 * tenth, with more noise (σ 52.9).
 */
export const PLACE_SHARE = 0.1;

/**
 * One release puts each collectivity in one unit per level: the noise of
 * levels 0 to 3 (`sigma2`) and of levels 4 and 5 (`placeSigma2`) from their
 * shares of ρ and their sensitivities; the (ε, δ) figures from the whole ρ.
 */
export function releasePlanOf(policy: ReleasePolicy) {
  const share = (part: number, levels: number) =>
    releasePlan({ ...policy, rhoPerRelease: policy.rhoPerRelease * part, sensitivitySquared: levels * SENSITIVITY_SQUARED }).sigma2;
  return {
    ...releasePlan({ ...policy, sensitivitySquared: RELEASE_LEVELS * SENSITIVITY_SQUARED }),
    sigma2: share(1 - PLACE_SHARE, KIND_LEVELS),
    placeSigma2: share(PLACE_SHARE, RELEASE_LEVELS - KIND_LEVELS),
  };
}

/**
 * Release units, at six levels: every contributor sits in at most one unit
 * of each, so one release spends each collectivity's privacy six times.
 * Level 0, cells (kind, stratum, quartile or none declared): the shared
 * figures of every group without a place are sums of these, exact. Levels 1
 * (kind and stratum), 2 (kind) and 3 (the network): their noisy figures
 * serve those groups directly, which a sum of many cells' noise would
 * drown; a family's groups sum their kinds'. Levels 4 (kind and
 * département) and 5 (kind and région), summed from territorial cells
 * (kind × région × département): all the figures of a place's groups.
 */
export const RELEASE_LEVELS = 6;
/** Levels 0 to 3: kinds, strata, quartiles and the network. */
const KIND_LEVELS = 4;

type Level = 0 | 1 | 2 | 3 | 4 | 5;

/** A cell, or a territorial cell (no stratum, a région and maybe a département). */
type Place = { kind: CollectivityKind; stratum: string | null; wealth_quartile: number | null; region_code: string | null; departement_code: string | null };

interface Unit {
  key: string;
  level: Level;
  kind: CollectivityKind | null;
  stratum: string | null;
  quartile: number | null;
  /** 'D69', 'R84' at levels 4 and 5. */
  territory: string | null;
}

const placementOf = (cell: Place) => ({
  kind: cell.kind,
  populationStratum: cell.stratum ?? "",
  wealthQuartile: cell.wealth_quartile,
  regionCode: cell.region_code,
  departementCode: cell.departement_code,
});

const unit = (level: Level, kind: CollectivityKind | null, stratum: string | null, territory: string | null): Unit => ({
  key: `${kind ?? "*"}|${stratum ?? "*"}|*${territory ? `|${territory}` : ""}`,
  level,
  kind,
  stratum,
  quartile: null,
  territory,
});

function unitsOf(cell: Place): Unit[] {
  if (cell.stratum === null) {
    return [...(cell.departement_code ? [unit(4, cell.kind, null, `D${cell.departement_code}`)] : []), unit(5, cell.kind, null, `R${cell.region_code}`)];
  }
  return [
    { key: cellKey(placementOf(cell)), level: 0, kind: cell.kind, stratum: cell.stratum, quartile: cell.wealth_quartile, territory: null },
    unit(1, cell.kind, cell.stratum, null),
    unit(2, cell.kind, null, null),
    unit(3, null, null, null),
  ];
}

/**
 * The units whose noisy figures a group reads, when it has its own: its
 * kinds' units at its stratum (kinds and stratum, kinds), the network's, or
 * its place's for each of its kinds. Null when it reads its cells' instead
 * (a quartile, or every kind at one stratum).
 */
export function ownUnits(group: PeerGroupKey): string[] | null {
  if (group.wealthQuartile !== null) return null;
  const kinds = kindsOf(group);
  const territory = group.territory ? `${group.territory.level === "REGION" ? "R" : "D"}${group.territory.code}` : null;
  if (territory) return (kinds ?? COLLECTIVITY_KINDS).map((kind) => unit(group.territory!.level === "REGION" ? 5 : 4, kind, null, territory).key);
  if (!kinds) return group.populationStratum === null ? [unit(3, null, null, null).key] : null;
  return kinds.map((kind) => unit(group.populationStratum === null ? 2 : 1, kind, group.populationStratum, null).key);
}

/** The groups whose released figures a unit's release changes. */
function groupsReleasedBy(unit: Unit): string[] {
  if (unit.level === 0) return groupsOf({ kind: unit.kind!, populationStratum: unit.stratum!, wealthQuartile: unit.quartile }).map(groupKey);
  if (unit.level === 3) return [unit.key];
  const family = familyOf(unit.kind!);
  const kindParts = [
    { kind: unit.kind, family: null },
    ...(family ? [{ kind: null, family }] : []),
    ...(unit.level >= 4 ? [{ kind: null, family: null }] : []),
  ];
  return kindParts.map((kinds) =>
    groupKey({ ...kinds, populationStratum: unit.stratum, wealthQuartile: null, territory: unit.territory ? parseGroupKey(unit.key).territory : null }),
  );
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

/**
 * The exact figures of a group's NETWORK and PUBLIC contributors, now: what
 * groups no release serves show (their members' matrices are readable
 * anyway, so this costs no privacy). The filter is groupFilter's.
 */
export async function sharedFigures(db: pg.Pool, filter: { sql: string; params: unknown[] }, now: Date): Promise<Figures> {
  const values = BENCHMARK_METRICS.map((m) => `${METRIC_SQL[m].replaceAll("$4", "$5")} AS "${m}"`).join(", ");
  const { rows } = await db.query<MemberRow>(
    `SELECT factor_keys, adopted_strategy_keys, ${values} FROM benchmark_members WHERE ${filter.sql} AND matrix_id IS NOT NULL AND shared`,
    [...filter.params, now.toISOString()],
  );
  return figuresOf(rows.map(contribution));
}

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
    `SELECT key, kind, stratum, wealth_quartile, region_code, departement_code, shared, hidden, generation,
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
    // Each member is read once per cell it sits in: its cell, and its territorial cell.
    const { rows: members } = await client.query<MemberRow & { cell: string }>(
      `SELECT kind || '|' || stratum || '|' || coalesce(wealth_quartile::text, '-') AS cell,
              shared, factor_keys, adopted_strategy_keys, ${values} FROM benchmark_members
       WHERE matrix_id IS NOT NULL AND kind || '|' || stratum || '|' || coalesce(wealth_quartile::text, '-') = ANY($2::text[])
       UNION ALL
       SELECT 'T|' || kind || '|' || region_code || '|' || coalesce(departement_code, '-') AS cell,
              shared, factor_keys, adopted_strategy_keys, ${values} FROM benchmark_members
       WHERE matrix_id IS NOT NULL AND region_code IS NOT NULL AND 'T|' || kind || '|' || region_code || '|' || coalesce(departement_code, '-') = ANY($2::text[])`,
      [now.toISOString(), batch.map((c) => c.key)],
    );
    const byCell = new Map<string, { shared: Contribution[]; hidden: Contribution[] }>(batch.map((c) => [c.key, { shared: [], hidden: [] }]));
    for (const row of members) {
      const cell = byCell.get(row.cell)!;
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
  return cells.map((c) => ({
    key: c.key,
    kind: c.kind,
    stratum: c.stratum,
    wealth_quartile: c.wealth_quartile,
    region_code: c.region_code,
    departement_code: c.departement_code,
    shared: c.shared!,
    hidden: c.hidden!,
  }));
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
  const plan = releasePlanOf(options.policy);
  const sigma2 = variance(plan.sigma2);
  const placeSigma2 = variance(plan.placeSigma2);
  const noiseAt = (level: Level) => options.noise ?? (() => discreteGaussian(level >= KIND_LEVELS ? placeSigma2 : sigma2));
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
    territory: string | null;
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
      territory: unit.territory,
      inputs_hash: inputsHash,
      released: releaseOf(shared, hidden, noiseAt(unit.level)),
    });
    for (const group of groupsReleasedBy(unit)) groups.add(group);
  }
  if (released.length > 0) {
    await client.query(
      `INSERT INTO benchmark_cells (key, level, kind, stratum, wealth_quartile, territory, inputs_hash, released, released_at)
       SELECT key, level, kind, stratum, wealth_quartile, territory, inputs_hash, released, $2 FROM jsonb_populate_recordset(NULL::benchmark_cells, $1::jsonb)
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
    const kinds = kindsOf(group);
    const own = ownUnits(group)?.flatMap((k) => byKey.get(k) ?? []) ?? null;
    // A place's groups read their units whole; the others their cells' exact shared figures.
    const mine = group.territory
      ? []
      : cells.filter(
          (c) =>
            (kinds === null || kinds.includes(c.kind as CollectivityKind)) &&
            (group.populationStratum === null || c.stratum === group.populationStratum) &&
            (group.wealthQuartile === null || c.wealth_quartile === group.wealthQuartile),
        );
    const noisy = own && own.length > 0 ? own : mine;
    const read = [...mine, ...noisy];
    const releasedAt = read.reduce<Date | null>((latest, u) => (latest && latest >= u.released_at ? latest : u.released_at), null);
    const release = (list: typeof units) => list.map((u) => u.released);
    return {
      key,
      released: groupRelease(release(group.territory ? noisy : mine), release(noisy)),
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
