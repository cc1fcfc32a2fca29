// The projection figures of `npm run bench`: rebuild throughput and the
// rebuilding process's peak memory on a large log, and the lag from an
// append's commit to its delivery to a subscriber at a steady rate.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import pg from "pg";
import type { CommandContext } from "../src/app/commands.ts";
import { createPool } from "../src/db/client.ts";
import { EventStore } from "../src/eventstore/store.ts";
import { startTestApp, type TestApp } from "../test/support/app.ts";
import { ADMIN_URL, createTestDatabase, type TestDatabase } from "../test/support/database.ts";
import { REDIS_URL, redisAnswers } from "../test/support/redis.ts";
import { subscribeSse } from "../test/support/sse.ts";

type Report = (name: string, value: string, target: string) => void;
const root = fileURLToPath(new URL("..", import.meta.url));
const admin: CommandContext = { principal: { tokenId: "bench", role: "ADMIN", collectivityId: null, subject: "bench" } };

/** `total` more valid events, after `already`: a collectivity first, then matrices of factor additions and revisions. */
async function writeLog(store: EventStore, total: number, already: number): Promise<void> {
  if (already === 0) {
    await store.append({
      streamId: "collectivity-bench",
      streamType: "collectivity",
      expectedVersion: 0,
      metadata: { actor: "bench" },
      events: [
        {
          type: "CollectivityRegistered",
          data: {
            id: "bench",
            name: "Commune de banc d'essai",
            kind: "COMMUNE",
            population: 1000,
            officialCode: null,
            financialPotentialPerCapita: null,
            regionCode: null,
          },
        },
      ],
    });
  }
  const perMatrix = 200;
  const writers = 4;
  const first = Math.ceil(already / perMatrix);
  let next = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let n = next++; n * perMatrix < total; n = next++) {
        const m = first + n;
        const matrixId = `bench-${m}`;
        const events = [{ type: "MatrixOpened", data: { matrixId, collectivityId: "bench", title: `Matrice ${m}` } }];
        for (let i = 1; i < perMatrix; i++) {
          const factorId = `f${i % 40}`;
          events.push(
            i <= 40
              ? ({
                  type: "FactorAdded",
                  data: { id: factorId, kind: "STRENGTH", label: `Force ${i}`, description: null, weight: 1, rating: 3, domain: null, catalogueKey: null },
                } as never)
              : ({ type: "FactorRevised", data: { factorId, changes: { weight: i } } } as never),
          );
        }
        for (let from = 0; from < events.length; from += 100) {
          await store.append({
            streamId: `matrix-${matrixId}`,
            streamType: "matrix",
            ownerId: "bench",
            expectedVersion: from,
            events: events.slice(from, from + 100),
            metadata: { actor: "bench" },
          });
        }
      }
    }),
  );
}

/** Rebuilds every projection in a child process, sampling its resident memory. */
async function rebuildInChild(databaseUrl: string): Promise<{ output: string; peakMb: number; seconds: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/rebuild.ts"], { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl } });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  let peakKb = 0;
  const sampler = setInterval(() => {
    try {
      const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1];
      if (rss) peakKb = Math.max(peakKb, Number(rss));
    } catch {
      // the process has just exited
    }
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`rebuild failed: ${output}`);
  return { output, peakMb: peakKb / 1024, seconds: (performance.now() - started) / 1000 };
}

export async function benchProjections(report: Report): Promise<void> {
  const database = await createTestDatabase();
  try {
    const pool = createPool({ url: database.url, poolSize: 4 });
    const store = new EventStore(pool);
    // Two logs, the second four times the first: a flat memory profile is the same for both.
    const sizes = database.embedded ? [5_000, 20_000] : [50_000, 200_000];
    let written = 0;
    for (const size of sizes) {
      const started = performance.now();
      await writeLog(store, size - written, written);
      written = size;
      report(`log of ${size} events written`, `${((performance.now() - started) / 1000).toFixed(1)} s`, "");
      const rebuild = await rebuildInChild(database.url);
      for (const line of rebuild.output.trim().split("\n")) {
        const rate = /^(\S+): (\d+) events in ([\d.]+) s \((\d+) events\/s\)/.exec(line);
        if (rate) report(`  rebuild ${rate[1]}: ${rate[2]} events in ${rate[3]} s, events/s`, rate[4]!, ">= 5000");
      }
      report(`  rebuild process peak RSS (log of ${size})`, `${rebuild.peakMb.toFixed(0)} MB`, "< 300 MB, flat");
    }
    await pool.end();
  } finally {
    await database.drop();
  }
  await benchLag(report);
}

