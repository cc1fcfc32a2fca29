import { LRUCache } from "lru-cache";
import type pg from "pg";
import { AccessError, canEdit, canSeeMatrix, type Principal, requirePrincipal } from "../auth/principal.ts";
import { BENCHMARK_METRICS, type BenchmarkMetric } from "../domain/benchmark/metrics.ts";
import { groupKey, groupLabel, ownGroup, type PeerGroupKey, parseGroupKey, STRATA, stratumOf, validGroup } from "../domain/benchmark/peer-groups.ts";
import { type Distribution, midRankPercentile } from "../domain/benchmark/statistics.ts";
import { type CatalogueEntry, catalogueEntries, catalogueEntry } from "../domain/catalogue/index.ts";
import { badInput, notFound } from "../domain/errors.ts";
import type { Matrix } from "../domain/matrix.ts";
import type { CollectivityKind, StrategyStatus } from "../domain/types.ts";
import { GROUP_FILTER, type GroupAggregates, METRIC_SQL } from "../projections/benchmark-groups.ts";
import type { BenchmarkAnnouncement } from "./live.ts";

export interface PeerGroupView extends PeerGroupKey {
  label: string;
  size: number;
}

export interface Prevalence {
  entry: CatalogueEntry;
  count: number;
  share: number;
}

export interface PeerGroupBenchmarkView {
  peerGroup: PeerGroupView;
  suppressed: boolean;
  factorPrevalence: Prevalence[] | null;
  strategyAdoption: Prevalence[] | null;
  metrics: (Distribution & { metric: BenchmarkMetric })[] | null;
  updatedAt: Date | null;
}

export interface CollectivityBenchmarkView {
  peerGroup: PeerGroupView;
  metrics: { metric: BenchmarkMetric; value: number | null; peerMedian: number | null; percentile: number | null }[];
}

/** How many peers got how far with one catalogue strategy or toolbox item. */
export interface PracticeUptake {
  entry: CatalogueEntry;
  adopted: number;
  inProgress: number;
  done: number;
  abandoned: number;
  /** Peers that adopted it at some point and have not abandoned it: adopted + inProgress + done. */
  uptake: number;
}

export interface PeerPracticesView {
  factor: CatalogueEntry;
  peerGroup: PeerGroupView;
  /** Peers in the group (the asker's collectivity left out) whose latest published matrix holds the factor; null when suppressed. */
  peersWithFactor: number | null;
  suppressed: boolean;
  strategies: PracticeUptake[] | null;
  tools: PracticeUptake[] | null;
}

interface GroupRow {
  key: string;
  size: number;
  contributors: number;
  aggregates: GroupAggregates | null;
  computed_at: Date | null;
}

/** The groups one step wider: each fixed dimension opened in turn. */
function parentsOf(group: PeerGroupKey): PeerGroupKey[] {
  const parents: PeerGroupKey[] = [];
  if (group.kind) parents.push({ ...group, kind: null });
  if (group.populationStratum) parents.push({ ...group, populationStratum: null });
  if (group.wealthQuartile) parents.push({ ...group, wealthQuartile: null });
  return parents;
}

const STRATUM_ORDER = new Map(STRATA.map((s, i) => [s.code, i]));

/**
 * Reads of the benchmark read models, with the network's privacy rules:
 * - k-anonymity: a group with fewer than k contributors (collectivities with
 *   a published matrix) is suppressed, and so is one whose difference with a
 *   group one step wider counts 1 to k-1 contributors, since subtracting the
 *   two answers would expose those few;
 * - reciprocity: an EDITOR sees peers only once its own collectivity has a
 *   published matrix; ADMIN and OBSERVER tokens always do;
 * - a collectivity's own benchmark is for its editors and admins.
 */
