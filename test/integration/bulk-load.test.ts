import pg from "pg";
import { describe, expect, it, onTestFinished } from "vitest";
import { CollectivityAggregate, MatrixAggregate } from "../../src/app/aggregates.ts";
import { CommandHandler } from "../../src/app/commands.ts";
import { Repository } from "../../src/app/repository.ts";
import { loadConfig, releasePolicy } from "../../src/config.ts";
import { lockSql } from "../../src/db/locks.ts";
import { benchmarkRefresh } from "../../src/projections/benchmark-groups.ts";
import { benchmarks } from "../../src/projections/benchmarks.ts";
import { BulkLoad } from "../../src/projections/bulk-load.ts";
import { ProjectionRunner } from "../../src/projections/runner.ts";
import { buildMatrix, registerCommune } from "../support/network.ts";
import { useEventStore } from "../support/store.ts";

const fx = useEventStore();

/** A benchmark refresh that holds its releases as `load` says, and what it announced. */
function refreshHeldBy(pool: pg.Pool, load: BulkLoad) {
  const announced: string[] = [];
  const refresh = benchmarkRefresh(pool, {
    debounceMs: 0,
    policy: releasePolicy(loadConfig({})),
    announce: (keys) => void announced.push(...keys),
    holdReleases: (db) => load.holdsReleases(db),
  });
  return { refresh, announced };
}

/** The load: six communes, each with a published matrix. */
async function loadSixCommunes(commands: CommandHandler): Promise<void> {
  for (let i = 0; i < 6; i++) {
    const id = await registerCommune(commands, `Commune ${i}`, 2500 + i);
    await buildMatrix(commands, id, { factors: ["S1"], status: "PUBLISHED" });
  }
}

// A unit's first release holds for a whole window (a quarter by default): the
// demo's first start once showed its communes suppressed for that long,
// released by a refresh that followed a catch-up which had read the log just
// before the load's last appends.
it("a bulk load's benchmarks are released once the projection has applied it whole, not as soon as it ends", async () => {
  const { pool } = fx.connection;
  const commands = new CommandHandler(fx.store, new Repository(fx.store, CollectivityAggregate), new Repository(fx.store, MatrixAggregate));
  const load = new BulkLoad(pool, { url: null });
  const { refresh, announced } = refreshHeldBy(pool, load);
  await load.begin();
  await loadSixCommunes(commands);
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

// With Redis, BullMQ workers project and release benchmarks while an API
// process loads the demo (docker-compose.yml starts exactly that): they know
// of the load only through the database.
describe("a load in another process", () => {
  const other = useEventStore();

  it("holds this process's releases until the benchmarks projection has it whole", async (ctx) => {
    if (other.database.embedded) ctx.skip(); // PGlite: one process, one session, nothing else to tell
    const { pool } = other.connection;
    const commands = new CommandHandler(other.store, new Repository(other.store, CollectivityAggregate), new Repository(other.store, MatrixAggregate));
    const loader = new BulkLoad(pool, { url: other.database.url, pollMs: 20 });
    onTestFinished(() => loader.close());
    // The worker's side: it never loads anything itself.
    const worker = new BulkLoad(pool, { url: other.database.url });
    const { refresh, announced } = refreshHeldBy(pool, worker);
    expect(await worker.holdsReleases()).toBe(false);
    await loader.begin();
    expect(await worker.holdsReleases()).toBe(true);
    await loadSixCommunes(commands);
    const runner = new ProjectionRunner(pool, [benchmarks], { batchSize: 10 });
    expect(await runner.runBatch(benchmarks)).toEqual({ busy: false, count: 10 });
    loader.end(await other.store.headPosition());
    await refresh();
    expect(announced).toEqual([]);
    expect((await pool.query("SELECT key FROM benchmark_cells")).rows).toEqual([]);

    await runner.catchUpOne(benchmarks);
    await expect.poll(() => worker.holdsReleases()).toBe(false);
    await refresh();
    const { rows } = await pool.query<{ contributors: number }>(
      "SELECT (released->'shared'->>'contributors')::int AS contributors FROM benchmark_cells WHERE key = 'COMMUNE|*|*'",
    );
    expect(rows).toEqual([{ contributors: 6 }]);
  });

  it("begins once no refresh is under way, so that a refresh that found no load never releases part of one", async (ctx) => {
    if (other.database.embedded) ctx.skip();
    // A refresh under way anywhere holds the groups' lock; it decided before the load whether to release.
    const refreshing = new pg.Client({ connectionString: other.database.url });
    await refreshing.connect();
    onTestFinished(() => refreshing.end());
    await refreshing.query(lockSql.take("benchmarkGroups"));
    const load = new BulkLoad(other.connection.pool, { url: null });
    let begun = false;
    const beginning = load.begin().then(() => {
      begun = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(begun).toBe(false);
    await refreshing.query(lockSql.release("benchmarkGroups"));
    await beginning;
    expect(load.loading).toBe(true);
  });

  it("lets the others release when the loading process dies", async (ctx) => {
    if (other.database.embedded) ctx.skip();
    const { pool } = other.connection;
    const loader = new BulkLoad(pool, { url: other.database.url });
    onTestFinished(() => loader.close());
    const worker = new BulkLoad(pool, { url: other.database.url });
    await loader.begin();
    expect(await worker.holdsReleases()).toBe(true);
    const { rows } = await pool.query<{ ended: boolean }>(
      `SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
       WHERE application_name = 'pilotis-bulk-load' AND datname = current_database()`,
    );
    expect(rows).toEqual([{ ended: true }]);
    await expect.poll(() => worker.holdsReleases()).toBe(false);
  });
});
