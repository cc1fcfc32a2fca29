import { beforeAll, describe, expect, it } from "vitest";
import { decideCollectivity } from "../../src/domain/collectivity.ts";
import { isValidSiren } from "../../src/domain/siren.ts";
import { type DirectoryFrame, directoryFrame } from "../../src/seed/frame.ts";
import { collectivityPlan, directorySize, kindCounts, type Network, profileAt } from "../../src/seed/synthetic.ts";
import type { TerritoryRows } from "../../src/territory/cog.ts";
import { readTerritoryRows } from "../../src/territory/import.ts";

let rows: TerritoryRows;
let frame: DirectoryFrame;
let national: Network;
beforeAll(async () => {
  rows = await readTerritoryRows();
  frame = directoryFrame(rows);
  national = { collectivities: directorySize(frame), seed: 11, now: new Date("2026-11-26T00:00:00Z"), frame };
});

const tally = <T>(items: T[]) => {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
};

describe("the synthetic network", () => {
  it("at the territory's size, takes every real commune, EPCI, département and région once: each place and kind at its real size", () => {
    const counts = kindCounts(national.collectivities, frame);
    expect(Object.fromEntries(counts)).toEqual({
      REGION: 18,
      DEPARTEMENT: 101,
      COMMUNAUTE_DE_COMMUNES: rows.epci.filter((e) => e.type === "CC").length,
      COMMUNAUTE_D_AGGLOMERATION: rows.epci.filter((e) => e.type === "CA").length,
      COMMUNAUTE_URBAINE: rows.epci.filter((e) => e.type === "CU").length,
      METROPOLE: rows.epci.filter((e) => e.type === "METRO" || e.type === "MET69").length,
      COMMUNE: rows.communes.filter((c) => (c.population ?? 0) > 0).length,
    });
    const profiles = Array.from({ length: national.collectivities }, (_, i) => profileAt(i, national, counts).register);
    const communes = profiles.filter((p) => p.kind === "COMMUNE");
    const real = rows.communes.filter((c) => (c.population ?? 0) > 0);
    expect(tally(communes.map((c) => c.departementCode))).toEqual(tally(real.map((c) => c.departement_code)));
    expect(tally(communes.map((c) => c.epciCode))).toEqual(tally(real.map((c) => c.epci_siren)));
    expect(communes.reduce((n, c) => n + c.population, 0)).toBe(real.reduce((n, c) => n + c.population!, 0));
    expect(tally(profiles.filter((p) => p.kind === "DEPARTEMENT").map((p) => p.regionCode)).get("84")).toBe(12);
  });

  it("names no real collectivity: fictional numbered names, no INSEE code, valid and unique SIREN none of which the directory holds", () => {
    const counts = kindCounts(national.collectivities, frame);
    const profiles = Array.from({ length: national.collectivities }, (_, i) => profileAt(i, national, counts).register);
    const realNames = new Set(rows.communes.map((c) => c.name));
    expect(profiles.filter((p) => realNames.has(p.name) || !/ \d+$/.test(p.name))).toEqual([]);
    expect(profiles.every((p) => p.directory == null)).toBe(true);
    // Every registration is one the domain takes (the collectivités d'outre-mer's codes included).
    for (const register of profiles) decideCollectivity(register, null);
    expect(profiles.every((p) => isValidSiren(p.officialCode!) && !frame.realSirens.has(p.officialCode!))).toBe(true);
    expect(new Set(profiles.map((p) => p.officialCode)).size).toBe(profiles.length);
    const potentials = profiles
      .filter((p) => p.kind === "COMMUNE")
      .map((c) => c.financialPotentialPerCapita)
      .filter((v): v is number => v != null)
      .sort((a, b) => a - b);
    expect(potentials[Math.floor(potentials.length * 0.75)]! / potentials[Math.floor(potentials.length * 0.25)]!).toBeGreaterThan(1.3);
  });

  it("a smaller network keeps the directory's mix, one of every kind at least, drawn by the seed", () => {
    const counts = kindCounts(50, frame);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(50);
    expect([...counts.values()].every((n) => n >= 1)).toBe(true);
    const small = { ...national, collectivities: 50 };
    const drawn = (seed: number) => Array.from({ length: 50 }, (_, i) => profileAt(i, { ...small, seed }, counts).register.population);
    expect(drawn(11)).toEqual(drawn(11));
    expect(drawn(12)).not.toEqual(drawn(11));
    expect(() => kindCounts(national.collectivities + 1, frame)).toThrow("the official territory holds");
  });

  it("is the same for the same seed and differs for another", () => {
    const plan = collectivityPlan(1234, national);
    expect(collectivityPlan(1234, national)).toEqual(plan);
    expect(collectivityPlan(1234, { ...national, seed: 12 })).not.toEqual(plan);
  });

  it("holds at least a million commands at the territory's size, each dated within three years, in order per matrix", () => {
    const counts = kindCounts(national.collectivities, frame);
    let commands = 0;
    const misdated: string[] = [];
    const threeYearsBefore = national.now.getTime() - 3 * 365 * 86_400_000 - 31 * 86_400_000;
    for (let i = 0; i < national.collectivities; i++) {
      const plan = collectivityPlan(i, national, counts);
      commands += 1;
      if (plan.registeredAt.getTime() < threeYearsBefore) misdated.push(`registration ${i}`);
      for (const matrix of plan.matrices) {
        let last = plan.registeredAt.getTime();
        for (const session of matrix.sessions) {
          const at = session.at.getTime();
          if (at <= last || at >= national.now.getTime()) misdated.push(`${matrix.matrixId} at ${session.at.toISOString()}`);
          last = at;
          commands += session.commands.length;
        }
      }
    }
    expect(misdated).toEqual([]);
    expect(commands).toBeGreaterThanOrEqual(1_000_000);
  });
});
