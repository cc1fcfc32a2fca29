import type pg from "pg";
import { comparableScores, type MemberFacts, memberFacts, type ScoredFactor } from "../domain/benchmark/member-facts.ts";
import { cellKey, groupKey, groupsOf, type Placement, stratumOf, territorialCellKey, territorialGroupsOf } from "../domain/benchmark/peer-groups.ts";
import type { Collectivity, CollectivityEvent } from "../domain/collectivity.ts";
import type { ReadEvent } from "../domain/events.ts";
import { type Matrix, type MatrixEvent, readMatrixEvent } from "../domain/matrix.ts";
import { type ReferenceWeightEvent, readReferenceWeightEvent } from "../domain/reference-weights.ts";
import { matrixStream } from "../domain/streams.ts";
import type { CollectivityKind } from "../domain/types.ts";
import { EventStore } from "../eventstore/store.ts";
import { canonicalJson } from "../shared/canonical-json.ts";
import type { MatrixCache } from "./matrix-cache.ts";
import { aggregateId, collectivityEventsOf, foldMatrixEvents, isNetworkEvent, matrixEventsOf, type Projector } from "./projector.ts";

/** What a batch leaves to do once it has applied its events. */
interface Work {
  /** Collectivities whose contribution must be computed again (a matrix of theirs changed, or a reference weight). */
  members: Set<string>;
  /** Kinds whose wealth quartiles must be computed again. */
  quartiles: Set<CollectivityKind>;
  /** Groups whose aggregates are out of date. */
  dirty: Set<string>;
  /** Release cells whose inputs are out of date. */
  cells: Set<string>;
  /** Placements whose groups and cells are marked already: a large batch meets the same few placements thousands of times. */
  placed: Set<string>;
  /** The matrices this batch wrote, as written: their members' contributions need not read them back. */
  written: Map<string, Matrix>;
}

const newWork = (): Work => ({ members: new Set(), quartiles: new Set(), dirty: new Set(), cells: new Set(), placed: new Set(), written: new Map() });

interface ProfileRow {
  collectivity_id: string;
  kind: CollectivityKind;
  population: number;
  stratum: string;
  financial_potential: number | null;
  wealth_quartile: number | null;
  region_code: string | null;
  departement_code: string | null;
  epci_code: string | null;
}

interface PlaceRow {
  kind: CollectivityKind;
  stratum: string;
  wealth_quartile: number | null;
  region_code: string | null;
  departement_code: string | null;
}

const placementOf = (row: PlaceRow): Placement => ({
  kind: row.kind,
  populationStratum: row.stratum,
  wealthQuartile: row.wealth_quartile,
  regionCode: row.region_code,
  departementCode: row.departement_code,
});

const markGroups = (work: Work, placement: Placement) => {
  const placed = `${cellKey(placement)}|${placement.regionCode ?? "-"}|${placement.departementCode ?? "-"}`;
  if (work.placed.has(placed)) return;
  work.placed.add(placed);
  for (const group of [...groupsOf(placement), ...territorialGroupsOf(placement)]) work.dirty.add(groupKey(group));
  work.cells.add(cellKey(placement));
  const territorial = territorialCellKey(placement);
  if (territorial) work.cells.add(territorial);
};

const PLACE_COLUMNS = ["population", "financial_potential", "region_code", "departement_code", "epci_code"] as const;

