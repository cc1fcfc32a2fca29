import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matrixStream } from "../../src/domain/streams.ts";
import { PROJECTORS } from "../../src/projections/index.ts";
import { QUEUE_NAME, queueScheduler, WAKE_INTERVAL_MS } from "../../src/projections/queue.ts";
import { ProjectionRunner } from "../../src/projections/runner.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { createTestDatabase, postgresAnswers, type TestDatabase } from "../support/database.ts";
import { waitForProjections } from "../support/projections.ts";
import { freePort, type OwnRedis, REDIS_URL, redisAnswers, redisServerInstalled, startOwnRedis } from "../support/redis.ts";
import { subscribeSse } from "../support/sse.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const redisUp = await redisAnswers();
if (!redisUp && process.env.CI === "true") throw new Error(`CI=true but Redis does not answer at ${REDIS_URL}`);
if (!redisUp) process.stderr.write(`\n!! Redis does not answer at ${REDIS_URL}: the BullMQ worker tests are SKIPPED\n\n`);
// Worker processes need sessions of their own beside the API's: PGlite's single backend cannot give them.
const postgresUp = await postgresAnswers();
if (redisUp && !postgresUp) process.stderr.write("\n!! PostgreSQL does not answer: the BullMQ worker tests are SKIPPED (they need several sessions)\n\n");

const admin = { principal: { tokenId: "t", role: "ADMIN" as const, collectivityId: null, subject: "admin-direct" } };

function startWorker(database: TestDatabase, redisUrl: string, prefix: string, extra: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "workers/projector.ts"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      PILOTIS_QUEUE_PREFIX: prefix,
      PILOTIS_CATCHUP_MS: "300",
      PILOTIS_WORKER_PORT: "0",
      LOG_LEVEL: "error",
      ...extra,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
}

async function probe(port: number, path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: await res.json() };
}

