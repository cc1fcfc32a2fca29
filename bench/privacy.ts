// Utility of the private benchmarks: how far released shares stand from
// the truth, by group size, at the default privacy parameters, on the
// synthetic network the benchmarks bench seeded. Noise is drawn as a
// release draws it (same sampler, same units, same rule for what a group
// shows), many times over, without writing anything.
import type pg from "pg";
import {
  type Contribution,
  type Figures,
  figuresOf,
  groupAnswer,
  groupRelease,
  mapFigures,
  type Release,
  readFigures,
} from "../src/domain/benchmark/release.ts";
import { discreteGaussian, variance } from "../src/domain/privacy/discrete-gaussian.ts";
import { COLLECTIVITY_KINDS, type CollectivityKind } from "../src/domain/types.ts";
import { ownUnits, type ReleasePolicy, releasePlanOf } from "../src/projections/benchmark-releases.ts";

type Report = (name: string, value: string, target: string) => void;

interface Member {
  kind: string;
  stratum: string;
  wealth_quartile: number | null;
  shared: boolean;
  factor_keys: string[];
  adopted_strategy_keys: string[];
}

const NO_METRICS = {
  FACTOR_COUNT: null,
  STRATEGY_COUNT: null,
  ADOPTION_RATE: null,
  COMPLETION_RATE: null,
  DECISIONS_LAST_90_DAYS: null,
  INTERNAL_SCORE: null,
  EXTERNAL_SCORE: null,
};
const contribution = (m: Member): Contribution => ({ factorKeys: m.factor_keys, adoptedStrategyKeys: m.adopted_strategy_keys, metrics: NO_METRICS });

/** Released shares, catalogue factors then strategies. */
const shares = (f: Figures) => {
  const read = readFigures(f);
  return [...read.prevalence, ...read.adoption].map((p) => p.share);
};

export async function benchPrivacy(pool: pg.Pool, policy: ReleasePolicy, minGroup: number, report: Report): Promise<void> {
  const plan = releasePlanOf(policy);
  report(
    `private benchmarks: noise σ per count, loss per release (ρ / ε at δ = 10⁻⁶), per year (${plan.releasesPerYear} releases)`,
    `σ ${Math.sqrt(plan.sigma2).toFixed(1)}; ρ ${plan.rhoPerRelease} / ε ${plan.epsilonPerRelease.toFixed(2)}; ρ ${plan.rhoPerYear} / ε ${plan.epsilonPerYear.toFixed(2)}`,
    "",
  );
  const { rows: members } = await pool.query<Member>(
    "SELECT kind, stratum, wealth_quartile, shared, factor_keys, adopted_strategy_keys FROM benchmark_members WHERE matrix_id IS NOT NULL",
  );
  const { rows: groups } = await pool.query<{ key: string; kind: string | null; stratum: string | null; wealth_quartile: number | null; contributors: number }>(
    // Groups of one kind or all, without a place: each reads one unit's noise or its cells'.
    "SELECT key, kind, stratum, wealth_quartile, contributors FROM benchmark_groups WHERE contributors > 0 AND territory IS NULL AND (kind IS NULL OR kind = ANY($1))",
    [COLLECTIVITY_KINDS],
  );
  const noise = () => discreteGaussian(variance(plan.sigma2));
  for (const target of [10, 50, 500, 5_000]) {
    // The five smallest groups of at least the target size.
    const chosen = groups
      .filter((g) => g.contributors >= target)
      .sort((a, b) => a.contributors - b.contributors)
      .slice(0, 5);
    let error = 0;
    let measured = 0;
    const shown = { ALL: 0, SHARED_ONLY: 0, NONE: 0 };
    for (const group of chosen) {
      const inGroup = (m: Member) =>
        (group.kind === null || m.kind === group.kind) &&
        (group.stratum === null || m.stratum === group.stratum) &&
        (group.wealth_quartile === null || m.wealth_quartile === group.wealth_quartile);
      const own = ownUnits({ kind: group.kind as CollectivityKind | null, populationStratum: group.stratum, wealthQuartile: group.wealth_quartile }) !== null;
      const cells = new Map<string, { shared: Contribution[]; hidden: Contribution[] }>();
      for (const m of members.filter(inGroup)) {
        const key = `${m.kind}|${m.stratum}|${m.wealth_quartile}`;
        const cell = cells.get(key) ?? { shared: [], hidden: [] };
        cells.set(key, cell);
        (m.shared ? cell.shared : cell.hidden).push(contribution(m));
      }
      const exact = [...cells.values()].map((c) => ({ shared: figuresOf(c.shared), hidden: figuresOf(c.hidden) }));
      const truth = shares(figuresOf(members.filter(inGroup).map(contribution)));
      const wholeHidden = figuresOf(members.filter((m) => inGroup(m) && !m.shared).map(contribution));
      for (let release = 0; release < 20; release++) {
        const noisy = (f: Figures) => mapFigures(f, (n) => n + noise());
        const cellReleases: Release[] = exact.map((c) => ({ shared: c.shared, hidden: own ? c.hidden : noisy(c.hidden) }));
        const ownRelease = own ? [{ shared: figuresOf([]), hidden: noisy(wholeHidden) }] : cellReleases;
        const answer = groupAnswer(groupRelease(cellReleases, ownRelease), plan.sigma2, minGroup);
        shown[answer.shown] += 1;
        if (answer.shown === "NONE") continue;
        const released = shares(answer.figures);
        error += released.reduce((sum, s, i) => sum + Math.abs(s - truth[i]!), 0) / released.length;
        measured += 1;
      }
    }
    const sizes = chosen.map((g) => g.contributors).join(", ");
    const mae = measured === 0 ? "all suppressed" : `${((100 * error) / measured).toFixed(2)} pp`;
    report(
      `  mean absolute error of released shares, groups of ${target} or more (${sizes}); shown in full / shared only / suppressed`,
      `${mae}; ${shown.ALL} / ${shown.SHARED_ONLY} / ${shown.NONE}`,
      target >= 500 ? "≤ 5 pp" : "",
    );
  }
}
