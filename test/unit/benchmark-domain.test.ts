import { describe, expect, it } from "vitest";
import { comparableScores, memberFacts } from "../../src/domain/benchmark/member-facts.ts";
import {
  groupKey,
  groupLabel,
  groupsOf,
  isReleased,
  parseGroupKey,
  placePhrase,
  STRATA,
  stratumOf,
  territorialGroupsOf,
  validGroup,
} from "../../src/domain/benchmark/peer-groups.ts";
import { midRankPercentile } from "../../src/domain/benchmark/statistics.ts";
import { DomainError } from "../../src/domain/errors.ts";
import { type Matrix, NO_ACCOUNTABILITY } from "../../src/domain/matrix.ts";

describe("population strata", () => {
  it("follow the DGF strata of CGCT art. L2334-3 for communes, bounds included where the law puts them", () => {
    const commune = (n: number) => stratumOf("COMMUNE", n).code;
    expect([0, 499, 500, 999, 1_000, 1_999, 2_000, 3_499, 3_500, 4_999, 5_000, 7_499, 7_500, 9_999].map(commune)).toEqual([
      "COM-01",
      "COM-01",
      "COM-02",
      "COM-02",
      "COM-03",
      "COM-03",
      "COM-04",
      "COM-04",
      "COM-05",
      "COM-05",
      "COM-06",
      "COM-06",
      "COM-07",
      "COM-07",
    ]);
    expect(
      [10_000, 14_999, 15_000, 19_999, 20_000, 34_999, 35_000, 49_999, 50_000, 74_999, 75_000, 99_999, 100_000, 199_999, 200_000, 2_100_000].map(commune),
    ).toEqual([
      "COM-08",
      "COM-08",
      "COM-09",
      "COM-09",
      "COM-10",
      "COM-10",
      "COM-11",
      "COM-11",
      "COM-12",
      "COM-12",
      "COM-13",
      "COM-13",
      "COM-14",
      "COM-14",
      "COM-15",
      "COM-15",
    ]);
    expect(STRATA.filter((s) => s.family === "COMMUNE")).toHaveLength(15);
  });

  it("place communes nouvelles with communes, EPCI, départements and régions on strata of their own", () => {
    expect(stratumOf("COMMUNE_NOUVELLE", 1_200).code).toBe("COM-03");
    expect(stratumOf("METROPOLE", 450_000).code).toBe("EPCI-06");
    expect(stratumOf("COMMUNAUTE_DE_COMMUNES", 14_999).code).toBe("EPCI-01");
    expect(stratumOf("DEPARTEMENT", 250_000).code).toBe("DEP-02");
    expect(stratumOf("COLLECTIVITE_A_STATUT_PARTICULIER", 340_000).code).toBe("DEP-02");
    expect(stratumOf("REGION", 12_000_000).code).toBe("REG-04");
  });

  it("have French labels", () => {
    expect(groupLabel({ kind: "COMMUNE", populationStratum: "COM-03", wealthQuartile: 2 })).toBe(
      "Communes, de 1 000 à 1 999 habitants, 2e quartile de potentiel financier",
    );
    expect(groupLabel({ kind: null, populationStratum: "COM-01", wealthQuartile: null })).toBe("Toutes collectivités, moins de 500 habitants");
    expect(groupLabel({ kind: "REGION", populationStratum: "REG-04", wealthQuartile: 1 })).toBe(
      "Régions, 6 000 000 habitants et plus, 1er quartile de potentiel financier",
    );
  });

  it("name families and places as French does, with the article the COG gives each name", () => {
    expect(groupLabel({ kind: null, family: "EPCI_A_FISCALITE_PROPRE", populationStratum: null, wealthQuartile: null })).toBe(
      "Intercommunalités à fiscalité propre",
    );
    const rhone = { level: "DEPARTEMENT", code: "69" } as const;
    expect(groupLabel({ kind: "COMMUNE", populationStratum: "COM-03", wealthQuartile: null, territory: rhone }, placePhrase("Rhône", 2))).toBe(
      "Communes du Rhône, de 1 000 à 1 999 habitants",
    );
    expect(placePhrase("Ain", 5)).toBe("de l'Ain");
    expect(placePhrase("Guadeloupe", 3)).toBe("de la Guadeloupe");
    expect(placePhrase("Bouches-du-Rhône", 4)).toBe("des Bouches-du-Rhône");
    expect(placePhrase("Paris", 0)).toBe("de Paris");
    expect(placePhrase("Auvergne-Rhône-Alpes", 1)).toBe("d'Auvergne-Rhône-Alpes");
    // Before the territory is loaded, a place still reads.
    expect(groupLabel({ kind: null, populationStratum: null, wealthQuartile: null, territory: rhone })).toBe("Toutes collectivités du département 69");
  });
});

