import { LRUCache } from "lru-cache";
import type pg from "pg";
import { AccessError, canEdit, canSeeMatrix, type Principal, requirePrincipal } from "../auth/principal.ts";
import { BENCHMARK_METRICS, type BenchmarkMetric } from "../domain/benchmark/metrics.ts";
import {
  familyOf,
  groupKey,
  groupLabel,
  groupsOf,
  isReleased,
  kindsOf,
  ownGroup,
  type PeerGroupKey,
  type PeerGroupRequest,
  type Placement,
  parseGroupKey,
  placePhrase,
  STRATA,
  stratumOf,
  type Territory,
  validGroup,
} from "../domain/benchmark/peer-groups.ts";
import {
  distributionOf,
  type Figures,
  type GroupAnswer,
  type GroupRelease,
  groupAnswer,
  percentileIn,
  readFigures,
  sharedAnswer,
} from "../domain/benchmark/release.ts";
import type { Distribution } from "../domain/benchmark/statistics.ts";
import { type CatalogueEntry, catalogueEntry } from "../domain/catalogue/index.ts";
import { badInput, notFound } from "../domain/errors.ts";
import type { Matrix } from "../domain/matrix.ts";
import { releaseWindow } from "../domain/privacy/budget.ts";
import type { CollectivityKind, StrategyStatus } from "../domain/types.ts";
import { groupFilter, METRIC_SQL } from "../projections/benchmark-groups.ts";
import { type ReleasePolicy, releasePlanOf, sharedFigures } from "../projections/benchmark-releases.ts";
import type { BenchmarkAnnouncement } from "./live.ts";

export interface PeerGroupView extends PeerGroupKey {
  label: string;
  size: number;
  /** Its kinds, a family's or its one kind's; null for every kind. */
  kinds: readonly CollectivityKind[] | null;
}

export interface Prevalence {
  entry: CatalogueEntry;
  count: number;
  share: number;
}

/** How one answer's figures were protected. */
export interface PrivacyView {
  mechanism: string;
  /** Null when no figure came from a matrix kept private. */
  epsilon: number | null;
  releasedAt: Date | null;
  /** Null for figures computed when asked, which may change at any time. */
  nextReleaseAt: Date | null;
}

export interface PeerGroupBenchmarkView {
  peerGroup: PeerGroupView;
  suppressed: boolean;
  /** In French, for a person, when suppressed. */
  suppressedReason: string | null;
  /** Contributors as released; null when suppressed. */
  contributors: number | null;
  privacy: PrivacyView;
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

/** Why a group shows no figures, in words for the person reading them. */
export const SUPPRESSED_FEW = (k: number) => `moins de ${k} collectivités contribuent : chiffres masqués pour protéger leur anonymat`;
export const SUPPRESSED_NOISY =
  "trop peu de collectivités contribuent pour que les chiffres restent lisibles sous le bruit qui protège leur anonymat : chiffres masqués";
const MECHANISM = "confidentialité différentielle (bruit gaussien discret sur les contributions non partagées)";
const SHARED_ONLY = "chiffres exacts des seules matrices partagées avec le réseau : les autres sont trop peu nombreuses pour être comptées sans être exposées";
const SHARED_ONLY_PLACE =
  "chiffres exacts des seules matrices partagées avec le réseau, calculés à la demande : à cette échelle, les autres ne peuvent être comptées sans être exposées";

const STRATUM_ORDER = new Map(STRATA.map((s, i) => [s.code, i]));

/**
 * Reads of the benchmark releases, with the network's privacy rules:
 * - figures are released per cell on a schedule (benchmark-releases.ts):
 *   NETWORK and PUBLIC contributions exactly, AGGREGATES_ONLY ones with
 *   discrete Gaussian noise; a group is the sum of its cells, and every
 *   share, quartile and percentile is computed from that sum;
 * - a group whose released contributors are fewer than k, or whose noise
 *   would drown its figures, is suppressed, with the reason in French;
 * - peer practices count only matrices the network may read;
 * - reciprocity: an EDITOR sees peers only once its own collectivity has
 *   a published matrix; ADMIN and OBSERVER tokens always do;
 * - a collectivity's own benchmark is for its editors and admins.
 */
export class BenchmarkService {
  constructor(
    private readonly pool: pg.Pool,
    private readonly minGroup: number,
    private readonly policy: ReleasePolicy,
  ) {
    this.plan = releasePlanOf(policy);
  }

  private readonly plan: ReturnType<typeof releasePlanOf>;

