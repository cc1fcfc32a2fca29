import { expect, it } from "vitest";
import type { Matrix } from "../../src/domain/matrix.ts";
import { MatrixCache } from "../../src/projections/matrix-cache.ts";

// Only what the cache reads of a matrix: its id, version and position.
const matrix = (id: string, version: number) => ({ id, version, position: `p-${id}-${version}` }) as Matrix;

it("sends what it remembers with the read, and keeps a remembered state the read confirms even if evicted meanwhile", async () => {
  const cache = new MatrixCache(1);
  const a = matrix("a", 3);
  cache.remember([a]);
  const views = await cache.load(["a", "b"], async (remembered) => {
    expect(remembered).toEqual({ ids: ["a"], versions: [3], positions: ["p-a-3"] });
    // Another batch's matrices push "a" out of a cache of one while the read is on its way.
    cache.remember([matrix("c", 1)]);
    return [
      { matrix_id: "a", state: null },
      { matrix_id: "b", state: matrix("b", 7) },
    ];
  });
  expect(views.get("a")).toBe(a);
  expect(views.get("b")?.version).toBe(7);
});

it("takes the row's state where the read found it moved", async () => {
  const cache = new MatrixCache();
  cache.remember([matrix("a", 3)]);
  const moved = matrix("a", 5);
  const views = await cache.load(["a"], async () => [{ matrix_id: "a", state: moved }]);
  expect(views.get("a")).toBe(moved);
});