/** Registrations and profile changes: where each collectivity sits, and what that moves. */
async function applyProfiles(db: pg.PoolClient, events: ReadEvent<CollectivityEvent>[], work: Work): Promise<void> {
  if (events.length === 0) return;
  const ids = [...new Set(events.map(aggregateId))];
  const { rows } = await db.query<ProfileRow>(
    `SELECT collectivity_id, kind, population, stratum, financial_potential, wealth_quartile, region_code, departement_code, epci_code
     FROM benchmark_members WHERE collectivity_id = ANY($1::text[])`,
    [ids],
  );
  const before = new Map(rows.map((r) => [r.collectivity_id, r]));
  const profiles = new Map<string, Profile | null>();
  for (const event of events) {
    const id = aggregateId(event);
    const known = profiles.get(id) ?? null;
    profiles.set(id, evolveProfile(known ?? (before.has(id) ? fromRow(before.get(id)!) : null), event));
  }
  const written: ProfileRow[] = [];
  const merged: string[] = [];
  for (const [id, profile] of profiles) {
    if (!profile) continue;
    const old = before.get(id);
    // Merged into a commune nouvelle, it is a peer no more: it leaves its groups.
    if (profile.merged) {
      if (old) {
        markGroups(work, placementOf(old));
        work.quartiles.add(old.kind);
        merged.push(id);
      }
      continue;
    }
    const row: ProfileRow = {
      collectivity_id: id,
      kind: profile.kind,
      population: profile.population,
      stratum: stratumOf(profile.kind, profile.population).code,
      financial_potential: profile.financialPotentialPerCapita,
      wealth_quartile: old?.wealth_quartile ?? null,
      region_code: profile.regionCode,
      departement_code: profile.departementCode,
      epci_code: profile.epciCode,
    };
    if (old && PLACE_COLUMNS.every((column) => old[column] === row[column])) continue;
    if (old) markGroups(work, placementOf(old));
    markGroups(work, placementOf(row));
    if (old?.financial_potential !== row.financial_potential) work.quartiles.add(row.kind);
    written.push(row);
  }
  if (merged.length > 0) await db.query("DELETE FROM benchmark_members WHERE collectivity_id = ANY($1::text[])", [merged]);
  if (written.length === 0) return;
  await db.query(
    `INSERT INTO benchmark_members (collectivity_id, kind, population, stratum, financial_potential, region_code, departement_code, epci_code)
     SELECT collectivity_id, kind, population, stratum, financial_potential, region_code, departement_code, epci_code
     FROM jsonb_populate_recordset(NULL::benchmark_members, $1::jsonb)
     ON CONFLICT (collectivity_id) DO UPDATE SET
       population = EXCLUDED.population, stratum = EXCLUDED.stratum, financial_potential = EXCLUDED.financial_potential,
       region_code = EXCLUDED.region_code, departement_code = EXCLUDED.departement_code, epci_code = EXCLUDED.epci_code`,
    [JSON.stringify(written)],
  );
}

/** What the benchmarks keep of a collectivity: where it sits among its peers, and whether it merged into another. */
type Profile = Pick<Collectivity, "kind" | "population" | "financialPotentialPerCapita" | "regionCode" | "departementCode" | "epciCode"> & {
  merged?: true;
};

const fromRow = (row: ProfileRow): Profile => ({
  kind: row.kind,
  population: row.population,
  financialPotentialPerCapita: row.financial_potential,
  regionCode: row.region_code,
  departementCode: row.departement_code,
  epciCode: row.epci_code,
});

function evolveProfile(state: Profile | null, event: ReadEvent<CollectivityEvent>): Profile | null {
  switch (event.type) {
    case "CollectivityRegistered": {
      const { kind, population, financialPotentialPerCapita, regionCode, departementCode, epciCode } = event.data;
      return { kind, population, financialPotentialPerCapita, regionCode, departementCode, epciCode };
    }
    case "CollectivityProfileUpdated": {
      const changes = Object.entries(event.data).filter(([key, value]) => value !== undefined && key !== "name");
      return state && { ...state, ...Object.fromEntries(changes) };
    }
    case "CollectivityMerged":
      return state && { ...state, merged: true };
  }
}

/**
 * Matrix events: this projection's own copy of each matrix ever published,
 * folded with the domain's evolve. Drafts count in no benchmark and have no
 * row (most edits happen on drafts, and rewriting a copy for each cost the
 * API a fifth of its write throughput); their states are folded in memory
 * only (`drafts`), so that a first publication finds the matrix whole. One
 * that is not there (this process did not see the matrix open, or another
 * worker ran batches since) is folded from its own stream up to the batch,
 * which a rebuild reads alike (in a catch-up from zero, reading those
 * streams took about a sixth of this projection's CPU, its own and the
 * database's).
 */