  /** The groups without a place, of a kind and its family, or all; a place's groups are asked for by their codes. */
  async peerGroups(kind: CollectivityKind | null, principal: Principal | null): Promise<PeerGroupView[]> {
    requirePrincipal(principal);
    const { rows } = await this.pool.query<{ key: string; size: number }>(
      "SELECT key, size FROM benchmark_groups WHERE territory IS NULL AND ($1::text[] IS NULL OR kind = ANY($1)) AND size > 0",
      [kind ? [kind, familyOf(kind)].filter(Boolean) : null],
    );
    const views = rows.map((r) => this.view(parseGroupKey(r.key), r.size));
    const rank = (g: PeerGroupView) =>
      [g.kind ?? g.family ?? "", g.populationStratum ? STRATUM_ORDER.get(g.populationStratum)! + 1 : 0, g.wealthQuartile ?? 0] as const;
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

  async benchmark(input: PeerGroupRequest, principal: Principal | null): Promise<PeerGroupBenchmarkView> {
    await this.requireReciprocity(principal);
    return this.groupBenchmark(await this.knownGroup(input));
  }

  /** A group asked for, checked; a place must be one the loaded territory knows (any code passes while none is loaded). */
  private async knownGroup(input: PeerGroupRequest): Promise<PeerGroupKey> {
    const group = validGroup(input);
    const known = group.territory ? await this.placeNames([group.territory]) : null;
    if (group.territory && known!.loaded && !known!.names.has(placeKey(group.territory))) {
      const field = { REGION: "regionCode", DEPARTEMENT: "departementCode", EPCI: "epciCode" }[group.territory.level];
      throw badInput(field, `the official territory has no ${group.territory.level.toLowerCase()} ${group.territory.code}`);
    }
    return group;
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
  async subscribable(input: PeerGroupRequest | null, principal: Principal | null): Promise<string | null> {
    await this.requireReciprocity(principal);
    if (!input) return null;
    const group = await this.knownGroup(input);
    if (!isReleased(group)) {
      throw badInput("peerGroup", "this group's figures are computed when asked, never released: subscribe to its région or département as a whole");
    }
    return groupKey(group);
  }

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
    const sizes = await this.groupSizes(groups);
    return groups.map((group) => this.view(group, sizes.get(groupKey(group)) ?? 0));
  }

  /**
   * Its value for each metric, its peers' median and its percentile, within
   * the group asked for or else the finest of its own groups whose figures
   * are released (kind, stratum and quartile, then wider). Null when none is.
   */
  async collectivityBenchmark(collectivityId: string, input: PeerGroupRequest | null, principal: Principal | null): Promise<CollectivityBenchmarkView | null> {
    const who = requirePrincipal(principal);
    if (!canEdit(who, collectivityId)) {
      throw new AccessError(
        "FORBIDDEN",
        "a collectivity's own benchmark is for its editors and admins; peer groups are open to all through benchmark(peerGroup)",
      );
    }
    await this.requireReciprocity(who);
    const own = await this.ownGroupOf(collectivityId);
    const candidates = input ? [await this.knownGroup(input)] : own ? groupsOf(own) : [];
    // Every candidate in one read, then the first released: a small collectivity's finest groups are often not.
    const [answers, values] = await Promise.all([this.releasedMany(candidates), this.ownValues(collectivityId)]);
    for (const { view, figures: released } of answers) {
      if (!released) continue;
      return {
        peerGroup: view.peerGroup,
        metrics: BENCHMARK_METRICS.map((metric, m) => {
          const value = values?.[metric] ?? null;
          const histogram = released.histograms[m]!;
          return {
            metric,
            value,
            peerMedian: distributionOf(metric, histogram).median,
            percentile: value === null ? null : percentileIn(metric, histogram, value),
          };
        }),
      };
    }
    return null;
  }

  /** Its own metric values, exact: they are its editors' to read. */
  private async ownValues(collectivityId: string): Promise<Record<BenchmarkMetric, number | null> | null> {
    const values = BENCHMARK_METRICS.map((m) => `${METRIC_SQL[m].replaceAll("$4", "$2")} AS "${m}"`).join(", ");
    const { rows } = await this.pool.query<Record<BenchmarkMetric, number | null>>(
      `SELECT ${values} FROM benchmark_members WHERE collectivity_id = $1 AND matrix_id IS NOT NULL`,
      [collectivityId, new Date().toISOString()],
    );
    const row = rows[0];
    return row
      ? (Object.fromEntries(BENCHMARK_METRICS.map((m) => [m, row[m] === null ? null : Number(row[m])])) as Record<BenchmarkMetric, number | null>)
      : null;
  }

  /**
   * "Among my peers holding this catalogue factor, which catalogue strategies
   * and toolbox items did they adopt, and how far did they get?" Ranked by
   * uptake, then by how many finished, then by key. Only matrices the
   * network may read count: these answers are exact, and two of them
   * subtracted reveal nothing that is not readable anyway. The asker's own
   * collectivity is not among its peers; fewer than k peers with the factor
   * suppress the answer.
   */
  async peerPractices(
    input: { matrixId: string; factorKey: string; peerGroup?: PeerGroupRequest | null },
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
    const group = input.peerGroup ? await this.knownGroup(input.peerGroup) : await this.ownGroupOf(matrix.collectivityId);
    if (!group) throw notFound("collectivity", matrix.collectivityId);
    const filter = groupFilter(group);
    const { rows } = await this.pool.query<{ peers: number; strategies: Uptake[]; tools: Uptake[] }>(
      `WITH peers AS (
         SELECT strategy_statuses, tool_statuses FROM benchmark_members
         WHERE ${filter.sql} AND matrix_id IS NOT NULL AND shared AND factor_keys @> ARRAY[$5]::text[] AND collectivity_id <> $6
       )
       SELECT (SELECT count(*)::int FROM peers) AS peers,
              (SELECT coalesce(jsonb_agg(x), '[]') FROM (SELECT s.key, s.value AS status, count(*)::int AS n FROM peers, jsonb_each_text(strategy_statuses) s GROUP BY 1, 2) x) AS strategies,
              (SELECT coalesce(jsonb_agg(x), '[]') FROM (SELECT s.key, s.value AS status, count(*)::int AS n FROM peers, jsonb_each_text(tool_statuses) s GROUP BY 1, 2) x) AS tools`,
      [...filter.params, factor.key, matrix.collectivityId],
    );
    const { peers, strategies, tools } = rows[0]!;
    const size = (await this.groupSizes([group])).get(groupKey(group)) ?? 0;
    const suppressed = peers < this.minGroup;
    return {
      factor,
      peerGroup: await this.namedView(group, size),
      peersWithFactor: suppressed ? null : peers,
      suppressed,
      strategies: suppressed ? null : ranked(strategies),
      tools: suppressed ? null : ranked(tools),
    };
  }

  private async groupBenchmark(group: PeerGroupKey): Promise<PeerGroupBenchmarkView> {
    return (await this.released(group)).view;
  }

  /**
   * A group's released figures: the exact figures of shared matrices plus
   * the noisy ones of the others, while the noise leaves them readable;
   * else the shared figures alone, said so; else suppressed, with why.
   */
  private async released(group: PeerGroupKey): Promise<{ view: PeerGroupBenchmarkView; figures: Figures | null }> {
    return (await this.releasedMany([group]))[0]!;
  }

  /**
   * Released groups read their release; the others (a place with a stratum
   * or a quartile, an EPCI's communes) their shared matrices' exact figures,
   * computed now.
   */
  private async releasedMany(groups: PeerGroupKey[]): Promise<{ view: PeerGroupBenchmarkView; figures: Figures | null }[]> {
    const { rows } = await this.pool.query<{ key: string; size: number; released: GroupRelease | null; released_at: Date | null }>(
      "SELECT key, size, released, released_at FROM benchmark_groups WHERE key = ANY($1::text[])",
      [groups.filter(isReleased).map(groupKey)],
    );
    const byKey = new Map(rows.map((r) => [r.key, r]));
    const places = await this.placeNames(groups.flatMap((g) => g.territory ?? []));
    return Promise.all(
      groups.map(async (group) => {
        const place = group.territory ? places.names.get(placeKey(group.territory)) : undefined;
        if (isReleased(group)) return this.answerOf(group, place, byKey.get(groupKey(group)));
        const now = new Date();
        const [shared, sizes] = await Promise.all([sharedFigures(this.pool, groupFilter(group), now), this.groupSizes([group])]);
        return this.answerOf(group, place, { size: sizes.get(groupKey(group)) ?? 0, released: null, released_at: now }, sharedAnswer(shared, this.minGroup));
      }),
    );
  }

  private answerOf(
    group: PeerGroupKey,
    place: string | undefined,
    row: { size: number; released: GroupRelease | null; released_at: Date | null } | undefined,
    computedNow?: GroupAnswer,
  ): { view: PeerGroupBenchmarkView; figures: Figures | null } {
    const peerGroup = this.view(group, row?.size ?? 0, place);
    const releasedAt = row?.released_at ?? null;
    const nextReleaseAt = computedNow ? null : releaseWindow(new Date(), this.policy.releaseSeconds).next;
    const result: GroupAnswer =
      computedNow ??
      (row?.released ? groupAnswer(row.released, group.territory ? this.plan.placeSigma2 : this.plan.sigma2, this.minGroup) : { shown: "NONE", reason: "FEW" });
    const privacy: PrivacyView = {
      mechanism: result.shown === "SHARED_ONLY" ? (computedNow ? SHARED_ONLY_PLACE : SHARED_ONLY) : MECHANISM,
      epsilon: result.shown === "SHARED_ONLY" ? null : this.plan.epsilonPerRelease,
      releasedAt,
      nextReleaseAt,
    };
    if (result.shown === "NONE") {
      const reason = result.reason === "FEW" ? SUPPRESSED_FEW(this.minGroup) : SUPPRESSED_NOISY;
      const view: PeerGroupBenchmarkView = {
        peerGroup,
        suppressed: true,
        suppressedReason: reason,
        contributors: null,
        privacy,
        factorPrevalence: null,
        strategyAdoption: null,
        metrics: null,
        updatedAt: releasedAt,
      };
      return { view, figures: null };
    }
    const read = readFigures(result.figures);
    const withEntry = (list: { key: string; count: number; share: number }[]) =>
      list.map(({ key, count, share }) => ({ entry: catalogueEntry(key)!, count, share }));
    const view: PeerGroupBenchmarkView = {
      peerGroup,
      suppressed: false,
      suppressedReason: null,
      contributors: read.contributors,
      privacy,
      factorPrevalence: withEntry(read.prevalence),
      strategyAdoption: withEntry(read.adoption),
      metrics: read.metrics,
      updatedAt: releasedAt,
    };
    return { view, figures: result.figures };
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

  private async ownGroupOf(collectivityId: string): Promise<Placement | null> {
    const { rows } = await this.pool.query<{ kind: CollectivityKind; stratum: string; wealth_quartile: number | null }>(
      "SELECT kind, stratum, wealth_quartile FROM benchmark_members WHERE collectivity_id = $1",
      [collectivityId],
    );
    return rows[0] ? { kind: rows[0].kind, populationStratum: rows[0].stratum, wealthQuartile: rows[0].wealth_quartile } : null;
  }

  /** Members per group (collectivities, contributing or not): the directory's figures, public. Groups released are counted by the refresher, the others now. */
  private async groupSizes(groups: PeerGroupKey[]): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ key: string; size: number }>("SELECT key, size FROM benchmark_groups WHERE key = ANY($1::text[])", [
      groups.filter(isReleased).map(groupKey),
    ]);
    const sizes = new Map(rows.map((r) => [r.key, r.size]));
    for (const group of groups.filter((g) => !isReleased(g))) {
      const filter = groupFilter(group);
      const { rows: counted } = await this.pool.query<{ size: number }>(
        `SELECT count(*)::int AS size FROM benchmark_members WHERE ${filter.sql}`,
        filter.params,
      );
      sizes.set(groupKey(group), counted[0]!.size);
    }
    return sizes;
  }

