// `npm run worker`: the BullMQ worker that runs the projections. Needs
// DATABASE_URL and REDIS_URL; several may run at once.
import { createServer } from "node:http";
import { publishApplied, publishBenchmarks } from "../src/app/live.ts";
import { loadConfig, releasePolicy } from "../src/config.ts";
import { createPool } from "../src/db/client.ts";
import { migrate } from "../src/db/migrator.ts";
import { createLogger } from "../src/logger.ts";
import { reportFailures } from "../src/observability/failures.ts";
import { createMetrics, serveMetrics } from "../src/observability/metrics.ts";
import { benchmarkRefresh } from "../src/projections/benchmark-groups.ts";
import { benchmarks } from "../src/projections/benchmarks.ts";
import { BulkLoad } from "../src/projections/bulk-load.ts";
import { PROJECTORS } from "../src/projections/index.ts";
import { startProjectionWorker } from "../src/projections/queue.ts";
import { redisLiveEvents } from "../src/projections/redis-host.ts";
import { ProjectionRunner } from "../src/projections/runner.ts";
import { readiness } from "../src/readiness.ts";

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
if (!config.DATABASE_URL || !config.REDIS_URL) {
  logger.fatal("the worker needs DATABASE_URL and REDIS_URL; without Redis, `npm start` runs the projections itself");
  process.exit(2);
}

await migrate(config.PILOTIS_MIGRATION_DATABASE_URL ?? config.DATABASE_URL, { runtimeRole: config.PILOTIS_DB_RUNTIME_ROLE });
const pool = createPool({
  url: config.DATABASE_URL,
  poolSize: 4,
  applicationName: "pilotis-worker",
  onError: reportFailures(logger, "a database connection failed; the pool replaces it"),
});
const onRedisError = reportFailures(logger, "Redis unavailable: notifications and jobs wait for it (the worker's own timer goes on)");
const redis = redisLiveEvents(config.REDIS_URL, onRedisError);
const runner = new ProjectionRunner(pool, PROJECTORS, {
  batchSize: config.PILOTIS_PROJECTION_BATCH,
  onApplied: async (name, applied) => {
    logger.debug({ projection: name, applied: applied.length }, "batch applied");
    publishApplied(redis.live, applied);
    await redis.flushed();
  },
});
const onError = (error: unknown) => logger.error({ err: error }, "projection failed");
// Never loads anything itself: it only hears, through the database, of an API process loading the demo.
const bulkLoad = new BulkLoad(pool, { url: config.DATABASE_URL });
const metrics = createMetrics({ projectionStatus: () => runner.status() });
// No wait for Redis here: an announcement only says "read this group again",
// so its order does not matter, and an outage must not slow the refresh.
const afterCatchUp = {
  of: benchmarks.name,
  run: benchmarkRefresh(pool, {
    debounceMs: config.PILOTIS_BENCHMARK_DEBOUNCE_MS,
    policy: releasePolicy(config),
    announce: (keys) => publishBenchmarks(redis.live, keys),
    holdReleases: (db) => bulkLoad.holdsReleases(db),
  }),
};
const worker = await startProjectionWorker(config.REDIS_URL, runner, {
  catchUpMs: config.PILOTIS_CATCHUP_MS,
  settleMs: config.PILOTIS_PROJECTION_SETTLE_MS,
  prefix: config.PILOTIS_QUEUE_PREFIX,
  onError,
  onRedisError,
  afterCatchUp,
});
// /health and /ready for orchestrators: ready means this worker takes jobs,
// not only that Redis answers (BullMQ workers have been seen to stop fetching
// after an outage while their connection looked fine).
const probe = createServer((req, res) => {
  const path = (req.url ?? "/").split("?")[0];
  if (path === "/health") return void res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
  if (path === "/metrics") return void serveMetrics(metrics.registry, res);
  if (path !== "/ready") return void res.writeHead(404).end();
  void readiness({ worker: () => worker.ready(), database: () => pool.query("SELECT 1").then(() => true) }).then(({ ready, checks }) =>
    res.writeHead(ready ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify({ status: ready ? "ready" : "not ready", checks })),
  );
});
probe.listen(config.PILOTIS_WORKER_PORT, config.HOST, () => {
  const { port } = probe.address() as { port: number };
  logger.info({ projections: PROJECTORS.map((p) => p.name), port, pid: process.pid }, "projection worker ready");
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "worker shutting down");
  probe.close();
  await worker.close();
  await redis.close();
  await pool.end();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
