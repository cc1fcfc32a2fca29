import { describe, expect, it } from "vitest";
import { validGroup } from "../../src/domain/benchmark/peer-groups.ts";
import {
  binOf,
  type Contribution,
  distributionOf,
  FACTOR_KEYS,
  figuresOf,
  groupAnswer,
  groupRelease,
  mapFigures,
  percentileIn,
  readFigures,
  SENSITIVITY_SQUARED,
  STRATEGY_KEYS,
  sumFigures,
} from "../../src/domain/benchmark/release.ts";
import { epsilonOf, releasePlan, releaseWindow } from "../../src/domain/privacy/budget.ts";
import { ownUnits, PLACE_SHARE, releasePlanOf } from "../../src/projections/benchmark-releases.ts";

const member = (factorKeys: string[], adopted: string[], factorCount: number | null, adoptionRate: number | null = null): Contribution => ({
  factorKeys,
  adoptedStrategyKeys: adopted,
  metrics: {
    FACTOR_COUNT: factorCount,
    STRATEGY_COUNT: null,
    ADOPTION_RATE: adoptionRate,
    COMPLETION_RATE: null,
    DECISIONS_LAST_90_DAYS: null,
    INTERNAL_SCORE: null,
    EXTERNAL_SCORE: null,
  },
});

describe("released figures", () => {
  it("count each collectivity once per key, and sum across cells", () => {
    const a = figuresOf([member(["S1", "S1", "O2"], ["SO-S1-O1"], 3), member(["S1"], [], 1)]);
    const b = figuresOf([member(["T3"], ["SO-S1-O1"], 7)]);
    const total = sumFigures([a, b]);
    expect(total.contributors).toBe(3);
    expect(total.prevalence[FACTOR_KEYS.indexOf("S1")]).toBe(2);
    expect(total.prevalence[FACTOR_KEYS.indexOf("T3")]).toBe(1);
    expect(total.adoption[STRATEGY_KEYS.indexOf("SO-S1-O1")]).toBe(2);
    expect(total.histograms[0]!.filter((n) => n > 0)).toEqual([1, 1, 1]);
    // One contribution can move at most this many coordinates, each by one: what the noise is scaled to.
    expect(SENSITIVITY_SQUARED).toBe(1 + 14 + 48 + 7);
  });

  it("read as a person reads them: no negative count, shares within 0..1, counts within the contributors", () => {
    const noisy = mapFigures(figuresOf([member(["S1"], [], 2), member(["S1"], [], 2)]), (n) => n - 3);
    noisy.contributors = 4;
    noisy.prevalence[0] = 9;
    const read = readFigures(noisy);
    expect(read.contributors).toBe(4);
    expect(read.prevalence[0]).toEqual({ key: FACTOR_KEYS[0], count: 4, share: 1 });
    expect(read.prevalence.slice(1).every((p) => p.count === 0 && p.share === 0)).toBe(true);
  });

  it("quartiles and percentiles from a histogram, members spread evenly across their bin", () => {
    expect(binOf("ADOPTION_RATE", 0.3)).toBe(3);
    expect(binOf("ADOPTION_RATE", 1)).toBe(9);
    expect(binOf("FACTOR_COUNT", 45)).toBe(20);
    const hist = figuresOf([0.05, 0.15, 0.25, 0.35].map((rate) => member([], [], null, rate))).histograms[2]!;
    const d = distributionOf("ADOPTION_RATE", hist);
    expect(d.median).toBeCloseTo(0.2, 9);
    expect(d.p25).toBeCloseTo(0.1, 9);
    expect(d.mean).toBeCloseTo(0.2, 9);
    expect(percentileIn("ADOPTION_RATE", hist, 0.05)).toBe(12.5);
    expect(percentileIn("ADOPTION_RATE", hist, 0.95)).toBe(100);
    expect(
      distributionOf(
        "ADOPTION_RATE",
        hist.map(() => -2),
      ).median,
    ).toBeNull();
  });
});