describe("peer groups", () => {
  it("a collectivity belongs to every group that leaves its dimensions open or matches them, its family's included", () => {
    const groups = groupsOf({ kind: "COMMUNE", populationStratum: "COM-02", wealthQuartile: 3 }).map(groupKey).sort();
    expect(groups).toEqual([
      "*|*|*",
      "*|*|3",
      "*|COM-02|*",
      "*|COM-02|3",
      "COMMUNES|*|*",
      "COMMUNES|*|3",
      "COMMUNES|COM-02|*",
      "COMMUNES|COM-02|3",
      "COMMUNE|*|*",
      "COMMUNE|*|3",
      "COMMUNE|COM-02|*",
      "COMMUNE|COM-02|3",
    ]);
    // Régions form no family.
    expect(groupsOf({ kind: "REGION", populationStratum: "REG-01", wealthQuartile: null })).toHaveLength(4);
    expect(parseGroupKey("COMMUNE|*|3")).toEqual({ kind: "COMMUNE", family: null, populationStratum: null, wealthQuartile: 3, territory: null });
    expect(parseGroupKey("EPCI_A_FISCALITE_PROPRE|EPCI-03|*|D2A")).toEqual({
      kind: null,
      family: "EPCI_A_FISCALITE_PROPRE",
      populationStratum: "EPCI-03",
      wealthQuartile: null,
      territory: { level: "DEPARTEMENT", code: "2A" },
    });
  });

  it("a collectivity belongs to its département's and its région's groups, of its kind, its family and all kinds", () => {
    const place = { kind: "COMMUNAUTE_D_AGGLOMERATION", populationStratum: "EPCI-04", wealthQuartile: 2, regionCode: "84", departementCode: "42" } as const;
    expect(territorialGroupsOf(place).map(groupKey)).toEqual([
      "COMMUNAUTE_D_AGGLOMERATION|*|*|D42",
      "EPCI_A_FISCALITE_PROPRE|*|*|D42",
      "*|*|*|D42",
      "COMMUNAUTE_D_AGGLOMERATION|*|*|R84",
      "EPCI_A_FISCALITE_PROPRE|*|*|R84",
      "*|*|*|R84",
    ]);
    expect(territorialGroupsOf({ ...place, regionCode: null, departementCode: null })).toEqual([]);
    // Released on the schedule: a place as a whole; the rest is computed when asked, from shared matrices.
    expect(territorialGroupsOf(place).every(isReleased)).toBe(true);
    expect(isReleased(validGroup({ departementCode: "42", populationStratum: "COM-01" }))).toBe(false);
    expect(isReleased(validGroup({ epciCode: "244200770" }))).toBe(false);
    expect(isReleased(validGroup({ kinds: ["COMMUNE", "COMMUNE_NOUVELLE"], wealthQuartile: 2 }))).toBe(true);
  });

  it("refuses a stratum of another kind, an unknown stratum and a quartile outside 1..4, naming the field", () => {
    const refusal = (input: Parameters<typeof validGroup>[0]) => {
      try {
        validGroup(input);
      } catch (error) {
        return error instanceof DomainError ? error.extensions.field : "not a domain error";
      }
      return "accepted";
    };
    expect(refusal({ kind: "REGION", populationStratum: "COM-01" })).toBe("populationStratum");
    expect(refusal({ populationStratum: "COM-99" })).toBe("populationStratum");
    expect(refusal({ wealthQuartile: 5 })).toBe("wealthQuartile");
    expect(refusal({ wealthQuartile: 0 })).toBe("wealthQuartile");
    // A set of kinds that is neither one kind nor a family could cut a group down to one collectivity.
    expect(refusal({ kinds: ["COMMUNE", "METROPOLE"] })).toBe("kinds");
    expect(refusal({ kinds: ["COMMUNAUTE_DE_COMMUNES", "COMMUNAUTE_D_AGGLOMERATION"] })).toBe("kinds");
    expect(refusal({ kind: "COMMUNE", kinds: ["METROPOLE"] })).toBe("kinds");
    expect(refusal({ kinds: ["METROPOLE", "COMMUNAUTE_URBAINE", "COMMUNAUTE_D_AGGLOMERATION", "COMMUNAUTE_DE_COMMUNES"], populationStratum: "COM-01" })).toBe(
      "populationStratum",
    );
    expect(refusal({ regionCode: "84", departementCode: "42" })).toBe("departementCode");
    expect(refusal({ departementCode: "420" })).toBe("departementCode");
    expect(refusal({ regionCode: "8" })).toBe("regionCode");
    expect(validGroup({ regionCode: "987" }).territory).toEqual({ level: "REGION", code: "987" });
    expect(refusal({ epciCode: "24420077" })).toBe("epciCode");
    expect(refusal({ kind: "DEPARTEMENT", epciCode: "244200770" })).toBe("epciCode");
    expect(validGroup({ kinds: ["METROPOLE", "COMMUNAUTE_URBAINE", "COMMUNAUTE_D_AGGLOMERATION", "COMMUNAUTE_DE_COMMUNES"], departementCode: " 2a " })).toEqual(
      {
        kind: null,
        family: "EPCI_A_FISCALITE_PROPRE",
        populationStratum: null,
        wealthQuartile: null,
        territory: { level: "DEPARTEMENT", code: "2A" },
      },
    );
    expect(validGroup({ kinds: ["COMMUNE"] }).kind).toBe("COMMUNE");
    expect(validGroup({ kind: "COMMUNE", populationStratum: " COM-01 ", wealthQuartile: 4 })).toEqual({
      kind: "COMMUNE",
      family: null,
      populationStratum: "COM-01",
      wealthQuartile: 4,
      territory: null,
    });
  });
});

