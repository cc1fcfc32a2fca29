import { describe, expect, it } from "vitest";
import { stratumOf } from "../../src/domain/benchmark/peer-groups.ts";
import { isValidSiren } from "../../src/domain/siren.ts";
import { collectivityPlan, kindCounts, profileAt } from "../../src/seed/synthetic.ts";

const options = { collectivities: 36_000, seed: 11, now: new Date("2026-11-26T00:00:00Z") };

describe("the synthetic network", () => {
  it("follows France's mix of kinds at 36,000", () => {
    const counts = kindCounts(36_000);
    const communes = counts.get("COMMUNE")! + counts.get("COMMUNE_NOUVELLE")!;
    const epci = ["COMMUNAUTE_DE_COMMUNES", "COMMUNAUTE_D_AGGLOMERATION", "COMMUNAUTE_URBAINE", "METROPOLE", "ETABLISSEMENT_PUBLIC_TERRITORIAL"].reduce(
      (n, k) => n + counts.get(k as never)!,
      0,
    );
    expect(communes).toBeGreaterThan(34_000);
    expect(epci).toBeGreaterThan(1_200);
    expect(epci).toBeLessThan(1_300);
    expect(counts.get("DEPARTEMENT")! + counts.get("COLLECTIVITE_A_STATUT_PARTICULIER")!).toBe(101);
    expect(counts.get("REGION")).toBe(18);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(36_000);
    expect([...kindCounts(50).values()].reduce((a, b) => a + b, 0)).toBe(50);
  });

  it("is the same for the same seed and differs for another", () => {
    const plan = collectivityPlan(1234, options);
    expect(collectivityPlan(1234, options)).toEqual(plan);
    expect(collectivityPlan(1234, { ...options, seed: 12 })).not.toEqual(plan);
  });

  it("has populations with the real skew, valid and unique SIREN numbers, and a potentiel financier spread per kind", () => {
    const counts = kindCounts(36_000);
    const profiles = Array.from({ length: 36_000 }, (_, i) => profileAt(i, options, counts).register);
    const communes = profiles.filter((p) => p.kind === "COMMUNE");
    expect(communes.filter((c) => c.population < 1_000).length / communes.length).toBeGreaterThan(0.65);
    expect(communes.filter((c) => stratumOf("COMMUNE", c.population).code === "COM-15").length).toBeGreaterThan(0);
    expect(profiles.every((p) => isValidSiren(p.officialCode!))).toBe(true);
    expect(new Set(profiles.map((p) => p.officialCode)).size).toBe(36_000);
    const potentials = communes
      .map((c) => c.financialPotentialPerCapita)
      .filter((v): v is number => v != null)
      .sort((a, b) => a - b);
    expect(potentials[Math.floor(potentials.length * 0.75)]! / potentials[Math.floor(potentials.length * 0.25)]!).toBeGreaterThan(1.3);
  });

  it("holds at least a million commands at 36,000, each dated within three years, in order per matrix", () => {
    const counts = kindCounts(36_000);
    let commands = 0;
    const misdated: string[] = [];
    const threeYearsBefore = options.now.getTime() - 3 * 365 * 86_400_000 - 31 * 86_400_000;
    for (let i = 0; i < 36_000; i++) {
      const plan = collectivityPlan(i, options, counts);
      commands += 1;
      if (plan.registeredAt.getTime() < threeYearsBefore) misdated.push(`registration ${i}`);
      for (const matrix of plan.matrices) {
        let last = plan.registeredAt.getTime();
        for (const session of matrix.sessions) {
          const at = session.at.getTime();
          if (at <= last || at >= options.now.getTime()) misdated.push(`${matrix.matrixId} at ${session.at.toISOString()}`);
          last = at;
          commands += session.commands.length;
        }
      }
    }
    expect(misdated).toEqual([]);
    expect(commands).toBeGreaterThanOrEqual(1_000_000);
  });
});
