import pg from "pg";
import { describe, expect, it, vi } from "vitest";
import { CollectivityAggregate, MatrixAggregate } from "../../src/app/aggregates.ts";
import { type CommandContext, CommandHandler } from "../../src/app/commands.ts";
import { Repository } from "../../src/app/repository.ts";
import type { MatrixCommand } from "../../src/domain/matrix.ts";
import { matrixStream } from "../../src/domain/streams.ts";
import type { MatrixVisibility } from "../../src/domain/types.ts";
import { PROJECTORS } from "../../src/projections/index.ts";
import { matrixViews } from "../../src/projections/matrix-views.ts";
import type { Applied, Projector } from "../../src/projections/projector.ts";
import { ProjectionRunner } from "../../src/projections/runner.ts";
import { localScheduler } from "../../src/projections/scheduler.ts";
import { useEventStore } from "../support/store.ts";

const fx = useEventStore();
const admin: CommandContext = { principal: { tokenId: "t", role: "ADMIN", collectivityId: null, subject: "admin" } };

const handler = () => new CommandHandler(fx.store, new Repository(fx.store, CollectivityAggregate), new Repository(fx.store, MatrixAggregate));
const runner = (options: ConstructorParameters<typeof ProjectionRunner>[2] = {}, projectors = PROJECTORS) =>
  new ProjectionRunner(fx.connection.pool, projectors, options);

/** Everything the read models hold, in a stable order, for comparing two states of them. */
async function readModels() {
  const q = async (sql: string) => (await fx.connection.pool.query(sql)).rows;
  return {
    views: await q("SELECT matrix_id, collectivity_id, status, published_at, version, position, state FROM matrix_views ORDER BY matrix_id"),
    timeline: await q("SELECT * FROM decision_timeline ORDER BY position"),
    directory: await q("SELECT * FROM collectivity_directory ORDER BY collectivity_id"),
    tallies: await q("SELECT * FROM directory_matrix_tallies ORDER BY matrix_id"),
    benchmarkMatrices: await q("SELECT * FROM benchmark_matrices ORDER BY matrix_id"),
    benchmarkMembers: await q("SELECT * FROM benchmark_members ORDER BY collectivity_id"),
    dirtyGroups: await q("SELECT key, generation > 0 AS marked FROM benchmark_groups WHERE dirty ORDER BY key"),
  };
}

/** The benchmarks projection, held before each batch until `release` is called; `entered` settles when a batch waits. */
function heldBenchmarks() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let enter!: () => void;
  const entered = new Promise<void>((resolve) => (enter = resolve));
  const benchmarks = PROJECTORS.find((p) => p.name === "benchmarks")!;
  const projector: Projector = {
    ...benchmarks,
    async apply(db, events, context) {
      enter();
      await released;
      return benchmarks.apply(db, events, context);
    },
  };
  return { projector, release, entered };
}

/**
 * The projector, with each query its batches make (SQL text and rows) told
 * to `heard`; after `failNext()`, its next batch throws once it has applied,
 * before the checkpoint, as a worker killed there would.
 */
function watchedProjector(projector: Projector, heard: (sql: string, rows: any[]) => void) {
  let failing = false;
  const watched: Projector = {
    ...projector,
    async apply(db, events, context) {
      const watching = new Proxy(db, {
        get: (target, key) =>
          key === "query"
            ? async (...args: unknown[]) => {
                const result = await (target.query as (...a: unknown[]) => Promise<{ rows: any[] }>)(...args);
                heard(typeof args[0] === "string" ? args[0] : (args[0] as { text: string }).text, result.rows);
                return result;
              }
            : Reflect.get(target, key),
      });
      const applied = await projector.apply(watching, events, context);
      if (failing) {
        failing = false;
        throw new Error("killed after applying, before the checkpoint");
      }
      return applied;
    },
  };
  return {
    projector: watched,
    failNext() {
      failing = true;
    },
  };
}