describe("statistics", () => {
  it("a lone member stands at the 50th percentile, tied members share one, and the ends are not 0 and 100", () => {
    expect(midRankPercentile(0, 1, 1)).toBe(50);
    expect(midRankPercentile(0, 4, 4)).toBe(50);
    expect(midRankPercentile(0, 1, 4)).toBe(12.5);
    expect(midRankPercentile(3, 1, 4)).toBe(87.5);
    expect(midRankPercentile(1, 2, 4)).toBe(50);
    expect(midRankPercentile(0, 0, 0)).toBeNull();
  });
});

const decision = (status: string, at: string) => ({ status, reason: null, actor: "a", at, version: 1 }) as never;

const matrix: Matrix = {
  id: "m",
  collectivityId: "c",
  title: "t",
  status: "PUBLISHED",
  version: 9,
  position: "p",
  openedAt: "2026-01-01T00:00:00.000Z",
  publishedAt: "2026-02-01T00:00:00.000Z",
  visibility: "AGGREGATES_ONLY",
  updatedAt: "2026-03-01T00:00:00.000Z",
  factors: {
    a: { id: "a", kind: "STRENGTH", label: "a", description: null, weight: 2, rating: 4, domain: null, catalogueKey: "S1", removed: false },
    b: { id: "b", kind: "WEAKNESS", label: "b", description: null, weight: 1, rating: 1, domain: null, catalogueKey: null, removed: false },
    c: { id: "c", kind: "OPPORTUNITY", label: "c", description: null, weight: 1, rating: 3, domain: null, catalogueKey: "O1", removed: false },
    gone: { id: "gone", kind: "THREAT", label: "x", description: null, weight: 1, rating: 1, domain: null, catalogueKey: "T1", removed: true },
  },
  strategies: {
    s1: {
      id: "s1",
      quadrant: "SO",
      internalFactorId: "a",
      externalFactorId: "c",
      title: "",
      description: null,
      status: "DONE",
      priority: null,
      ...NO_ACCOUNTABILITY,
      catalogueKey: "SO-S1-O1",
      decisions: [
        decision("PROPOSED", "2026-02-02T00:00:00.000Z"),
        decision("ADOPTED", "2026-02-03T00:00:00.000Z"),
        decision("IN_PROGRESS", "2026-02-04T00:00:00.000Z"),
        decision("DONE", "2026-02-05T00:00:00.000Z"),
      ],
    },
    s2: {
      id: "s2",
      quadrant: "WO",
      internalFactorId: "b",
      externalFactorId: "c",
      title: "",
      description: null,
      status: "ABANDONED",
      priority: null,
      ...NO_ACCOUNTABILITY,
      catalogueKey: "WO-W1-O1",
      decisions: [
        decision("PROPOSED", "2026-02-02T00:00:00.000Z"),
        decision("ADOPTED", "2026-02-06T00:00:00.000Z"),
        decision("ABANDONED", "2026-02-07T00:00:00.000Z"),
      ],
    },
    s3: {
      id: "s3",
      quadrant: "SO",
      internalFactorId: "a",
      externalFactorId: "c",
      title: "",
      description: null,
      status: "PROPOSED",
      priority: null,
      ...NO_ACCOUNTABILITY,
      catalogueKey: "SO-S1-O1",
      decisions: [decision("PROPOSED", "2026-02-08T00:00:00.000Z")],
    },
  },
  initiatives: {
    i1: {
      id: "i1",
      title: "",
      description: null,
      removed: false,
      ...NO_ACCOUNTABILITY,
      quadrant: "SO",
      status: "IN_PROGRESS",
      catalogueKey: "TOOL-SO-02",
      strategyIds: [],
      decisions: [decision("PROPOSED", "2026-02-09T00:00:00.000Z"), decision("IN_PROGRESS", "2026-02-10T00:00:00.000Z")],
    },
    // Removed: the network no longer counts it.
    i2: {
      id: "i2",
      title: "",
      description: null,
      removed: true,
      ...NO_ACCOUNTABILITY,
      quadrant: "WT",
      status: "ADOPTED",
      catalogueKey: "TOOL-WT-01",
      strategyIds: [],
      decisions: [decision("PROPOSED", "2026-02-11T00:00:00.000Z"), decision("ADOPTED", "2026-02-12T00:00:00.000Z")],
    },
  },
  indicators: {},
  order: { factors: ["a", "b", "c", "gone"], strategies: ["s1", "s2", "s3"], initiatives: ["i1", "i2"], indicators: [] },
};