describe("the privacy budget", () => {
  it("scales the noise to a release's ρ, adds up a year of releases, and says what (ε, δ) that is", () => {
    const plan = releasePlan({ releaseSeconds: 7_889_400, rhoPerRelease: 0.25, sensitivitySquared: 70 });
    expect(plan.releasesPerYear).toBe(4);
    expect(plan.rhoPerYear).toBe(1);
    expect(plan.sigma2).toBe(140);
    expect(plan.epsilonPerYear).toBeCloseTo(1 + 2 * Math.sqrt(Math.log(1e6)), 9);
    expect(epsilonOf(0.25, 1e-6)).toBeCloseTo(3.967, 3);
  });

  it("splits a release's ρ between kinds and places so that, summed over the six units a collectivity sits in, it costs ρ", () => {
    const plan = releasePlanOf({ releaseSeconds: 7_889_400, rhoPerRelease: 0.25 });
    const cost = (units: number, sigma2: number) => (units * SENSITIVITY_SQUARED) / (2 * sigma2);
    expect(cost(4, plan.sigma2) + cost(2, plan.placeSigma2)).toBeCloseTo(0.25, 12);
    expect(cost(2, plan.placeSigma2) / 0.25).toBeCloseTo(PLACE_SHARE, 12);
    expect(Math.sqrt(plan.sigma2)).toBeCloseTo(24.94, 2);
    expect(Math.sqrt(plan.placeSigma2)).toBeCloseTo(52.92, 2);
    expect(plan.epsilonPerYear).toBeCloseTo(8.43, 2);
  });

  it("reads each group's noise from the fewest units: its own, one per kind of a family, one per kind in a place", () => {
    expect(ownUnits(validGroup({ kind: "COMMUNE", populationStratum: "COM-02" }))).toEqual(["COMMUNE|COM-02|*"]);
    expect(ownUnits(validGroup({}))).toEqual(["*|*|*"]);
    expect(ownUnits(validGroup({ kinds: ["COMMUNE", "COMMUNE_NOUVELLE"] }))).toEqual(["COMMUNE|*|*", "COMMUNE_NOUVELLE|*|*"]);
    expect(ownUnits(validGroup({ kind: "METROPOLE", departementCode: "69" }))).toEqual(["METROPOLE|*|*|D69"]);
    expect(ownUnits(validGroup({ regionCode: "84" }))).toHaveLength(10);
    // A quartile, or every kind at one stratum: the sum of the cells.
    expect(ownUnits(validGroup({ kind: "COMMUNE", wealthQuartile: 2 }))).toBeNull();
    expect(ownUnits(validGroup({ populationStratum: "COM-02" }))).toBeNull();
  });

  it("releases at multiples of the period: every group changes at the same instants", () => {
    const w = releaseWindow(new Date("2026-11-26T14:00:00Z"), 86_400);
    expect(w).toEqual({ opened: new Date("2026-11-26T00:00:00Z"), next: new Date("2026-11-27T00:00:00Z") });
  });
});

describe("what a group answers from its released units", () => {
  const unit = (shared: number, hidden: number) => ({
    shared: figuresOf(Array.from({ length: shared }, () => member(["S1"], [], 1))),
    hidden: mapFigures(figuresOf(Array.from({ length: hidden }, () => member(["O1"], [], 2))), (n) => n),
  });

  it("shared and noisy figures together once contributors outnumber six standard deviations of the noise", () => {
    const answer = groupAnswer(groupRelease([unit(40, 80), unit(0, 10)], [unit(40, 80), unit(0, 10)]), 100, 5);
    expect(answer.shown).toBe("ALL");
    if (answer.shown === "ALL") expect(answer.figures.contributors).toBe(130);
    // Two cells' noise is √2 times one: 130 < 6 × √(2 × 900).
    expect(groupAnswer(groupRelease([unit(40, 80), unit(0, 10)], [unit(40, 80), unit(0, 10)]), 900, 5).shown).toBe("SHARED_ONLY");
  });

  it("a kind or the network reads the noise of its own unit, not the sum of its cells'", () => {
    const cells = Array.from({ length: 50 }, () => unit(1, 2));
    expect(groupAnswer(groupRelease(cells, cells), 100, 5).shown).toBe("SHARED_ONLY");
    const own = { shared: figuresOf([]), hidden: sumFigures(cells.map((c) => c.hidden)) };
    const answer = groupAnswer(groupRelease(cells, [own]), 100, 5);
    expect(answer.shown).toBe("ALL");
    if (answer.shown === "ALL") expect(answer.figures.contributors).toBe(150);
  });

  it("nothing below k, saying whether too few contribute or the noise would drown them", () => {
    expect(groupAnswer(groupRelease([unit(2, 1)], [unit(2, 1)]), 100, 5)).toEqual({ shown: "NONE", reason: "FEW" });
    expect(groupAnswer(groupRelease([unit(2, 30)], [unit(2, 30)]), 100, 5)).toEqual({ shown: "NONE", reason: "NOISY" });
  });
});