/** A collectivity with a matrix and a little history, published with that visibility (null: left a draft); returns ids. */
async function network(commands: CommandHandler, visibility: MatrixVisibility | null = "NETWORK") {
  const c = (await commands.registerCollectivity({ name: `Commune ${Math.random()}`, kind: "COMMUNE", population: 900 }, {}, admin)).ids.collectivityId!;
  const m = (await commands.openMatrix({ collectivityId: c, title: "Diagnostic" }, {}, admin)).ids.matrixId!;
  const on = (command: MatrixCommand, reason?: string) => commands.onMatrix("x", { matrixId: m }, command, {}, { reason }, admin);
  await on({ type: "AddFactor", matrixId: m, factorId: "s", kind: "STRENGTH", label: "Force" });
  await on({ type: "AddFactor", matrixId: m, factorId: "o", kind: "OPPORTUNITY", label: "Opportunité" });
  await on({ type: "AddFactor", matrixId: m, factorId: "t", kind: "THREAT", label: "Menace" });
  await on({ type: "ProposeStrategy", matrixId: m, strategyId: "a", internalFactorId: "s", externalFactorId: "o", title: "A" });
  await on({ type: "ProposeStrategy", matrixId: m, strategyId: "b", internalFactorId: "s", externalFactorId: "t", title: "B" });
  await on({ type: "ChangeStrategyStatus", matrixId: m, strategyId: "a", status: "ADOPTED" }, "Voté");
  await on({ type: "AddInitiative", matrixId: m, initiativeId: "i", title: "Prix !", quadrant: "SO", strategyIds: ["a"] });
  if (visibility) await on({ type: "PublishMatrix", matrixId: m, visibility });
  await on({ type: "RemoveFactor", matrixId: m, factorId: "t" }, "Hors sujet");
  return { collectivityId: c, matrixId: m };
}

/**
 * The matrix views, pausing in the first batch a rebuild applies to its
 * copies (after applying it, or before) until released.
 */
