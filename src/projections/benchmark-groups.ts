import type pg from "pg";
import { lockSql } from "../db/locks.ts";
import { withClient } from "../db/with-client.ts";
import { BENCHMARK_METRICS, type BenchmarkMetric, RECENT_DAYS } from "../domain/benchmark/metrics.ts";
import { kindsOf, type PeerGroupKey, parseGroupKey, type TerritoryLevel } from "../domain/benchmark/peer-groups.ts";
import type { Distribution } from "../domain/benchmark/statistics.ts";
import { releaseWindow } from "../domain/privacy/budget.ts";
import { canonicalJson } from "../shared/canonical-json.ts";
import { type ReleasePolicy, releaseCells } from "./benchmark-releases.ts";

/** What a group's row holds once computed; shares and suppression are derived on read. */
export interface GroupAggregates {
  /** catalogue factor key → collectivities holding it */
  prevalence: Record<string, number>;
  /** catalogue strategy key → collectivities that adopted it */
  adoption: Record<string, number>;
  metrics: Record<BenchmarkMetric, Distribution>;
}

/**
 * Each metric as a member's SQL expression; `$4` is the moment of computing.
 * Recent decisions are counted by binary search (width_bucket counts the
 * elements of a sorted array up to a value): decision_dates is kept sorted.
 */
export const METRIC_SQL: Record<BenchmarkMetric, string> = {
  FACTOR_COUNT: "factor_count",
  STRATEGY_COUNT: "strategy_count",
  ADOPTION_RATE: "adoption_rate",
  COMPLETION_RATE: "completion_rate",
  DECISIONS_LAST_90_DAYS: `(width_bucket($4::timestamptz, decision_dates) - width_bucket($4::timestamptz - interval '${RECENT_DAYS} days', decision_dates))`,
  INTERNAL_SCORE: "internal_score",
  EXTERNAL_SCORE: "external_score",
};

const PLACE_COLUMN: Record<TerritoryLevel, string> = { REGION: "region_code", DEPARTEMENT: "departement_code", EPCI: "epci_code" };

/**
 * The members of a group, as a WHERE clause on benchmark_members over
 * $1 (kinds), $2 (stratum), $3 (quartile) and $4 (place), and those four
 * parameters; the place's column is written in, so that its index serves.
 */
export function groupFilter(g: PeerGroupKey): { sql: string; params: unknown[] } {
  const place = g.territory ? `${PLACE_COLUMN[g.territory.level]} = $4` : "$4::text IS NULL";
  return {
    sql: `($1::text[] IS NULL OR kind = ANY($1)) AND ($2::text IS NULL OR stratum = $2) AND ($3::smallint IS NULL OR wealth_quartile = $3) AND ${place}`,
    params: [kindsOf(g), g.populationStratum, g.wealthQuartile, g.territory?.code ?? null],
  };
}

/**
 * A group's size, contributors (members with a published matrix) and
 * aggregates over the contributors, in one statement. Quantiles are
 * PostgreSQL's percentile_cont (linear interpolation); nulls (a rate without
 * denominator, a score without factors) are left out of a metric.
 */
export async function computeGroup(db: pg.PoolClient | pg.Pool, group: PeerGroupKey, now: Date) {
  // Each metric computed once per member, then aggregated; means over sorted
  // input, because a float sum depends on the order of its terms and a
  // rebuild must give the same figures to the last bit.
  const values = BENCHMARK_METRICS.map((m) => `${METRIC_SQL[m].replaceAll("$4", "$5")} AS "${m}"`).join(", ");
  const filter = groupFilter(group);
  const metrics = BENCHMARK_METRICS.map(
    (m) => `'${m}', jsonb_build_array(avg("${m}" ORDER BY "${m}"), percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY "${m}"))`,
  ).join(",\n");
  const { rows } = await db.query<{
    size: number;
    contributors: number;
    prevalence: Record<string, number>;
    adoption: Record<string, number>;
    metrics: Record<BenchmarkMetric, [number | null, number[] | null]>;
  }>(
    `WITH m AS MATERIALIZED (SELECT matrix_id, factor_keys, adopted_strategy_keys, ${values} FROM benchmark_members WHERE ${filter.sql}),
          c AS MATERIALIZED (SELECT * FROM m WHERE matrix_id IS NOT NULL)
     SELECT (SELECT count(*)::int FROM m) AS size,
            (SELECT count(*)::int FROM c) AS contributors,
            (SELECT coalesce(jsonb_object_agg(k, n), '{}') FROM (SELECT k, count(*)::int AS n FROM c, unnest(c.factor_keys) AS k GROUP BY k) f) AS prevalence,
            (SELECT coalesce(jsonb_object_agg(k, n), '{}') FROM (SELECT k, count(*)::int AS n FROM c, unnest(c.adopted_strategy_keys) AS k GROUP BY k) a) AS adoption,
            (SELECT jsonb_build_object(${metrics}) FROM c) AS metrics`,
    [...filter.params, now.toISOString()],
  );
  const row = rows[0]!;
  const distributions = Object.fromEntries(
    BENCHMARK_METRICS.map((m) => {
      const [mean, quartiles] = row.metrics[m];
      return [m, { mean: mean === null ? null : Number(mean), p25: quartiles?.[0] ?? null, median: quartiles?.[1] ?? null, p75: quartiles?.[2] ?? null }];
    }),
  ) as Record<BenchmarkMetric, Distribution>;
  const aggregates: GroupAggregates = { prevalence: row.prevalence, adoption: row.adoption, metrics: distributions };
  return { size: row.size, contributors: row.contributors, aggregates };
}