async function applyMatrices(db: pg.PoolClient, events: ReadEvent<MatrixEvent>[], drafts: MatrixCache, work: Work): Promise<void> {
  if (events.length === 0) return;
  const ids = [...new Set(events.map(aggregateId))];
  const { rows } = await db.query<{ matrix_id: string; state: Matrix }>("SELECT matrix_id, state FROM benchmark_matrices WHERE matrix_id = ANY($1::text[])", [
    ids,
  ]);
  const states = new Map<string, Matrix | null>(rows.map((r) => [r.matrix_id, r.state]));
  // Each matrix's first version in the batch, in one pass: a search per first publication made a batch of 20,000 events quadratic.
  const firstInBatch = new Map<string, number>();
  for (const event of events) if (!firstInBatch.has(aggregateId(event))) firstInBatch.set(aggregateId(event), event.version);
  // Each draft as it stood before the batch: from memory, from nothing when the batch opens it, or unknown.
  const before = new Map<string, Matrix | null | undefined>();
  for (const [id, first] of firstInBatch) if (!states.has(id)) before.set(id, first === 1 ? null : drafts.at(id, first - 1));
  const firstPublished = new Set(events.filter((e) => e.type === "MatrixPublished" && !states.has(aggregateId(e))).map(aggregateId));
  // The histories before the batch of those first published and not in memory, in one read (one read each was a seventh of a catch-up from zero).
  const ranges: { streamId: string; toVersion: number }[] = [];
  for (const id of firstPublished) {
    const draft = before.get(id);
    states.set(id, draft ?? null);
    if (draft === undefined) ranges.push({ streamId: matrixStream(id), toVersion: firstInBatch.get(id)! - 1 });
  }
  foldMatrixEvents(states, (await new EventStore(db).readStreams(ranges)).map(readMatrixEvent));
  keepDrafts(drafts, before, firstPublished, events);
  const changed = foldMatrixEvents(
    states,
    events.filter((e) => states.has(aggregateId(e))),
  );
  if (changed.size === 0) return;
  const written = [...changed].map((id) => states.get(id)!);
  for (const matrix of written) {
    work.written.set(matrix.id, matrix);
    if (matrix.publishedAt !== null) work.members.add(matrix.collectivityId);
  }
  // The states as one json text beside their columns (see matrix-views.ts).
  await db.query(
    `INSERT INTO benchmark_matrices (matrix_id, collectivity_id, status, published_at, version, state)
     SELECT c.matrix_id, c.collectivity_id, c.status, c.published_at, c.version, s.state
     FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::int[])
            WITH ORDINALITY AS c(matrix_id, collectivity_id, status, published_at, version, n)
     JOIN json_array_elements($6::json) WITH ORDINALITY AS s(state, n) USING (n)
     ON CONFLICT (matrix_id) DO UPDATE SET
       status = EXCLUDED.status, published_at = EXCLUDED.published_at, version = EXCLUDED.version, state = EXCLUDED.state`,
    [
      written.map((m) => m.id),
      written.map((m) => m.collectivityId),
      written.map((m) => m.status),
      written.map((m) => m.publishedAt),
      written.map((m) => m.version),
      JSON.stringify(written),
    ],
  );
}

/** Remembers the drafts as the batch leaves them, each where it was known before the batch; forgets the others (unknown, or published now). */
function keepDrafts(drafts: MatrixCache, before: Map<string, Matrix | null | undefined>, published: Set<string>, events: ReadEvent<MatrixEvent>[]): void {
  const known = new Map<string, Matrix | null>();
  for (const [id, draft] of before) {
    if (draft === undefined || published.has(id)) drafts.forget(id);
    else known.set(id, draft);
  }
  const folded = foldMatrixEvents(
    known,
    events.filter((e) => known.has(aggregateId(e))),
  );
  drafts.remember([...folded].map((id) => known.get(id)!));
}