function rebuildGate(afterApplying: boolean) {
  let pause!: () => void;
  const paused = new Promise<void>((resolve) => (pause = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const projector: Projector = {
    ...matrixViews,
    async apply(db, events, context) {
      const { rows } = await db.query<{ search_path: string }>("SHOW search_path");
      const rebuilding = rows[0]!.search_path.startsWith("rebuild_");
      const applied = afterApplying ? await matrixViews.apply(db, events, context) : [];
      if (rebuilding) {
        pause();
        await released;
      }
      return afterApplying ? applied : matrixViews.apply(db, events, context);
    },
  };
  return { projector, paused, release };
}

describe("projections", () => {
  it("project matrices, the timeline and the directory as the events say", async () => {
    const { collectivityId, matrixId } = await network(handler());
    await runner().catchUp();
    const models = await readModels();
    const folded = await new Repository(fx.store, MatrixAggregate).loadAt(matrixId, {});
    const view = models.views.find((v) => v.matrix_id === matrixId)!;
    expect(view.state).toEqual(folded.state);
    expect(view).toMatchObject({ status: "PUBLISHED", version: folded.version, position: folded.position });
    const decisions = models.timeline.filter((d) => d.matrix_id === matrixId).map((d) => [d.subject_id, d.from_status, d.to_status, d.reason]);
    expect(decisions).toEqual([
      ["a", null, "PROPOSED", null],
      ["b", null, "PROPOSED", null],
      ["a", "PROPOSED", "ADOPTED", "Voté"],
      ["i", null, "PROPOSED", null],
      ["b", "PROPOSED", "ABANDONED", "Hors sujet"],
    ]);
    expect(models.directory.find((d) => d.collectivity_id === collectivityId)).toMatchObject({
      matrix_count: 1,
      factor_count: 2,
      strategies_by_status: { ADOPTED: 1, ABANDONED: 1, PROPOSED: 0 },
    });
  });

  it("count in the directory only the matrices the network may read, and take their counts away when one turns private", async () => {
    const commands = handler();
    const draft = await network(commands, null);
    const aggregatesOnly = await network(commands, "AGGREGATES_ONLY");
    const shared = await network(commands, "PUBLIC");
    await runner().catchUp();
    const counts = async (collectivityId: string) => {
      const row = (await readModels()).directory.find((d) => d.collectivity_id === collectivityId)!;
      return [row.matrix_count, row.factor_count, row.strategies_by_status];
    };
    expect(await counts(draft.collectivityId)).toEqual([0, 0, {}]);
    expect(await counts(aggregatesOnly.collectivityId)).toEqual([0, 0, {}]);
    expect(await counts(shared.collectivityId)).toEqual([1, 2, { ADOPTED: 1, ABANDONED: 1, PROPOSED: 0 }]);
    const change = (matrixId: string, visibility: MatrixVisibility) =>
      commands.onMatrix("x", { matrixId }, { type: "ChangeMatrixVisibility", matrixId, visibility }, {}, {}, admin);
    await change(shared.matrixId, "AGGREGATES_ONLY");
    await change(aggregatesOnly.matrixId, "NETWORK");
    await runner().catchUp();
    expect(await counts(shared.collectivityId)).toEqual([0, 0, {}]);
    expect(await counts(aggregatesOnly.collectivityId)).toEqual([1, 2, { ADOPTED: 1, ABANDONED: 1, PROPOSED: 0 }]);
    const visibilities = (await fx.connection.pool.query("SELECT matrix_id, visibility FROM matrix_views")).rows;
    expect(visibilities).toContainEqual({ matrix_id: shared.matrixId, visibility: "AGGREGATES_ONLY" });
    expect(visibilities).toContainEqual({ matrix_id: draft.matrixId, visibility: null });
  });

  it("read a matrix published before visibilities existed, from its old event in the log, as NETWORK: what it was then", async () => {
    const commands = handler();
    const { collectivityId, matrixId } = await network(commands, null);
    // What the previous version of Pilotis wrote on publishMatrix: an event with no data.
    const { version } = await new Repository(fx.store, MatrixAggregate).load(matrixId);
    await fx.store.append({
      streamId: matrixStream(matrixId),
      streamType: "matrix",
      expectedVersion: version,
      events: [{ type: "MatrixPublished", data: {} }],
      metadata: { actor: "ancienne-version" },
    });
    await runner().catchUp();
    const models = await readModels();
    expect(models.views.find((v) => v.matrix_id === matrixId)!.state).toMatchObject({ status: "PUBLISHED", visibility: "NETWORK" });
    expect(models.directory.find((d) => d.collectivity_id === collectivityId)).toMatchObject({ matrix_count: 1, factor_count: 2 });
    expect((await new Repository(fx.store, MatrixAggregate).load(matrixId)).state).toMatchObject({ visibility: "NETWORK" });
    // The log keeps what was written: upcasting happens on reading, never on the record.
    const stored = await fx.connection.pool.query("SELECT payload FROM events WHERE stream_id = $1 AND type = 'MatrixPublished'", [matrixStream(matrixId)]);
    expect(stored.rows).toEqual([{ payload: {} }]);
    await commands.onMatrix("x", { matrixId }, { type: "ChangeMatrixVisibility", matrixId, visibility: "PUBLIC" }, {}, {}, admin);
    expect((await new Repository(fx.store, MatrixAggregate).load(matrixId)).state).toMatchObject({ visibility: "PUBLIC" });
  });

  it("read strategies and initiatives written before the action plan, from their old events in the log, with no lead, due date, budget or progress", async () => {
    const commands = handler();
    const { matrixId } = await network(commands, null);
    // What the previous version of Pilotis wrote on proposeStrategy and addInitiative.
    const { version } = await new Repository(fx.store, MatrixAggregate).load(matrixId);
    const old = { quadrant: "SO", internalFactorId: "s", externalFactorId: "o", description: null, priority: null, catalogueKey: null };
    await fx.store.append({
      streamId: matrixStream(matrixId),
      streamType: "matrix",
      expectedVersion: version,
      events: [
        { type: "StrategyProposed", data: { id: "ancienne", title: "Ancienne", ...old } },
        { type: "InitiativeAdded", data: { id: "vieille", title: "Vieille", quadrant: "SO", catalogueKey: null, strategyIds: ["ancienne"] } },
      ],
      metadata: { actor: "ancienne-version" },
    });
    await runner().catchUp();
    const none = { lead: null, dueDate: null, budget: null, progress: null };
    const view = (await readModels()).views.find((v) => v.matrix_id === matrixId)!.state;
    expect(view.strategies.ancienne).toMatchObject({ title: "Ancienne", status: "PROPOSED", ...none });
    expect(view.initiatives.vieille).toMatchObject({ title: "Vieille", description: null, removed: false, ...none });
    expect(view.order.strategies.at(-1)).toBe("ancienne");
    // The aggregate folds them alike, and today's commands work on them.
    await commands.onMatrix("x", { matrixId }, { type: "ReviseInitiative", matrixId, initiativeId: "vieille", lead: "Claire Martin" }, {}, {}, admin);
    expect((await new Repository(fx.store, MatrixAggregate).load(matrixId)).state!.initiatives.vieille).toMatchObject({
      lead: "Claire Martin",
      progress: null,
    });
  });

  it("a wake-up delivered twice changes nothing the second time", async () => {
    await network(handler());
    expect(Object.values(await runner().catchUp()).some((n) => n > 0)).toBe(true);
    const once = await readModels();
    expect(await runner().catchUp()).toEqual({ "matrix-views": 0, "collectivity-directory": 0, benchmarks: 0 });
    expect(await readModels()).toEqual(once);
  });

  it("a catch-up that reads up to the head in one batch stops there, without a second round of locking and reading to find nothing", async () => {
    await runner().catchUp();
    const count = async () => Number((await fx.connection.pool.query("SELECT count(*) FROM events")).rows[0].count);
    const before = await count();
    await network(handler());
    const events = (await count()) - before;
    const once = runner();
    const batches = vi.spyOn(once, "runBatch");
    expect(await once.catchUp()).toEqual({ "matrix-views": events, "collectivity-directory": events, benchmarks: events });
    expect(batches).toHaveBeenCalledTimes(PROJECTORS.length);
  });

  it("a batch takes four round trips around its projector's work: lock, transaction and checkpoint; the log; new checkpoint and commit; unlock", async () => {
    // A projection of its own, that writes nothing: the real ones must not skip what it reads.
    const quiet: Projector = { ...matrixViews, name: "round-trips", tables: [], apply: async () => [] };
    const once = runner({}, [quiet]);
    await once.catchUpOne(quiet); // its first batch creates its row
    await network(handler());
    const queries = vi.spyOn(pg.Client.prototype, "query");
    try {
      expect(await once.runBatch(quiet)).toMatchObject({ busy: false });
      // Each statement alone, the batch made seven.
      expect(queries).toHaveBeenCalledTimes(4);
    } finally {
      queries.mockRestore();
    }
    expect((await once.status()).find((s) => s.name === "round-trips")!.eventsBehind).toBe(0);
  });

  it("a batch whose opening fails once its lock is taken leaves no connection holding that lock", async (ctx) => {
    if (fx.database.embedded) ctx.skip(); // one PGlite session: no second worker to be kept out
    await runner().catchUp();
    const real = pg.Client.prototype.query;
    const failing = vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      const result = (real as (...a: unknown[]) => Promise<unknown>).apply(this, args);
      // The server answered the lock, then an error with a SQLSTATE, as a statement timeout would.
      return String(args[0]).includes("pg_try_advisory_lock")
        ? result.then(() => Promise.reject(Object.assign(new Error("canceling statement due to statement timeout"), { code: "57014" })))
        : result;
    } as never);
    try {
      await expect(runner().runBatch(matrixViews)).rejects.toThrow(/could not open a batch of matrix-views/);
    } finally {
      failing.mockRestore();
    }
    // Another worker, on a connection of its own, takes the projection.
    const other = new pg.Pool({ connectionString: fx.database.url, max: 1 });
    try {
      expect(await new ProjectionRunner(other, PROJECTORS).runBatch(matrixViews)).toMatchObject({ busy: false });
    } finally {
      await other.end();
    }
  });

  it("a batch reads back no matrix its runner last wrote, and trusts none another worker or a rolled-back batch moved since", async () => {
    const { matrixId } = await network(handler());
    const add = (factorId: string) =>
      handler().onMatrix("f", { matrixId }, { type: "AddFactor", matrixId, factorId, kind: "WEAKNESS", label: factorId }, {}, {}, admin);
    const read: { matrix_id: string; state: unknown }[] = [];
    const views = watchedProjector(matrixViews, (sql, rows) => {
      if (sql.includes("FROM matrix_views v")) read.push(...rows);
    });
    const mine = runner({}, [views.projector]);
    const viewState = async () => (await readModels()).views.find((v) => v.matrix_id === matrixId)!.state;
    const folded = async () => (await new Repository(fx.store, MatrixAggregate).loadAt(matrixId, {})).state;
    await mine.catchUp();
    await add("x1");
    await mine.catchUp();
    expect(read.at(-1)).toEqual({ matrix_id: matrixId, state: null });

    // Another worker moves the row: its state is read again.
    await add("x2");
    await runner({}, [matrixViews]).catchUp();
    await add("x3");
    await mine.catchUp();
    expect(read.at(-1)!.state).not.toBeNull();
    expect(await viewState()).toEqual(await folded());

    // A batch rolled back after this runner remembered what it wrote.
    await add("x4");
    views.failNext();
    await expect(mine.catchUp()).rejects.toThrow(/killed/);
    await mine.catchUp();
    expect(read.at(-1)!.state).not.toBeNull();
    expect(await viewState()).toEqual(await folded());
    expect(Object.keys((await viewState()).factors)).toEqual(expect.arrayContaining(["x1", "x2", "x3", "x4"]));
  });

  it("a worker dying in the middle of a batch leaves nothing half-applied, and the next run equals a rebuild", async () => {
    await network(handler());
    let calls = 0;
    const dying: Projector[] = PROJECTORS.map((p) => ({
      ...p,
      async apply(db, events, context) {
        const applied = await p.apply(db, events, context);
        if (++calls === 1) throw new Error("killed after writing, before the checkpoint");
        return applied;
      },
    }));
    await expect(runner({}, dying).catchUp()).rejects.toThrow(/killed/);
    await runner().catchUp();
    const live = await readModels();
    for (const p of PROJECTORS) await runner().rebuild(p.name);
    expect(await readModels()).toEqual(live);
  });

  it("with concurrent appenders and two workers running, every event is applied and notified exactly once, in order per stream", async () => {
    const commands = handler();
    const seen: Applied[] = [];
    // Notifying takes a while, as a PUBLISH to Redis does: the other worker must not overtake it.
    const onApplied = async (name: string, applied: Applied[]) => {
      await new Promise((r) => setTimeout(r, Math.random() * 20));
      if (name === "matrix-views") seen.push(...applied);
    };
    const workers = [runner({ batchSize: 7, onApplied }), runner({ batchSize: 5, onApplied })];
    await runner().catchUp();
    let writing = true;
    const projecting = workers.map(async (w) => {
      while (writing) await w.catchUp();
      await w.catchUp();
    });
    const matrices = await Promise.all(Array.from({ length: 6 }, () => network(commands)));
    await Promise.all(
      matrices.map(async ({ matrixId }, n) => {
        for (let i = 0; i < 15; i++) {
          const factorId = `extra-${i}`;
          await handler().onMatrix("f", { matrixId }, { type: "AddFactor", matrixId, factorId, kind: "WEAKNESS", label: `${n}-${i}` }, {}, {}, admin);
        }
      }),
    );
    writing = false;
    await Promise.all(projecting);
    for (const { matrixId } of matrices) {
      const versions = seen.filter((a) => a.event.streamId === matrixStream(matrixId)).map((a) => a.event.version);
      expect(versions).toEqual(versions.map((_, i) => i + 1));
      const folded = await new Repository(fx.store, MatrixAggregate).loadAt(matrixId, {});
      expect(versions).toHaveLength(folded.version);
      const view = (await readModels()).views.find((v) => v.matrix_id === matrixId)!;
      expect(view.state).toEqual(folded.state);
    }
  });

  it("a rebuild from zero equals the live read model, and reports the checkpoint it reached", async () => {
    await network(handler());
    const r = runner();
    await r.catchUp();
    const live = await readModels();
    const before = await r.checkpoints();
    for (const p of PROJECTORS) expect(await r.rebuild(p.name)).toBeGreaterThan(0);
    expect(await readModels()).toEqual(live);
    expect(await r.checkpoints()).toEqual(before);
    const status = await r.status();
    expect(status.map((s) => [s.name, s.eventsBehind])).toEqual([
      ["matrix-views", 0],
      ["collectivity-directory", 0],
      ["benchmarks", 0],
    ]);
  });

  it("a rebuild stalls no live projection, its own included, and swaps in tables equal to the live ones with their indexes' names", async (ctx) => {
    if (fx.database.embedded) ctx.skip(); // one PGlite session cannot hold a rebuild open beside live batches
    const commands = handler();
    await network(commands);
    const r = runner();
    await r.catchUp();
    const indexNames = async () =>
      (await fx.connection.pool.query("SELECT indexname FROM pg_indexes WHERE tablename IN ('matrix_views', 'decision_timeline') ORDER BY indexname")).rows;
    const namesBefore = await indexNames();
    // The rebuild pauses inside its first batch, its transaction open, until released.
    const gate = rebuildGate(true);
    const rebuilding = runner({}, [gate.projector, ...PROJECTORS.filter((p) => p !== matrixViews)]).rebuild("matrix-views");
    await gate.paused;
    const { matrixId } = await network(commands);
    const live = await r.catchUp();
    expect(live["matrix-views"]).toBeGreaterThan(0);
    expect(live["collectivity-directory"]).toBeGreaterThan(0);
    const view = await fx.connection.pool.query("SELECT version FROM matrix_views WHERE matrix_id = $1", [matrixId]);
    expect(view.rows[0]?.version).toBe((await fx.store.readStream(matrixStream(matrixId))).length);
    gate.release();
    await rebuilding;
    const afterSwap = await readModels();
    const fresh = runner();
    await fresh.catchUp();
    expect(await readModels()).toEqual(afterSwap);
    for (const p of PROJECTORS) await fresh.rebuild(p.name);
    expect((await readModels()).views).toEqual(afterSwap.views);
    expect(await indexNames()).toEqual(namesBefore);
    const schemas = await fx.connection.pool.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rebuild_%'");
    expect(schemas.rows).toEqual([]);
  });

  it("a rebuild never applies what the live projection has not, so every event still reaches subscribers once", async (ctx) => {
    if (fx.database.embedded) ctx.skip();
    const commands = handler();
    const notified: string[] = [];
    // Every runner announces what it applies, as the worker and the rebuild command do.
    const announce = (name: string, applied: Applied[]) => void (name === "matrix-views" && notified.push(...applied.map((a) => a.event.position)));
    const live = runner({ onApplied: announce });
    await network(commands);
    await live.catchUp();
    notified.length = 0;
    const gate = rebuildGate(false);
    const rebuilding = runner({ onApplied: announce }, [gate.projector]).rebuild("matrix-views");
    await gate.paused;
    const { matrixId } = await network(commands); // written while the rebuild runs, not yet projected live
    gate.release();
    await rebuilding;
    await live.catchUp();
    const written = (await fx.store.readStream(matrixStream(matrixId))).map((e) => e.position);
    expect(notified.filter((p) => written.includes(p))).toEqual(written);
  });

  it("a projection whose rows older code wrote is rebuilt from the first event; one newer code wrote is left alone", async () => {
    await network(handler());
    const r = runner();
    await r.catchUp();
    const built = await readModels();
    const q = (sql: string) => fx.connection.pool.query(sql);
    await q("UPDATE matrix_views SET state = jsonb_set(state::jsonb, '{title}', '\"écrit par une version plus ancienne\"')::json");
    await q(`UPDATE projections SET version = ${matrixViews.version - 1} WHERE name = 'matrix-views'`);
    await r.catchUp();
    expect(await readModels()).toEqual(built);
    expect((await q("SELECT version FROM projections WHERE name = 'matrix-views'")).rows[0].version).toBe(matrixViews.version);
    await q(`UPDATE projections SET version = ${matrixViews.version + 1} WHERE name = 'matrix-views'`);
    await network(handler());
    expect((await r.catchUp())["matrix-views"]).toBe(0);
    expect((await readModels()).views).toEqual(built.views);
    await q(`UPDATE projections SET version = ${matrixViews.version} WHERE name = 'matrix-views'`);
    await r.catchUp();
  });

  it("the admin's status says when each projection last ran, and its last failure until a batch succeeds", async () => {
    await network(handler());
    const failing: Projector = {
      ...matrixViews,
      apply: async () => {
        throw new Error("disque plein");
      },
    };
    await expect(runner({}, [failing]).catchUp()).rejects.toThrow("disque plein");
    const failed = (await runner().status()).find((s) => s.name === "matrix-views")!;
    expect(failed.lastError).toBe("disque plein");
    const started = new Date();
    await runner().catchUp();
    const healed = (await runner().status()).find((s) => s.name === "matrix-views")!;
    expect(healed.lastError).toBeNull();
    expect(healed.lastRunAt!.getTime()).toBeGreaterThanOrEqual(started.getTime() - 1000);
  });

  it("the benchmarks keep no copy of a draft; its first publication folds it from its stream, as the matrix views hold it", async () => {
    const commands = handler();
    const { collectivityId, matrixId } = await network(commands, null);
    await runner().catchUp();
    const copy = async () => (await fx.connection.pool.query("SELECT state FROM benchmark_matrices WHERE matrix_id = $1", [matrixId])).rows;
    expect(await copy()).toEqual([]);
    await commands.onMatrix("x", { matrixId }, { type: "PublishMatrix", matrixId, visibility: "NETWORK" }, {}, {}, admin);
    await runner().catchUp();
    const { rows: views } = await fx.connection.pool.query("SELECT state FROM matrix_views WHERE matrix_id = $1", [matrixId]);
    expect(await copy()).toEqual(views);
    const { rows: member } = await fx.connection.pool.query("SELECT matrix_id, strategy_count FROM benchmark_members WHERE collectivity_id = $1", [
      collectivityId,
    ]);
    // Strategy B went with the threat removed: A alone is in the plan.
    expect(member).toEqual([{ matrix_id: matrixId, strategy_count: 1 }]);
  });

  it("the benchmarks publish a draft their runner saw whole from memory; one another worker or a rolled-back batch moved is read from its stream", async () => {
    const commands = handler();
    const benchmarks = PROJECTORS.find((p) => p.name === "benchmarks")!;
    let streamReads = 0;
    const watched = watchedProjector(benchmarks, (sql) => {
      if (sql.includes("AS wanted(stream_id, to_version)")) streamReads++;
    });
    const on = (matrixId: string, command: MatrixCommand) => commands.onMatrix("x", { matrixId }, command, {}, {}, admin);
    const addFactor = (matrixId: string, factorId: string) => on(matrixId, { type: "AddFactor", matrixId, factorId, kind: "WEAKNESS", label: factorId });
    const publish = (matrixId: string) => on(matrixId, { type: "PublishMatrix", matrixId, visibility: "NETWORK" });
    const mine = runner({}, [matrixViews, watched.projector]);
    /** A draft this runner sees open and edited, then `meanwhile`, then its publication: how many stream reads that took. */
    const publishedDraft = async (meanwhile: (matrixId: string) => Promise<void>) => {
      const before = streamReads;
      const { matrixId } = await network(commands, null);
      await mine.catchUp();
      await addFactor(matrixId, "w1");
      await meanwhile(matrixId);
      await publish(matrixId);
      await mine.catchUp();
      const state = async (table: string) => (await fx.connection.pool.query(`SELECT state FROM ${table} WHERE matrix_id = $1`, [matrixId])).rows;
      expect(await state("benchmark_matrices")).toEqual(await state("matrix_views"));
      return streamReads - before;
    };

    // Seen from its opening, over several batches: published without a read.
    expect(await publishedDraft(() => mine.catchUp().then(() => undefined))).toBe(0);
    // Another worker applied some of its events: this runner's memory of it is behind.
    expect(
      await publishedDraft(async (matrixId) => {
        await runner({}, [matrixViews, benchmarks]).catchUp();
        await addFactor(matrixId, "w2");
      }),
    ).toBe(1);
    // A batch rolled back after this runner folded it: its memory is ahead of the checkpoint.
    expect(
      await publishedDraft(async () => {
        watched.failNext();
        await expect(mine.catchUp()).rejects.toThrow(/killed/);
      }),
    ).toBe(1);
  });

  it("a catch-up runs the projections side by side: the matrix views go on while the benchmarks are still applying", async (ctx) => {
    if (fx.database.embedded) ctx.skip(); // a batch held open keeps PGlite's one session from everything else
    await runner().catchUp();
    // First in the list: a catch-up of one projection after the other would wait on it.
    const { projector: slow, release } = heldBenchmarks();
    const { matrixId } = await network(handler());
    const catchingUp = runner({}, [slow, matrixViews]).catchUp();
    try {
      await expect.poll(async () => (await fx.connection.pool.query("SELECT 1 FROM matrix_views WHERE matrix_id = $1", [matrixId])).rowCount).toBe(1);
    } finally {
      release();
    }
    expect(Object.keys(await catchingUp).sort()).toEqual(["benchmarks", "matrix-views"]);
  });

  it("the work after a catch-up (the groups' refresh) follows the benchmarks projection's catch-up, not another's", async (ctx) => {
    if (fx.database.embedded) ctx.skip(); // a batch held open keeps PGlite's one session from everything else
    await runner().catchUp();
    const { projector: slow, release } = heldBenchmarks();
    const behindAtRefresh: number[] = [];
    const afterCatchUp = {
      of: "benchmarks",
      run: async () => {
        const status = await runner().status();
        behindAtRefresh.push(status.find((s) => s.name === "benchmarks")!.eventsBehind);
        return { againInMs: null };
      },
    };
    const { matrixId } = await network(handler());
    const scheduler = localScheduler(runner({}, [matrixViews, slow]), { catchUpMs: 60_000, onError: () => undefined, afterCatchUp });
    try {
      // The matrix views caught up while the benchmarks wait: no refresh yet.
      await expect.poll(async () => (await fx.connection.pool.query("SELECT 1 FROM matrix_views WHERE matrix_id = $1", [matrixId])).rowCount).toBe(1);
      await new Promise((r) => setTimeout(r, 300));
      expect(behindAtRefresh).toEqual([]);
      release();
      await expect.poll(() => behindAtRefresh.length).toBeGreaterThan(0);
      expect(behindAtRefresh[0]).toBe(0);
    } finally {
      release();
      await scheduler.stop();
    }
  });

  it("a lane woken while it runs lets the next edits gather for settleMs before running again; woken idle, it runs at once", async (ctx) => {
    if (fx.database.embedded) ctx.skip(); // a batch held open keeps PGlite's one session from everything else
    await runner().catchUp();
    const settleMs = 2_000;
    const batches: { started: number; ended: number; events: number }[] = [];
    let hold = () => Promise.resolve();
    const recording: Projector = {
      ...matrixViews,
      async apply(db, events, context) {
        const started = performance.now();
        await hold();
        const applied = await matrixViews.apply(db, events, context);
        batches.push({ started, ended: performance.now(), events: events.length });
        return applied;
      },
    };
    let release!: () => void;
    hold = () => new Promise<void>((resolve) => (release = resolve));
    const { matrixId } = await network(handler());
    // A scheduler's first catch-up, at its start, is a wake-up with nothing running.
    const wokenIdle = performance.now();
    const scheduler = localScheduler(runner({}, [recording]), { catchUpMs: 60_000, settleMs, onError: () => undefined });
    try {
      await expect.poll(() => release !== undefined).toBe(true);
      // Woken again while its batch runs, by edits that follow each other.
      const on = (factorId: string) =>
        handler().onMatrix("f", { matrixId }, { type: "AddFactor", matrixId, factorId, kind: "WEAKNESS", label: factorId }, {}, {}, admin);
      await on("w1");
      scheduler.wake();
      hold = () => Promise.resolve();
      release();
      await on("w2");
      scheduler.wake();
      await expect.poll(() => batches.length).toBe(2);
      const { version } = await new Repository(fx.store, MatrixAggregate).loadAt(matrixId, {});
      await expect.poll(async () => (await readModels()).views.find((v) => v.matrix_id === matrixId)?.version).toBe(version);
      const [first, second] = batches as [(typeof batches)[0], (typeof batches)[0]];
      expect(first.started - wokenIdle).toBeLessThan(settleMs);
      expect(second.started - first.ended).toBeGreaterThanOrEqual(settleMs - 1);
      // Both edits made while it waited are applied together.
      expect(second.events).toBe(2);
    } finally {
      release();
      await scheduler.stop();
    }
  });

  it("a slow projection holds up no other: the matrix views go on while the benchmarks are still applying", async (ctx) => {
    if (fx.database.embedded) ctx.skip(); // a batch held open keeps PGlite's one session from everything else
    await runner().catchUp();
    // First in the list, as a catch-up of every projection in turn would wait on it.
    const { projector: slow, release, entered: blocked } = heldBenchmarks();
    const scheduler = localScheduler(runner({}, [slow, matrixViews]), { catchUpMs: 60_000, onError: () => undefined });
    try {
      const { matrixId } = await network(handler());
      scheduler.wake();
      await blocked;
      await expect.poll(async () => (await fx.connection.pool.query("SELECT 1 FROM matrix_views WHERE matrix_id = $1", [matrixId])).rowCount).toBe(1);
    } finally {
      release();
      await scheduler.stop();
    }
  });
});