  /**
   * How each place reads in a label ("du Rhône", "de l'intercommunalité CC
   * du Pays de Gex"), by placeKey, for the places the loaded territory knows;
   * and whether one is loaded.
   */
  private async placeNames(places: Territory[]): Promise<{ loaded: boolean; names: Map<string, string> }> {
    if (places.length === 0) return { loaded: false, names: new Map() };
    const { rows } = await this.pool.query<{ level: string; code: string; name: string; tncc: number }>(
      `SELECT 'REGION' AS level, code, name, tncc FROM territory_regions WHERE code = ANY($1::text[])
       UNION ALL SELECT 'DEPARTEMENT', code, name, tncc FROM territory_departements WHERE code = ANY($1::text[])
       UNION ALL SELECT 'EPCI', siren, name, 0 FROM territory_epci WHERE siren = ANY($1::text[])
       UNION ALL SELECT 'LOADED', '', '', 0 FROM territory_info`,
      [places.map((p) => p.code)],
    );
    const phrase = (r: (typeof rows)[number]) => (r.level === "EPCI" ? `de l'intercommunalité ${r.name}` : placePhrase(r.name, r.tncc));
    return {
      loaded: rows.some((r) => r.level === "LOADED"),
      names: new Map(rows.filter((r) => r.level !== "LOADED").map((r) => [`${r.level}:${r.code}`, phrase(r)])),
    };
  }

  private async namedView(group: PeerGroupKey, size: number): Promise<PeerGroupView> {
    const place = group.territory ? (await this.placeNames([group.territory])).names.get(placeKey(group.territory)) : undefined;
    return this.view(group, size, place);
  }

  private view(group: PeerGroupKey, size: number, place?: string): PeerGroupView {
    return { ...group, kinds: kindsOf(group), label: groupLabel(group, place), size };
  }
}

const placeKey = (p: Territory) => `${p.level}:${p.code}`;

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
