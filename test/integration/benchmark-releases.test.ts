import { afterEach, describe, expect, it } from "vitest";
import { withClient } from "../../src/db/with-client.ts";
import { cellInputs } from "../../src/projections/benchmark-releases.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { admin, buildMatrix, registerCommune } from "../support/network.ts";

// A release pass computes again only the cells the benchmarks projection
// marked stale. Whatever happened in between, what it keeps must be what a
// computation of every cell from scratch gives: a change that marks no cell
// would otherwise stay out of the figures for ever.

let app: TestApp;
afterEach(async () => app?.close());

/** Every cell's kept inputs, as the release passes left them. */
const kept = async () =>
  (
    await app.pool.query<{ key: string; shared: unknown; hidden: unknown; stale: boolean }>(
      "SELECT key, shared, hidden, stale FROM benchmark_cell_inputs ORDER BY key",
    )
  ).rows;

/** Every cell computed again from the members, as if each were stale. */
async function fromScratch() {
  await app.pool.query("UPDATE benchmark_cell_inputs SET stale = true");
  const cells = await withClient(app.pool, (client) => cellInputs(client, new Date()));
  return cells.map((c) => ({ key: c.key, shared: c.shared, hidden: c.hidden, stale: false })).sort((a, b) => a.key.localeCompare(b.key));
}

describe("release passes keep each cell's inputs up to date between them", () => {
  it("through publications, visibility changes, archiving and a move to another stratum, the kept inputs equal a computation from scratch", async () => {
    app = await startTestApp();
    const { commands } = app.services;
    const a = await registerCommune(commands, "Aubagne-les-Bains", 2400, 900);
    const b = await registerCommune(commands, "Bercenay", 2500);
    const c = await registerCommune(commands, "Chalmazel", 40_000);
    const matrixA = await buildMatrix(commands, a, { factors: ["S1", "O1"], strategies: [["SO-S1-O1", "ADOPTED"]], status: "PUBLISHED" });
    const matrixB = await buildMatrix(commands, b, { factors: ["W1", "T1"], status: "PUBLISHED", visibility: "AGGREGATES_ONLY" });
    await app.release();
    expect(await kept()).toEqual(await fromScratch());

    // Each of these changes what one cell holds, without changing any group's exact aggregates for some.
    const on = (matrixId: string, command: Parameters<typeof commands.onMatrix>[2]) => commands.onMatrix("x", { matrixId }, command, {}, {}, admin);
    await on(matrixA, { type: "ChangeMatrixVisibility", matrixId: matrixA, visibility: "AGGREGATES_ONLY" });
    await on(matrixB, { type: "ChangeMatrixVisibility", matrixId: matrixB, visibility: "PUBLIC" });
    await buildMatrix(commands, c, { factors: ["S2"], status: "PUBLISHED" });
    await on(matrixA, { type: "ArchiveMatrix", matrixId: matrixA });
    await commands.updateCollectivityProfile({ collectivityId: b, population: 12_000 }, {}, admin);
    await app.release();

    const after = await kept();
    expect(after.every((cell) => !cell.stale)).toBe(true);
    expect(after).toEqual(await fromScratch());
    // The moves emptied a cell and filled others: all three places are there.
    const contributors: Record<string, number> = Object.fromEntries(after.map((cell: any) => [cell.key, cell.shared.contributors + cell.hidden.contributors]));
    expect(Object.values(contributors).reduce((n, x) => n + x, 0)).toBe(2);
    expect(Object.values(contributors)).toContain(0);
  });
});