/** Polls the worker's /ready until it answers `status`; fails after `timeoutMs`. */
async function readyBecomes(port: number, status: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = "no answer";
  for (;;) {
    const answer = await probe(port, "/ready").catch((error) => ({ status: 0, body: String(error) }));
    if (answer.status === status) return answer.body;
    last = answer;
    if (Date.now() > deadline) throw new Error(`/ready did not answer ${status} in time; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stop(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM") {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill(signal);
  await exited;
}

async function readModels(pool: pg.Pool) {
  const q = async (sql: string) => (await pool.query(sql)).rows;
  return {
    views: await q("SELECT matrix_id, version, position, state FROM matrix_views ORDER BY matrix_id"),
    timeline: await q("SELECT * FROM decision_timeline ORDER BY position"),
    directory: await q("SELECT * FROM collectivity_directory ORDER BY collectivity_id"),
    tallies: await q("SELECT * FROM directory_matrix_tallies ORDER BY matrix_id"),
    benchmarkMatrices: await q("SELECT * FROM benchmark_matrices ORDER BY matrix_id"),
    benchmarkMembers: await q("SELECT * FROM benchmark_members ORDER BY collectivity_id"),
  };
}

/** Read models as they are, and as a rebuild from the first event makes them: the two must be equal. */
async function expectEqualToRebuild(pool: pg.Pool) {
  const live = await readModels(pool);
  const runner = new ProjectionRunner(pool, PROJECTORS);
  for (const p of PROJECTORS) await runner.rebuild(p.name);
  expect(await readModels(pool)).toEqual(live);
}

/** Many commands on a few matrices, straight through the command handler. */
async function writeHistory(app: TestApp, matrices: number, factorsEach: number) {
  const { commands } = app.services;
  const c = (await commands.registerCollectivity({ name: `Commune ${Math.random()}`, kind: "COMMUNE", population: 500 }, {}, admin)).ids.collectivityId!;
  const ids: string[] = [];
  for (let m = 0; m < matrices; m++) ids.push((await commands.openMatrix({ collectivityId: c, title: `M${m}` }, {}, admin)).ids.matrixId!);
  await Promise.all(
    ids.map(async (matrixId) => {
      for (let i = 0; i < factorsEach; i++) {
        const factorId = `f${i}`;
        await commands.onMatrix("f", { matrixId }, { type: "AddFactor", matrixId, factorId, kind: "OPPORTUNITY", label: `O${i}` }, {}, {}, admin);
      }
    }),
  );
  return { collectivityId: c, matrixIds: ids };
}

describe.skipIf(!redisUp || !postgresUp)("BullMQ projection workers", () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it("a change made through one API process reaches a subscriber of another, once the worker applied it", async () => {
    const prefix = `test-${Math.random().toString(36).slice(2)}`;
    const worker = startWorker(database, REDIS_URL, prefix);
    const env = { REDIS_URL, PILOTIS_QUEUE_PREFIX: prefix };
    const [one, two] = [await startTestApp(env, { database }), await startTestApp(env, { database })];
    try {
      const c = await one.ok(`mutation { registerCollectivity(input: { name: "Commune diffusée", kind: COMMUNE, population: 3000 }) { collectivity { id } } }`);
      const collectivityId = c.registerCollectivity.collectivity.id;
      const m = await one.ok(`mutation($c: ID!) { openMatrix(input: { collectivityId: $c, title: "En direct" }) { matrix { id } } }`, { c: collectivityId });
      const matrixId = m.openMatrix.matrix.id;
      const events = await subscribeSse(two.url, two.adminToken, `subscription($c: ID!) { collectivityEvents(collectivityId: $c) { type version streamId } }`, {
        c: collectivityId,
      });
      const changes = await subscribeSse(
        two.url,
        two.adminToken,
        `subscription($m: ID!) { matrixChanged(matrixId: $m) { event { type version } matrix { version factors { label } } } }`,
        { m: matrixId },
      );
      // What the worker sends through Redis, as any process subscribed to the matrix's topic hears it.
      const heard: Record<string, unknown>[] = [];
      const listener = new Redis(REDIS_URL);
      listener.on("message", (_channel, message: string) => heard.push(JSON.parse(message)));
      await listener.subscribe(`stream:changed:${matrixStream(matrixId)}`);
      await new Promise((r) => setTimeout(r, 200));
      await one.ok(`mutation($m: ID!) { addFactor(input: { matrixId: $m, kind: THREAT, label: "Isolement" }) { position } }`, { m: matrixId });
      await one.ok(`mutation($m: ID!) { renameMatrix(input: { matrixId: $m, title: "En direct, renommée" }) { position } }`, { m: matrixId });
      expect((await events.next()).data.collectivityEvents).toEqual({ type: "FactorAdded", version: 2, streamId: matrixStream(matrixId) });
      expect((await events.next()).data.collectivityEvents).toMatchObject({ type: "MatrixRenamed", version: 3 });
      const first = (await changes.next()).data.matrixChanged;
      expect(first).toEqual({ event: { type: "FactorAdded", version: 2 }, matrix: { version: 2, factors: [{ label: "Isolement" }] } });
      expect((await changes.next()).data.matrixChanged.event).toEqual({ type: "MatrixRenamed", version: 3 });
      // The matrix stayed behind: the subscriber above read it again, at the event's version.
      expect(heard.map((change) => Object.keys(change).sort())).toEqual([
        ["collectivityId", "event", "visibility"],
        ["collectivityId", "event", "visibility"],
      ]);
      expect(heard[0]).toMatchObject({ collectivityId, visibility: null, event: { type: "FactorAdded", version: 2 } });
      await listener.quit();
      events.close();
      changes.close();
    } finally {
      await one.close();
      await two.close();
      await stop(worker);
    }
  });

  it("a worker killed with SIGKILL in the middle of a batch leaves read models that equal a rebuild once another takes over", async () => {
    const prefix = `test-${Math.random().toString(36).slice(2)}`;
    const app = await startTestApp({ REDIS_URL, PILOTIS_QUEUE_PREFIX: prefix }, { database });
    try {
      await writeHistory(app, 8, 60);
      const victim = startWorker(database, REDIS_URL, prefix, { PILOTIS_PROJECTION_BATCH: "7" });
      const deadline = Date.now() + 20_000;
      for (;;) {
        const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM matrix_views");
        if (rows[0]!.n > 0 || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      await stop(victim, "SIGKILL");
      const behind = (await new ProjectionRunner(pool, PROJECTORS).status()).reduce((n, s) => n + s.eventsBehind, 0);
      expect(behind).toBeGreaterThan(0);
      const heir = startWorker(database, REDIS_URL, prefix);
      try {
        await waitForProjections(pool, 30_000);
      } finally {
        await stop(heir);
      }
      await expectEqualToRebuild(pool);
    } finally {
      await app.close();
    }
  });

  it("recovers by itself when its database connections are cut in the middle of a run", async () => {
    const prefix = `test-${Math.random().toString(36).slice(2)}`;
    const app = await startTestApp({ REDIS_URL, PILOTIS_QUEUE_PREFIX: prefix }, { database });
    await writeHistory(app, 6, 60);
    const worker = startWorker(database, REDIS_URL, prefix, { PILOTIS_PROJECTION_BATCH: "5" });
    try {
      let cut = 0;
      for (const until = Date.now() + 15_000; cut < 3 && Date.now() < until; ) {
        const { rows } = await pool.query<{ n: number }>(
          "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = 'pilotis-worker' AND datname = current_database()",
        );
        cut += rows[0]!.n;
        await new Promise((r) => setTimeout(r, 30));
      }
      expect(cut).toBeGreaterThanOrEqual(3);
      await waitForProjections(pool, 30_000);
      await expectEqualToRebuild(pool);
    } finally {
      await app.close();
      await stop(worker);
    }
  });

  it("two worker processes at once apply and notify each event once, in order per stream", async () => {
    const prefix = `test-${Math.random().toString(36).slice(2)}`;
    const app = await startTestApp({ REDIS_URL, PILOTIS_QUEUE_PREFIX: prefix }, { database });
    const ports = [await freePort(), await freePort()];
    const workers = ports.map((port) => startWorker(database, REDIS_URL, prefix, { PILOTIS_PROJECTION_BATCH: "5", PILOTIS_WORKER_PORT: String(port) }));
    try {
      for (const port of ports) await readyBecomes(port, 200, 20_000);
      const { commands } = app.services;
      const collectivityId = (await commands.registerCollectivity({ name: "Commune partagée", kind: "COMMUNE", population: 900 }, {}, admin)).ids
        .collectivityId!;
      // Its registration is delivered once projected: let that pass before listening.
      await waitForProjections(pool, 10_000);
      const live = await subscribeSse(app.url, app.adminToken, `subscription($c: ID!) { collectivityEvents(collectivityId: $c) { streamId version } }`, {
        c: collectivityId,
      });
      await new Promise((r) => setTimeout(r, 200));
      const matrixIds: string[] = [];
      for (let m = 0; m < 12; m++) matrixIds.push((await commands.openMatrix({ collectivityId, title: `M${m}` }, {}, admin)).ids.matrixId!);
      await Promise.all(
        matrixIds.map(async (matrixId) => {
          for (let i = 0; i < 30; i++) {
            const factorId = `f${i}`;
            await commands.onMatrix("f", { matrixId }, { type: "AddFactor", matrixId, factorId, kind: "STRENGTH", label: factorId }, {}, {}, admin);
          }
        }),
      );
      await waitForProjections(pool, 30_000);
      // Everything is projected: what arrives within another second is all there will be.
      const received: { streamId: string; version: number }[] = [];
      for (;;) {
        const payload = await live.next(1000).catch(() => null);
        if (!payload) break;
        received.push(payload.data.collectivityEvents);
      }
      live.close();
      expect(new Set(received.map((e) => e.streamId))).toEqual(new Set(matrixIds.map((m) => matrixStream(m))));
      for (const matrixId of matrixIds) {
        const versions = received.filter((e) => e.streamId === matrixStream(matrixId)).map((e) => e.version);
        expect(versions).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
      }
      await expectEqualToRebuild(pool);
    } finally {
      await app.close();
      await Promise.all(workers.map((w) => stop(w)));
    }
  });

  it.skipIf(!redisServerInstalled())("a worker's /ready answers 503 while its Redis is down and 200 once it is back", async () => {
    const redis = await startOwnRedis();
    const port = await freePort();
    const worker = startWorker(database, redis.url, "ready", { PILOTIS_WORKER_PORT: String(port) });
    try {
      expect(await readyBecomes(port, 200, 20_000)).toEqual({ status: "ready", checks: { worker: true, database: true } });
      expect((await probe(port, "/health")).status).toBe(200);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toMatch(/^pilotis_projection_events_behind\{projection="matrix-views"\} \d+$/m);
      await redis.kill();
      expect(await readyBecomes(port, 503, 10_000)).toEqual({ status: "not ready", checks: { worker: false, database: true } });
      expect((await probe(port, "/health")).status).toBe(200);
      await redis.start();
      expect(await readyBecomes(port, 200, 20_000)).toEqual({ status: "ready", checks: { worker: true, database: true } });
    } finally {
      await stop(worker);
      await redis.kill();
    }
  });

  it.skipIf(!redisServerInstalled())("recovers by itself when Redis restarts mid-run, losing every job", async () => {
    const redis: OwnRedis = await startOwnRedis();
    const prefix = "restart";
    const app = await startTestApp({ REDIS_URL: redis.url, PILOTIS_QUEUE_PREFIX: prefix }, { database });
    const worker = startWorker(database, redis.url, prefix);
    try {
      await writeHistory(app, 2, 10);
      await waitForProjections(pool, 20_000);
      await redis.kill();
      await writeHistory(app, 2, 10);
      await redis.start();
      await waitForProjections(pool, 20_000);
      await expectEqualToRebuild(pool);
    } finally {
      await app.close();
      await stop(worker);
      await redis.kill();
    }
  });
});

describe.skipIf(!redisUp)("the API's wake-ups", () => {
  it("a burst adds one job, and one more after it for every wake-up that came while it was being added", async () => {
    const prefix = `wakeups-${process.pid}-${Date.now()}`;
    const errors: unknown[] = [];
    const scheduler = queueScheduler(REDIS_URL, prefix, (error) => errors.push(error));
    const queue = new Queue(QUEUE_NAME, { connection: { url: REDIS_URL }, prefix });
    try {
      for (let i = 0; i < 50; i++) scheduler.wake();
      // stop() waits for the jobs being added.
      await scheduler.stop();
      expect(await queue.getWaitingCount()).toBe(2);
      expect(errors).toEqual([]);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it("wakes the workers at most once per interval under a steady stream of appends, and once more after the last", async () => {
    const prefix = `wakeups-${process.pid}-${Date.now()}`;
    const scheduler = queueScheduler(REDIS_URL, prefix, () => undefined);
    const queue = new Queue(QUEUE_NAME, { connection: { url: REDIS_URL }, prefix });
    try {
      const started = Date.now();
      let lastWake = started;
      while (Date.now() - started < 10 * WAKE_INTERVAL_MS) {
        lastWake = Date.now();
        scheduler.wake();
        await new Promise((r) => setTimeout(r, 1));
      }
      await scheduler.stop();
      const jobs = await queue.getWaiting();
      // Eleven intervals at most, and the leading job: a slower machine only adds fewer.
      expect(jobs.length).toBeGreaterThanOrEqual(2);
      expect(jobs.length).toBeLessThanOrEqual(12);
      expect(Math.max(...jobs.map((job) => job.timestamp))).toBeGreaterThanOrEqual(lastWake);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