/** Reference weights: the members of that kind holding that factor score differently now. */
async function applyReferenceWeights(db: pg.PoolClient, events: ReadEvent<ReferenceWeightEvent>[], work: Work): Promise<void> {
  for (const event of events) {
    const { kind, catalogueKey, weight } = event.data;
    if (weight === null) {
      await db.query("DELETE FROM benchmark_reference_weights WHERE kind = $1 AND catalogue_key = $2", [kind, catalogueKey]);
    } else {
      await db.query(
        `INSERT INTO benchmark_reference_weights (kind, catalogue_key, weight) VALUES ($1, $2, $3)
         ON CONFLICT (kind, catalogue_key) DO UPDATE SET weight = EXCLUDED.weight`,
        [kind, catalogueKey, weight],
      );
    }
    const { rows } = await db.query<{ collectivity_id: string }>(
      "SELECT collectivity_id FROM benchmark_members WHERE kind = $1 AND factor_keys @> ARRAY[$2]::text[]",
      [kind, catalogueKey],
    );
    for (const row of rows) work.members.add(row.collectivity_id);
  }
}

/**
 * Wealth quartiles within a kind, over the collectivities that declared a
 * potentiel financier (ties broken by id, so a rebuild draws the same lines).
 * One arrival can move others across a line: each one that moves dirties
 * the groups it leaves and those it joins.
 */
async function applyQuartiles(db: pg.PoolClient, work: Work): Promise<void> {
  for (const kind of work.quartiles) {
    const { rows } = await db.query<{
      collectivity_id: string;
      stratum: string;
      region_code: string | null;
      departement_code: string | null;
      before: number | null;
      after: number | null;
    }>(
      `WITH ranked AS (
         SELECT collectivity_id, CASE WHEN financial_potential IS NULL THEN NULL
                ELSE ntile(4) OVER (PARTITION BY financial_potential IS NULL ORDER BY financial_potential, collectivity_id) END AS quartile
         FROM benchmark_members WHERE kind = $1
       ),
       moved AS (
         SELECT m.collectivity_id, m.stratum, m.region_code, m.departement_code, m.wealth_quartile AS before, r.quartile AS after
         FROM benchmark_members m JOIN ranked r USING (collectivity_id)
         WHERE m.wealth_quartile IS DISTINCT FROM r.quartile
       ),
       updated AS (
         UPDATE benchmark_members m SET wealth_quartile = moved.after FROM moved WHERE m.collectivity_id = moved.collectivity_id
       )
       SELECT * FROM moved`,
      [kind],
    );
    for (const row of rows) {
      markGroups(work, placementOf({ ...row, kind, wealth_quartile: row.before }));
      markGroups(work, placementOf({ ...row, kind, wealth_quartile: row.after }));
    }
  }
}

interface FactsRow {
  collectivity_id: string;
  matrix_id: string | null;
  shared: boolean;
  factor_keys: string[];
  adopted_strategy_keys: string[];
  strategy_statuses: Record<string, string>;
  tool_statuses: Record<string, string>;
  scoring: ScoredFactor[];
  decision_dates: string[];
  factor_count: number | null;
  strategy_count: number | null;
  adoption_rate: number | null;
  completion_rate: number | null;
  internal_score: number | null;
  external_score: number | null;
}

const NO_CONTRIBUTION: Omit<FactsRow, "collectivity_id"> = {
  matrix_id: null,
  shared: false,
  factor_keys: [],
  adopted_strategy_keys: [],
  strategy_statuses: {},
  tool_statuses: {},
  scoring: [],
  decision_dates: [],
  factor_count: null,
  strategy_count: null,
  adoption_rate: null,
  completion_rate: null,
  internal_score: null,
  external_score: null,
};

export function factsRow(collectivityId: string, facts: MemberFacts | null, weights: ReadonlyMap<string, number>): FactsRow {
  if (!facts) return { collectivity_id: collectivityId, ...NO_CONTRIBUTION };
  const scores = comparableScores(facts.scoring, weights);
  return {
    collectivity_id: collectivityId,
    matrix_id: facts.matrixId,
    shared: facts.shared,
    factor_keys: facts.factorKeys,
    adopted_strategy_keys: facts.adoptedStrategyKeys,
    strategy_statuses: facts.strategyStatuses,
    tool_statuses: facts.toolStatuses,
    scoring: facts.scoring,
    decision_dates: facts.decisionDates,
    factor_count: facts.factorCount,
    strategy_count: facts.strategyCount,
    adoption_rate: facts.adoptionRate,
    completion_rate: facts.completionRate,
    internal_score: scores.internal,
    external_score: scores.external,
  };
}

