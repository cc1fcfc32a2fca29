// `npm run projections:rebuild [name]`: rebuilds projections from the first
// event while the service runs: copies are filled beside the live tables, then
// swapped in; readers see the old rows until the swap commits.
import { setPriority } from "node:os";
import { publishApplied } from "../app/live.ts";
import { loadConfig, releasePolicy } from "../config.ts";
import { createPool } from "../db/client.ts";
import { migrate } from "../db/migrator.ts";
import { openDatabaseForCli } from "../db/open.ts";
import { refreshAllGroups } from "../projections/benchmark-groups.ts";
import { benchmarks } from "../projections/benchmarks.ts";
import { PROJECTORS } from "../projections/index.ts";
import { redisLiveEvents } from "../projections/redis-host.ts";
import { ProjectionRunner } from "../projections/runner.ts";

const names = process.argv.slice(2);
const unknown = names.filter((n) => !PROJECTORS.some((p) => p.name === n));
if (unknown.length > 0) {
  process.stderr.write(`unknown projection ${unknown.join(", ")}; known: ${PROJECTORS.map((p) => p.name).join(", ")}\n`);
  process.exit(2);
}

const config = loadConfig();
const database = await openDatabaseForCli(config);
await migrate(database.url);
const pool = createPool({ url: database.url, poolSize: 1, applicationName: "pilotis-rebuild" });
// After the swap the rebuild catches up like a worker: what it applies then
// must reach the service's subscribers, through Redis when there is one.
const redis = config.REDIS_URL ? redisLiveEvents(config.REDIS_URL) : null;
// The live projections come first: this process yields the cores to them.
setPriority(10);
try {
  const runner = new ProjectionRunner(pool, PROJECTORS, {
    rebuildPause: config.PILOTIS_REBUILD_PAUSE,
    onApplied: redis
      ? async (_name, applied) => {
          publishApplied(redis.live, applied);
          await redis.flushed();
        }
      : undefined,
  });
  for (const name of names.length > 0 ? names : PROJECTORS.map((p) => p.name)) {
    const started = performance.now();
    const events = await runner.rebuild(name);
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(`${name}: ${events} events in ${seconds.toFixed(1)} s (${Math.round(events / Math.max(seconds, 0.001))} events/s)\n`);
    if (name === benchmarks.name) {
      // The rebuild leaves every group dirty: compute them now rather than leave the service to.
      const grouping = performance.now();
      await refreshAllGroups(pool, releasePolicy(config));
      process.stdout.write(`benchmark groups: computed in ${((performance.now() - grouping) / 1000).toFixed(1)} s\n`);
    }
  }
} finally {
  await redis?.close();
  await pool.end();
  await database.embedded?.stop();
}