export interface RefreshOptions {
  /** A group is computed at most once in this time; marks meanwhile wait for the next round. */
  debounceMs: number;
  /**
   * Then release the cells due (see releaseCells): all whose inputs changed
   * when `fullPass`, else only those never released, and only if a group
   * changed. Under the same lock, so no two processes release one cell twice.
   */
  release?: {
    policy: ReleasePolicy;
    fullPass: boolean;
    /**
     * Asked under the lock, on its connection (PGlite has one): true holds
     * every release (see BulkLoad, whose begin() waits for this lock, so
     * that a refresh that found no load under way never sees one's first
     * events).
     */
    hold?: (db: pg.PoolClient) => Promise<boolean>;
  };
  now?: () => Date;
}

export interface RefreshResult {
  /** Groups whose size, contributors or aggregates changed. */
  changed: string[];
  /** Groups whose released figures changed. */
  released: string[];
  /** Dirty groups left for later (debounced, or another process was refreshing). */
  pending: boolean;
  /** Releases were held (see RefreshOptions.release.hold). */
  held: boolean;
}

/**
 * Computes the dirty groups again, one process at a time (an advisory lock;
 * a process that does not get it reports work pending), smallest first: a
 * collectivity's own group is the one its users look at, the whole network
 * the slowest to count. Each group is recomputed at most once per
 * `debounceMs`, and every group once a day, since DECISIONS_LAST_90_DAYS
 * moves with the calendar. A group marked again while it was being computed
 * (its generation moved) stays dirty.
 */
export async function refreshGroups(pool: pg.Pool, options: RefreshOptions): Promise<RefreshResult> {
  const now = options.now ?? (() => new Date());
  return withClient(pool, async (client) => {
    const { rows: lock } = await client.query<{ locked: boolean }>(lockSql.try("benchmarkGroups"));
    if (!lock[0]!.locked) return { changed: [], released: [], pending: true, held: false };
    try {
      const { rows: due } = await client.query<{ key: string; generation: string; size: number; contributors: number; aggregates: GroupAggregates | null }>(
        `SELECT key, generation, size, contributors, aggregates FROM benchmark_groups
         WHERE (dirty AND (computed_at IS NULL OR computed_at <= now() - $1 * interval '1 millisecond'))
            OR computed_at < date_trunc('day', now())
         ORDER BY size, key`,
        [options.debounceMs],
      );
      const changed: string[] = [];
      for (const group of due) {
        const computed = await computeGroup(client, parseGroupKey(group.key), now());
        await client.query(
          `UPDATE benchmark_groups SET size = $2, contributors = $3, aggregates = $4, computed_at = now(), dirty = (generation <> $5)
           WHERE key = $1`,
          [group.key, computed.size, computed.contributors, JSON.stringify(computed.aggregates), group.generation],
        );
        const before = { size: group.size, contributors: group.contributors, aggregates: group.aggregates };
        if (canonicalJson(before) === canonicalJson(computed)) continue;
        changed.push(group.key);
      }
      const { release } = options;
      const held = (await release?.hold?.(client)) ?? false;
      const released =
        release && !held && (release.fullPass || changed.length > 0)
          ? await releaseCells(client, { policy: release.policy, now: now(), onlyNew: !release.fullPass })
          : [];
      const { rows: left } = await client.query<{ pending: boolean }>("SELECT EXISTS (SELECT 1 FROM benchmark_groups WHERE dirty) AS pending");
      return { changed, released, pending: left[0]!.pending, held };
    } finally {
      await client.query(lockSql.release("benchmarkGroups")).catch((cause) => {
        throw new Error("could not release the benchmark groups lock", { cause });
      });
    }
  });
}

/**
 * The step that follows each projection catch-up: refresh what is dirty,
 * release what is due, announce each group whose released figures changed,
 * and come back after the debounce when some were left for later. Each
 * process makes one full release pass per release window (the catch-up
 * timer brings it there when nothing else happens).
 */
export function benchmarkRefresh(
  pool: pg.Pool,
  options: {
    debounceMs: number;
    policy: ReleasePolicy;
    announce: (groupKeys: string[]) => void | Promise<void>;
    /** While true (a bulk load not yet projected whole: see BulkLoad), nothing is released, so that each unit's first release holds all of it. */
    holdReleases?: (db: pg.PoolClient) => Promise<boolean>;
  },
) {
  let passed: number | null = null;
  return async (): Promise<{ againInMs: number | null }> => {
    const { opened, next } = releaseWindow(new Date(), options.policy.releaseSeconds);
    const fullPass = passed !== opened.getTime();
    const { pending, changed, released, held } = await refreshGroups(pool, {
      debounceMs: options.debounceMs,
      release: { policy: options.policy, fullPass, hold: options.holdReleases },
    });
    if (held) return { againInMs: pending ? options.debounceMs : null };
    // Another process holding the lock did nothing for this one: try the full pass again next time.
    if (fullPass && !pending) passed = opened.getTime();
    if (released.length > 0) await options.announce(released);
    if (pending) return { againInMs: options.debounceMs };
    // Inputs changed after this window's pass: come back when the next window opens (the catch-up timer covers long windows).
    return { againInMs: changed.length > 0 && !fullPass ? Math.min(next.getTime() - Date.now() + 5, 60_000) : null };
  };
}

/** Refreshes until no group is dirty (waiting while another process holds the refresh), then releases what is due; returns how many groups changed. */
export async function refreshAllGroups(pool: pg.Pool, policy?: ReleasePolicy): Promise<number> {
  let changed = 0;
  for (;;) {
    const result = await refreshGroups(pool, { debounceMs: 0, ...(policy && { release: { policy, fullPass: true } }) });
    changed += result.changed.length;
    if (!result.pending) return changed;
    if (result.changed.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