export class BenchmarkService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly minGroup: number,
  ) {}

  async peerGroups(kind: CollectivityKind | null, principal: Principal | null): Promise<PeerGroupView[]> {
    requirePrincipal(principal);
    const { rows } = await this.pool.query<{ key: string; size: number }>(
      "SELECT key, size FROM benchmark_groups WHERE ($1::text IS NULL OR kind = $1) AND size > 0",
      [kind],
    );
    const views = rows.map((r) => this.view(parseGroupKey(r.key), r.size));
    const rank = (g: PeerGroupView) => [g.kind ?? "", g.populationStratum ? STRATUM_ORDER.get(g.populationStratum)! + 1 : 0, g.wealthQuartile ?? 0] as const;
    return views.sort((a, b) => {
      const [ka, sa, qa] = rank(a);
      const [kb, sb, qb] = rank(b);
      return ka.localeCompare(kb) || sa - sb || qa - qb;
    });
  }

  async referenceWeights(kind: CollectivityKind | null, principal: Principal | null) {
    requirePrincipal(principal);
    const { rows } = await this.pool.query<{ kind: CollectivityKind; catalogueKey: string; weight: number }>(
      `SELECT kind, catalogue_key AS "catalogueKey", weight FROM benchmark_reference_weights
       WHERE $1::text IS NULL OR kind = $1 ORDER BY kind, catalogue_key`,
      [kind],
    );
    return rows;
  }

  async benchmark(input: Partial<PeerGroupKey>, principal: Principal | null): Promise<PeerGroupBenchmarkView> {
    await this.requireReciprocity(principal);
    return this.groupBenchmark(validGroup(input));
  }

  /**
   * The group benchmark as `benchmarkUpdated` delivers it: computed once per
   * announcement in this process and shared by every subscriber (who were
   * all checked when they subscribed), so a thousand subscribers cost what
   * one does.
   */
  announced(announcement: BenchmarkAnnouncement): Promise<PeerGroupBenchmarkView> {
    let answer = this.announcements.get(announcement.id);
    if (!answer) {
      answer = this.groupBenchmark(parseGroupKey(announcement.groupKey));
      this.announcements.set(announcement.id, answer);
      answer.catch(() => this.announcements.delete(announcement.id));
    }
    return answer;
  }

  private readonly announcements = new LRUCache<string, Promise<PeerGroupBenchmarkView>>({ max: 1000, ttl: 60_000 });

  /** Checks a subscription's group and the caller's right to see peers; returns the group's key. */
  async subscribable(input: Partial<PeerGroupKey> | null, principal: Principal | null): Promise<string | null> {
    await this.requireReciprocity(principal);
    return input ? groupKey(validGroup(input)) : null;
  }

  /** Its own group; one the benchmark projection has not met yet is placed from its profile, without a quartile. */
  /** Several collectivities' own groups in two queries (a page of them); one the projection has not met yet is placed from its profile, without a quartile. */
  async peerGroupsOf(collectivities: readonly { id: string; kind: CollectivityKind; population: number }[]): Promise<PeerGroupView[]> {
    const { rows } = await this.pool.query<{ collectivity_id: string; kind: CollectivityKind; stratum: string; wealth_quartile: number | null }>(
      "SELECT collectivity_id, kind, stratum, wealth_quartile FROM benchmark_members WHERE collectivity_id = ANY($1::text[])",
      [collectivities.map((c) => c.id)],
    );
    const placed = new Map(rows.map((r) => [r.collectivity_id, ownGroup({ kind: r.kind, populationStratum: r.stratum, wealthQuartile: r.wealth_quartile })]));
    const groups = collectivities.map(
      (c) => placed.get(c.id) ?? { kind: c.kind, populationStratum: stratumOf(c.kind, c.population).code, wealthQuartile: null },
    );
    const sizes = await this.groupRows(groups.map(groupKey));
    return groups.map((group) => this.view(group, sizes.get(groupKey(group))?.size ?? 0));
  }

  /**
   * Its value for each metric, its peers' median and its percentile, within
   * its own group (kind, stratum, quartile), computed on read so that the
   * three agree. Null when the group is suppressed.
   */
  async collectivityBenchmark(collectivityId: string, principal: Principal | null): Promise<CollectivityBenchmarkView | null> {
    const who = requirePrincipal(principal);
    if (!canEdit(who, collectivityId)) {
      throw new AccessError(
        "FORBIDDEN",
        "a collectivity's own benchmark is for its editors and admins; peer groups are open to all through benchmark(peerGroup)",
      );
    }
    await this.requireReciprocity(who);
    const group = await this.ownGroupOf(collectivityId);
    if (!group) return null;
    const rows = await this.groupRows([groupKey(group), ...parentsOf(group).map(groupKey)]);
    if (this.suppressed(group, rows)) return null;
    const stats = await this.standing(collectivityId, group);
    return {
      peerGroup: this.view(group, rows.get(groupKey(group))?.size ?? 0),
      metrics: BENCHMARK_METRICS.map((metric) => {
        const { value, median, count, below, level } = stats[metric];
        return { metric, value, peerMedian: median, percentile: value === null ? null : midRankPercentile(below, level, count) };
      }),
    };
  }

  /**
   * Per metric, in one aggregate over the group's contributors (on the
   * group's index, no rows sent back): the collectivity's value, the
   * median, and how many stand below it and level with it.
   */
  private async standing(collectivityId: string, group: PeerGroupKey) {
    const values = BENCHMARK_METRICS.map((m) => `${METRIC_SQL[m]} AS "${m}"`).join(", ");
    const stats = BENCHMARK_METRICS.map(
      (m) =>
        `'${m}', json_build_object('value', me."${m}", 'median', percentile_cont(0.5) WITHIN GROUP (ORDER BY p."${m}"), 'count', count(p."${m}"),
          'below', count(*) FILTER (WHERE p."${m}" < me."${m}"), 'level', count(*) FILTER (WHERE p."${m}" = me."${m}"))`,
    ).join(",\n");
    const { rows } = await this.pool.query<{
      stats: Record<BenchmarkMetric, { value: number | null; median: number | null; count: number; below: number; level: number }>;
    }>(
      `WITH me AS (SELECT ${values} FROM benchmark_members WHERE collectivity_id = $5 AND matrix_id IS NOT NULL),
            p AS (SELECT ${values} FROM benchmark_members
                  WHERE kind = $1 AND stratum = $2 AND ${group.wealthQuartile === null ? "wealth_quartile IS NULL AND $3::smallint IS NULL" : "wealth_quartile = $3"} AND matrix_id IS NOT NULL)
       SELECT json_build_object(${stats}) AS stats FROM p LEFT JOIN me ON true GROUP BY ${BENCHMARK_METRICS.map((m) => `me."${m}"`).join(", ")}`,
      [group.kind, group.populationStratum, group.wealthQuartile, new Date().toISOString(), collectivityId],
    );
    const empty = { value: null, median: null, count: 0, below: 0, level: 0 };
    const found = rows[0]?.stats;
    return Object.fromEntries(
      BENCHMARK_METRICS.map((m) => {
        const stat = found?.[m] ?? empty;
        return [m, { ...stat, value: stat.value === null ? null : Number(stat.value) }];
      }),
    ) as Record<BenchmarkMetric, typeof empty>;
  }

  /**
   * "Among my peers holding this catalogue factor, which catalogue strategies
   * and toolbox items did they adopt, and how far did they get?" Ranked by
   * uptake, then by how many finished, then by key. The asker's own
   * collectivity is not among its peers; fewer than k peers with the factor
   * suppress the answer.
   */
  async peerPractices(
    input: { matrixId: string; factorKey: string; peerGroup?: Partial<PeerGroupKey> | null },
    principal: Principal | null,
  ): Promise<PeerPracticesView> {
    const who = requirePrincipal(principal);
    const { rows: views } = await this.pool.query<{ state: Matrix }>("SELECT state FROM matrix_views WHERE matrix_id = $1", [input.matrixId]);
    const matrix = views[0]?.state;
    if (!matrix || !canSeeMatrix(who, matrix)) throw notFound("matrix", input.matrixId);
    const factor = catalogueEntry(input.factorKey);
    if (factor?.kind !== "FACTOR") throw badInput("factorKey", `${input.factorKey} is not a catalogue factor (S1…T3)`);
    if (!Object.values(matrix.factors).some((f) => !f.removed && f.catalogueKey === factor.key)) {
      throw badInput("factorKey", `the matrix holds no factor with catalogue key ${factor.key}`);
    }
    await this.requireReciprocity(who);
    const group = input.peerGroup ? validGroup(input.peerGroup) : await this.ownGroupOf(matrix.collectivityId);
    if (!group) throw notFound("collectivity", matrix.collectivityId);
    const { rows } = await this.pool.query<{ peers: number; strategies: Uptake[]; tools: Uptake[] }>(
      `WITH peers AS (
         SELECT strategy_statuses, tool_statuses FROM benchmark_members
         WHERE ${GROUP_FILTER} AND matrix_id IS NOT NULL AND factor_keys @> ARRAY[$4]::text[] AND collectivity_id <> $5
       )
       SELECT (SELECT count(*)::int FROM peers) AS peers,
              (SELECT coalesce(jsonb_agg(x), '[]') FROM (SELECT s.key, s.value AS status, count(*)::int AS n FROM peers, jsonb_each_text(strategy_statuses) s GROUP BY 1, 2) x) AS strategies,
              (SELECT coalesce(jsonb_agg(x), '[]') FROM (SELECT s.key, s.value AS status, count(*)::int AS n FROM peers, jsonb_each_text(tool_statuses) s GROUP BY 1, 2) x) AS tools`,
      [group.kind, group.populationStratum, group.wealthQuartile, factor.key, matrix.collectivityId],
    );
    const { peers, strategies, tools } = rows[0]!;
    const size = (await this.groupRows([groupKey(group)])).get(groupKey(group))?.size ?? 0;
    const suppressed = peers < this.minGroup;
    return {
      factor,
      peerGroup: this.view(group, size),
      peersWithFactor: suppressed ? null : peers,
      suppressed,
      strategies: suppressed ? null : ranked(strategies),
      tools: suppressed ? null : ranked(tools),
    };
  }

  private async groupBenchmark(group: PeerGroupKey): Promise<PeerGroupBenchmarkView> {
    const rows = await this.groupRows([groupKey(group), ...parentsOf(group).map(groupKey)]);
    const row = rows.get(groupKey(group));
    const peerGroup = this.view(group, row?.size ?? 0);
    if (!row?.aggregates || this.suppressed(group, rows)) {
      return { peerGroup, suppressed: true, factorPrevalence: null, strategyAdoption: null, metrics: null, updatedAt: row?.computed_at ?? null };
    }
    const { aggregates, contributors } = row;
    const prevalence = (entries: CatalogueEntry[], counts: Record<string, number>) =>
      entries.map((entry) => ({ entry, count: counts[entry.key] ?? 0, share: (counts[entry.key] ?? 0) / contributors }));
    return {
      peerGroup,
      suppressed: false,
      factorPrevalence: prevalence(catalogueEntries("FACTOR"), aggregates.prevalence),
      strategyAdoption: prevalence(catalogueEntries("STRATEGY"), aggregates.adoption),
      metrics: BENCHMARK_METRICS.map((metric) => ({ metric, ...aggregates.metrics[metric] })),
      updatedAt: row.computed_at,
    };
  }

  private suppressed(group: PeerGroupKey, rows: Map<string, GroupRow>): boolean {
    const contributors = rows.get(groupKey(group))?.contributors ?? 0;
    if (contributors < this.minGroup) return true;
    return parentsOf(group).some((parent) => {
      const difference = (rows.get(groupKey(parent))?.contributors ?? 0) - contributors;
      return difference > 0 && difference < this.minGroup;
    });
  }

  private async requireReciprocity(principal: Principal | null): Promise<void> {
    const who = requirePrincipal(principal);
    if (who.role !== "EDITOR") return;
    const { rows } = await this.pool.query<{ matrix_id: string | null }>("SELECT matrix_id FROM benchmark_members WHERE collectivity_id = $1", [
      who.collectivityId,
    ]);
    if (!rows[0]?.matrix_id) {
      throw new AccessError("FORBIDDEN", "peer benchmarks open to an editor once its own collectivity has published a matrix");
    }
  }

  private async ownGroupOf(collectivityId: string): Promise<PeerGroupKey | null> {
    const { rows } = await this.pool.query<{ kind: CollectivityKind; stratum: string; wealth_quartile: number | null }>(
      "SELECT kind, stratum, wealth_quartile FROM benchmark_members WHERE collectivity_id = $1",
      [collectivityId],
    );
    return rows[0] ? ownGroup({ kind: rows[0].kind, populationStratum: rows[0].stratum, wealthQuartile: rows[0].wealth_quartile }) : null;
  }

  private async groupRows(keys: string[]): Promise<Map<string, GroupRow>> {
    const { rows } = await this.pool.query<GroupRow>(
      "SELECT key, size, contributors, aggregates, computed_at FROM benchmark_groups WHERE key = ANY($1::text[])",
      [keys],
    );
    return new Map(rows.map((r) => [r.key, r]));
  }

  private view(group: PeerGroupKey, size: number): PeerGroupView {
    return { ...group, label: groupLabel(group), size };
  }
}

interface Uptake {
  key: string;
  status: StrategyStatus;
  n: number;
}

function ranked(counts: Uptake[]): PracticeUptake[] {
  const byKey = new Map<string, PracticeUptake>();
  for (const { key, status, n } of counts) {
    const entry = catalogueEntry(key);
    if (!entry || status === "PROPOSED") continue;
    const uptake = byKey.get(key) ?? { entry, adopted: 0, inProgress: 0, done: 0, abandoned: 0, uptake: 0 };
    if (status === "ADOPTED") uptake.adopted += n;
    if (status === "IN_PROGRESS") uptake.inProgress += n;
    if (status === "DONE") uptake.done += n;
    if (status === "ABANDONED") uptake.abandoned += n;
    uptake.uptake = uptake.adopted + uptake.inProgress + uptake.done;
    byKey.set(key, uptake);
  }
  return [...byKey.values()].sort((a, b) => b.uptake - a.uptake || b.done - a.done || a.entry.key.localeCompare(b.entry.key));
}
