import { expect, it } from "vitest";
import { CollectivityAggregate, MatrixAggregate } from "../../src/app/aggregates.ts";
import { CommandHandler } from "../../src/app/commands.ts";
import { Repository } from "../../src/app/repository.ts";
import { loadConfig, releasePolicy } from "../../src/config.ts";
import { benchmarkRefresh } from "../../src/projections/benchmark-groups.ts";
import { benchmarks } from "../../src/projections/benchmarks.ts";
import { BulkLoad } from "../../src/projections/bulk-load.ts";
import { ProjectionRunner } from "../../src/projections/runner.ts";
import { buildMatrix, registerCommune } from "../support/network.ts";
import { useEventStore } from "../support/store.ts";

const fx = useEventStore();

// A unit's first release holds for a whole window (a quarter by default): the
// demo's first start once showed its communes suppressed for that long,
// released by a refresh that followed a catch-up which had read the log just
// before the load's last appends.
it("a bulk load's benchmarks are released once the projection has applied it whole, not as soon as it ends", async () => {
  const { pool } = fx.connection;
  const commands = new CommandHandler(fx.store, new Repository(fx.store, CollectivityAggregate), new Repository(fx.store, MatrixAggregate));
  const load = new BulkLoad(pool);
  const announced: string[] = [];
  const refresh = benchmarkRefresh(pool, {
    debounceMs: 0,
    policy: releasePolicy(loadConfig({})),
    announce: (keys) => void announced.push(...keys),
    holdReleases: () => load.holdsReleases(),
  });
  load.begin();
  for (let i = 0; i < 6; i++) {
    const id = await registerCommune(commands, `Commune ${i}`, 2500 + i);
    await buildMatrix(commands, id, { factors: ["S1"], status: "PUBLISHED" });
  }
  // The catch-up under way as the load ends has read its first events only.
  const runner = new ProjectionRunner(pool, [benchmarks], { batchSize: 10 });
  expect(await runner.runBatch(benchmarks)).toEqual({ busy: false, count: 10 });
  load.end(await fx.store.headPosition());
  expect(load.loading).toBe(false);
  await refresh();
  expect(announced).toEqual([]);
  expect((await pool.query("SELECT key FROM benchmark_cells")).rows).toEqual([]);

  await runner.catchUpOne(benchmarks);
  await refresh();
  expect(announced).toContain("COMMUNE|*|*");
  const { rows } = await pool.query<{ contributors: number }>(
    "SELECT (released->'shared'->>'contributors')::int AS contributors FROM benchmark_cells WHERE key = 'COMMUNE|*|*'",
  );
  expect(rows).toEqual([{ contributors: 6 }]);
});