/**
 * Appends to one matrix at a steady 200 per second and times each from its
 * commit to its arrival over SSE; goes on in rounds of 10 s until `until`
 * settles (one round without it). Returns the lags, sorted.
 */
export async function measureLag(app: TestApp, until?: Promise<unknown>): Promise<number[]> {
  const { commands } = app.services;
  const c = (await commands.registerCollectivity({ name: "Commune du direct", kind: "COMMUNE", population: 100 }, {}, admin)).ids.collectivityId!;
  const matrixId = (await commands.openMatrix({ collectivityId: c, title: "Direct" }, {}, admin)).ids.matrixId!;
  await app.caughtUp();
  const sub = await subscribeSse(app.url, app.adminToken, `subscription($m: ID!) { matrixChanged(matrixId: $m) { event { version } } }`, { m: matrixId });
  await new Promise((r) => setTimeout(r, 1500));
  let finished = until === undefined;
  void until?.finally(() => (finished = true));
  const committed = new Map<number, number>();
  const received = new Map<number, number>();
  const round = 2000;
  let sent = 0;
  // A notification may be handled before the loop below records its
  // commit: both times are kept and paired at the end.
  let listening = true;
  const receiving = (async () => {
    while (listening) {
      const payload = await sub.next(500).catch(() => null);
      if (payload) received.set(payload.data.matrixChanged.event.version as number, performance.now());
    }
  })();
  do {
    const start = performance.now();
    for (let i = 0; i < round; i++) {
      const due = start + i * 5;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      sent++;
      const outcome = await commands.onMatrix("r", { matrixId }, { type: "RenameMatrix", matrixId, title: `Direct ${sent}` }, {}, {}, admin);
      committed.set(outcome.version, performance.now());
    }
  } while (!finished);
  const deadline = Date.now() + 60_000;
  while (received.size < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  listening = false;
  await receiving;
  sub.close();
  if (received.size < sent) throw new Error(`${sent - received.size} notifications never arrived`);
  return [...committed].map(([version, at]) => Math.max(0, received.get(version)! - at)).sort((a, b) => a - b);
}

const p50p99 = (lags: number[]) => {
  const q = (p: number) => lags[Math.min(lags.length - 1, Math.floor(p * lags.length))]!;
  return `${q(0.5).toFixed(1)} ms / ${q(0.99).toFixed(1)} ms`;
};

/** A write transaction held open in another database of the same server until the returned function is called. */
async function neighbourTransaction(): Promise<() => Promise<void>> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  await client.query("BEGIN");
  await client.query("CREATE TEMP TABLE bench_neighbour (n int)");
  return async () => {
    await client.query("ROLLBACK");
    await client.end();
  };
}

/** Starts a BullMQ projection worker on `databaseUrl` when Redis answers, and an API on it; `stop` ends both. */
export async function appWithWorker(database: TestDatabase, env: Record<string, string> = {}) {
  const viaRedis = await redisAnswers();
  const prefix = `bench-${Date.now()}`;
  const base: Record<string, string> = { PILOTIS_RATE_LIMIT_PER_MINUTE: "0", ...env, ...(viaRedis ? { REDIS_URL, PILOTIS_QUEUE_PREFIX: prefix } : {}) };
  const worker = viaRedis
    ? spawn(process.execPath, ["--import", "tsx", "workers/projector.ts"], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: database.url, REDIS_URL, PILOTIS_QUEUE_PREFIX: prefix, PILOTIS_WORKER_PORT: "0", LOG_LEVEL: "error", ...env },
        stdio: "inherit",
      })
    : null;
  const app = await startTestApp(base, { database });
  return {
    app,
    via: viaRedis ? "BullMQ worker + Redis" : "in process",
    async stop() {
      await app.close();
      if (worker) {
        worker.kill("SIGTERM");
        await new Promise((r) => worker.once("exit", r));
      }
    },
  };
}

/** The lag at 200 appends/s, alone and beside a neighbour holding a write transaction in another database. */
export async function benchLag(report: Report): Promise<void> {
  const database = await createTestDatabase();
  const running = await appWithWorker(database);
  try {
    const lags = await measureLag(running.app);
    if (process.env.LAG_TRACE) for (const lag of lags) process.stderr.write(`${lag.toFixed(1)}\n`);
    report(`append → subscriber lag at 200/s (${running.via}) p50 / p99`, p50p99(lags), "p99 < 250 ms");
    if (!database.embedded) {
      const release = await neighbourTransaction();
      try {
        report("  same, another database holding a write transaction open p50 / p99", p50p99(await measureLag(running.app)), "p99 < 250 ms");
      } finally {
        await release();
      }
    }
  } finally {
    await running.stop();
    await database.drop();
  }
}