describe("what a published matrix contributes", () => {
  it("counts live factors, strategies in the plan, adoption ever, completion, and every decision; not removed initiatives", () => {
    const facts = memberFacts(matrix);
    expect(facts.factorKeys).toEqual(["O1", "S1"]);
    expect(facts.adoptedStrategyKeys).toEqual(["SO-S1-O1", "WO-W1-O1"]);
    expect(facts.strategyStatuses).toEqual({ "SO-S1-O1": "DONE", "WO-W1-O1": "ABANDONED" });
    expect(facts.toolStatuses).toEqual({ "TOOL-SO-02": "IN_PROGRESS" });
    expect(facts.factorCount).toBe(3);
    expect(facts.strategyCount).toBe(2);
    expect(facts.adoptionRate).toBeCloseTo(2 / 3);
    expect(facts.completionRate).toBeCloseTo(1 / 2);
    expect(facts.decisionDates).toHaveLength(10);
  });

  it("weighs a factor with the network's reference weight where one is set, and with its own elsewhere", () => {
    const { scoring } = memberFacts(matrix);
    expect(comparableScores(scoring, new Map())).toEqual({ internal: (2 / 3) * 4 + (1 / 3) * 1, external: 3 });
    const weighed = comparableScores(scoring, new Map([["S1", 1]]));
    expect(weighed.internal).toBeCloseTo(0.5 * 4 + 0.5 * 1);
    expect(weighed.external).toBe(3);
  });
});
