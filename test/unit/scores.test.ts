import { describe, expect, it } from "vitest";
import { CATALOGUE, catalogueEntries } from "../../src/domain/catalogue/index.ts";
import { decideMatrix, evolveMatrix, type Factor, type Matrix, type MatrixCommand, type MatrixEvent } from "../../src/domain/matrix.ts";
import { crossMatrix, scoreMatrix, weightedScore } from "../../src/domain/scores.ts";
import { quadrantOf } from "../../src/domain/types.ts";
import { InMemoryStream } from "../support/fold.ts";

const factor = (weight: number, rating: number): Factor => ({
  id: `${weight}-${rating}`,
  kind: "STRENGTH",
  label: "x",
  description: null,
  weight,
  rating,
  domain: null,
  catalogueKey: null,
  removed: false,
});

describe("IFE / EFE scores", () => {
  it("normalises weights per side", () => {
    expect(weightedScore([factor(1, 4), factor(3, 2)])).toBeCloseTo(0.25 * 4 + 0.75 * 2);
    expect(weightedScore([factor(2, 3)])).toBe(3);
  });
  it("gives one number, rounded to 3 decimals, whatever the order of the factors", () => {
    const factors = [factor(0.1, 4), factor(0.2, 1), factor(0.3, 2), factor(0.7, 3)];
    const orders = [
      [0, 1, 2, 3],
      [3, 2, 1, 0],
      [2, 0, 3, 1],
      [1, 3, 0, 2],
    ].map((order) => weightedScore(order.map((i) => factors[i]!)));
    expect(new Set(orders)).toEqual(new Set([2.538]));
    // Summed as floats, this order gave 2.4999999999999996 and the reverse 2.5.
    expect(weightedScore([factor(0.2, 1), factor(0.1, 2), factor(0.7, 3)])).toBe(2.5);
    expect(weightedScore([factor(1, 1), factor(2, 2)])).toBe(1.667);
  });
  it("is null with no factor or only zero weights", () => {
    expect(weightedScore([])).toBeNull();
    expect(weightedScore([factor(0, 4)])).toBeNull();
  });

  it("scores a matrix per side and counts strategies per quadrant, removed factors and abandoned strategies left out", () => {
    const s = new InMemoryStream<Matrix, MatrixCommand, MatrixEvent>(decideMatrix, evolveMatrix);
    s.run({ type: "OpenMatrix", matrixId: "m", collectivityId: "c", title: "t" });
    const add = (factorId: string, kind: "STRENGTH" | "WEAKNESS" | "OPPORTUNITY" | "THREAT", weight: number, rating: number) =>
      s.run({ type: "AddFactor", matrixId: "m", factorId, kind, label: factorId, weight, rating });
    add("s", "STRENGTH", 2, 4);
    add("w", "WEAKNESS", 1, 1);
    add("o", "OPPORTUNITY", 1, 3);
    add("t", "THREAT", 1, 2);
    add("t2", "THREAT", 5, 1);
    s.run({ type: "ProposeStrategy", matrixId: "m", strategyId: "a", internalFactorId: "s", externalFactorId: "o", title: "a" });
    s.run({ type: "ProposeStrategy", matrixId: "m", strategyId: "b", internalFactorId: "w", externalFactorId: "t2", title: "b" });
    s.run({ type: "ProposeStrategy", matrixId: "m", strategyId: "c", internalFactorId: "w", externalFactorId: "t", title: "c" });
    s.run({ type: "RemoveFactor", matrixId: "m", factorId: "t2" });
    const scores = scoreMatrix(s.state!);
    expect(scores.internal).toBeCloseTo((2 / 3) * 4 + (1 / 3) * 1);
    expect(scores.external).toBeCloseTo(0.5 * 3 + 0.5 * 2);
    expect(scores.strategiesByQuadrant).toEqual([
      { quadrant: "SO", count: 1 },
      { quadrant: "WO", count: 0 },
      { quadrant: "ST", count: 0 },
      { quadrant: "WT", count: 1 },
    ]);
    const wt = crossMatrix(s.state!, "WT");
    expect(wt.rows.map((f) => f.id)).toEqual(["w"]);
    expect(wt.columns.map((f) => f.id)).toEqual(["t"]);
    expect(wt.cells).toHaveLength(1);
    expect(wt.cells[0]?.strategies.map((x) => x.id)).toEqual(["c"]);
    const so = crossMatrix(s.state!, "SO");
    expect(so.cells.map((c) => c.strategies.length)).toEqual([1]);
  });
});

describe("catalogue from the seed", () => {
  it("holds the 14 factors, 48 crossed strategies and the toolbox, with unique keys", () => {
    expect(catalogueEntries("FACTOR")).toHaveLength(14);
    expect(catalogueEntries("STRATEGY")).toHaveLength(48);
    expect(catalogueEntries("TOOL")).toHaveLength(22);
    expect(new Set(CATALOGUE.map((e) => e.key)).size).toBe(CATALOGUE.length);
  });
  it("puts every strategy in the quadrant of its two factors", () => {
    const kinds = new Map(catalogueEntries("FACTOR").map((f) => [f.key, f.factorKind!]));
    for (const s of catalogueEntries("STRATEGY")) {
      expect(quadrantOf(kinds.get(s.internalFactorKey!)!, kinds.get(s.externalFactorKey!)!)).toBe(s.quadrant);
    }
    expect(catalogueEntries("STRATEGY").find((s) => s.key === "WT-W4-T2")?.label).toBe(
      "Optimiser le recours aux associations nationales et CNFPT. Parangonage ciblé",
    );
  });
});