// Times come back from the database as Dates, and as strings from memberFacts().
const canonical = (row: FactsRow) => canonicalJson({ ...row, decision_dates: row.decision_dates.map((d) => new Date(d).toISOString()) });

/**
 * Each touched collectivity's contribution, from its latest published matrix
 * (PUBLISHED now, most recently first published); its groups are dirty only
 * when the contribution changed, so a rename or a draft touches no group.
 */
async function applyMembers(db: pg.PoolClient, work: Work): Promise<void> {
  if (work.members.size === 0) return;
  // The latest published matrix's state comes from the database only where this batch did not just write it.
  const { rows } = await db.query<FactsRow & PlaceRow & { latest_id: string | null; state: Matrix | null }>(
    `SELECT m.*, latest.matrix_id AS latest_id, CASE WHEN latest.version = w.version THEN NULL ELSE latest.state END AS state
     FROM benchmark_members m
     LEFT JOIN LATERAL (
       SELECT matrix_id, version, state FROM benchmark_matrices b
       WHERE b.collectivity_id = m.collectivity_id AND b.status = 'PUBLISHED'
       ORDER BY b.published_at DESC, b.matrix_id DESC LIMIT 1
     ) latest ON true
     LEFT JOIN unnest($2::text[], $3::int[]) AS w(matrix_id, version) ON w.matrix_id = latest.matrix_id
     WHERE m.collectivity_id = ANY($1::text[])`,
    [[...work.members], [...work.written.keys()], [...work.written.values()].map((m) => m.version)],
  );
  const weights = await referenceWeights(db, [...new Set(rows.map((r) => r.kind))]);
  const written: FactsRow[] = [];
  for (const row of rows) {
    const state = row.latest_id === null ? null : (row.state ?? work.written.get(row.latest_id)!);
    const next = factsRow(row.collectivity_id, state ? memberFacts(state) : null, weights.get(row.kind) ?? new Map());
    const previous = Object.fromEntries(Object.keys(next).map((k) => [k, row[k as keyof FactsRow]])) as unknown as FactsRow;
    if (canonical(previous) === canonical(next)) continue;
    markGroups(work, placementOf(row));
    written.push(next);
  }
  if (written.length === 0) return;
  await db.query(
    `UPDATE benchmark_members m SET
       matrix_id = x.matrix_id, shared = x.shared, factor_keys = x.factor_keys, adopted_strategy_keys = x.adopted_strategy_keys,
       strategy_statuses = x.strategy_statuses, tool_statuses = x.tool_statuses, scoring = x.scoring,
       decision_dates = x.decision_dates, factor_count = x.factor_count, strategy_count = x.strategy_count,
       adoption_rate = x.adoption_rate, completion_rate = x.completion_rate,
       internal_score = x.internal_score, external_score = x.external_score
     FROM jsonb_populate_recordset(NULL::benchmark_members, $1::jsonb) x
     WHERE m.collectivity_id = x.collectivity_id`,
    [JSON.stringify(written)],
  );
}

/** kind → catalogue key → reference weight. */
export async function referenceWeights(db: pg.PoolClient | pg.Pool, kinds: string[]): Promise<Map<string, Map<string, number>>> {
  const { rows } = await db.query<{ kind: string; catalogue_key: string; weight: number }>(
    "SELECT kind, catalogue_key, weight FROM benchmark_reference_weights WHERE kind = ANY($1::text[])",
    [kinds],
  );
  const result = new Map<string, Map<string, number>>();
  for (const row of rows) {
    if (!result.has(row.kind)) result.set(row.kind, new Map());
    result.get(row.kind)!.set(row.catalogue_key, row.weight);
  }
  return result;
}

async function markDirty(db: pg.PoolClient, keys: Set<string>): Promise<void> {
  if (keys.size === 0) return;
  await db.query(
    `INSERT INTO benchmark_groups (key, kind, stratum, wealth_quartile, territory, dirty, generation)
     SELECT k, NULLIF(split_part(k, '|', 1), '*'), NULLIF(split_part(k, '|', 2), '*'), NULLIF(split_part(k, '|', 3), '*')::smallint,
            NULLIF(split_part(k, '|', 4), ''), true, 1
     FROM unnest($1::text[]) AS k
     ON CONFLICT (key) DO UPDATE SET dirty = true, generation = benchmark_groups.generation + 1`,
    [[...keys].sort()],
  );
}

/** Stale cells are computed again at the next release pass (see releaseCells); a new generation tells a pass that read them before. */
async function markCellsStale(db: pg.PoolClient, keys: Set<string>): Promise<void> {
  if (keys.size === 0) return;
  await db.query(
    `INSERT INTO benchmark_cell_inputs (key, kind, stratum, wealth_quartile, region_code, departement_code, stale, generation)
     SELECT k, split_part(k, '|', 1), split_part(k, '|', 2), NULLIF(split_part(k, '|', 3), '-')::smallint, NULL, NULL, true, 1
     FROM unnest($1::text[]) AS k WHERE k NOT LIKE 'T|%'
     UNION ALL
     SELECT k, split_part(k, '|', 2), NULL, NULL, split_part(k, '|', 3), NULLIF(split_part(k, '|', 4), '-'), true, 1
     FROM unnest($1::text[]) AS k WHERE k LIKE 'T|%'
     ORDER BY 1
     ON CONFLICT (key) DO UPDATE SET stale = true, generation = benchmark_cell_inputs.generation + 1`,
    [[...keys].sort()],
  );
}

/**
 * The benchmark inputs: where each collectivity sits among its peers and
 * what its latest published matrix contributes. Group aggregates are not
 * computed here, one batch at a time, but by the group refresher
 * (benchmark-groups.ts), debounced, for the groups this marks dirty.
 */
export const benchmarks: Projector = {
  name: "benchmarks",
  // 2: matrices carry their visibility (MATRIX_STATE_VERSION 2); 3: members say whether their matrix is shared;
  // 4: matrices keep their order of entry, accountability and indicators, and removed initiatives are not counted (3);
  // 5: members carry their région, département and EPCI; a collectivity merged into a commune nouvelle is none;
  // 6: matrices never published are not kept.
  version: 6,

  async apply(db, events, context) {
    const work = newWork();
    await applyProfiles(db, collectivityEventsOf(events), work);
    await applyQuartiles(db, work);
    await applyMatrices(db, matrixEventsOf(events), context.matrices, work);
    await applyReferenceWeights(db, events.filter(isNetworkEvent).map(readReferenceWeightEvent), work);
    await applyMembers(db, work);
    // Copies being rebuilt leave the live groups alone: the swap marks them all.
    if (!context.rebuilding) {
      await markDirty(db, work.dirty);
      await markCellsStale(db, work.cells);
    }
    return [];
  },

  // benchmark_groups is the refresher's as much as this projection's: it is
  // kept, and every group is computed again from the rebuilt tables.
  tables: ["benchmark_matrices", "benchmark_members", "benchmark_reference_weights"],

  async afterRebuild(db) {
    await db.query("UPDATE benchmark_groups SET dirty = true, generation = generation + 1");
    // Groups no member had before the rebuild (a new kind of group: a place's) get their rows.
    const { rows: places } = await db.query<PlaceRow>("SELECT DISTINCT kind, stratum, wealth_quartile, region_code, departement_code FROM benchmark_members");
    const work = newWork();
    for (const place of places) markGroups(work, placementOf(place));
    await markDirty(db, work.dirty);
    // Cells of the members, and those that emptied.
    const { rows } = await db.query<{ key: string }>("SELECT key FROM benchmark_cell_inputs");
    for (const row of rows) work.cells.add(row.key);
    await markCellsStale(db, work.cells);
  },
};
