import type pg from "pg";
import { createLiveEvents, type LiveEvents, publishApplied, publishBenchmarks } from "../app/live.ts";
import { benchmarkRefresh } from "./benchmark-groups.ts";
import type { ReleasePolicy } from "./benchmark-releases.ts";
import { benchmarks } from "./benchmarks.ts";
import { PROJECTORS } from "./index.ts";
import { ProjectionRunner } from "./runner.ts";
import { localScheduler } from "./scheduler.ts";

export interface ProjectionHost {
  live: LiveEvents;
  wake(): void;
  /** The in-process runner; null when BullMQ workers run the projections. */
  runner: ProjectionRunner | null;
  /** Readiness checks for /ready: Redis, when the projections go through it. */
  checks: Record<string, () => Promise<boolean>>;
  stop(): Promise<void>;
}

export interface HostOptions {
  redisUrl?: string;
  queuePrefix?: string;
  catchUpMs: number;
  settleMs: number;
  benchmarkDebounceMs: number;
  benchmarkRelease: ReleasePolicy;
  /** Benchmark releases wait while this answers true (see BulkLoad). */
  holdReleases?: (db: pg.PoolClient) => Promise<boolean>;
  onError: (error: unknown) => void;
  /** Redis connection failures and lost notifications (rate-limit the log: an outage repeats them). */
  onRedisError?: (error: unknown) => void;
}

/**
 * Where the projections run for an API process. Without Redis: here, after
 * each append and on a timer, with in-memory live events. With Redis: in the
 * BullMQ workers (npm run worker); the API only sends wake-up jobs and
 * listens to Redis for live events (redis-host.ts, loaded only then: BullMQ
 * and ioredis cost every start 0.2 s). Both run the same projector code.
 */
export async function hostProjections(pool: pg.Pool, options: HostOptions): Promise<ProjectionHost> {
  if (!options.redisUrl) {
    const live = createLiveEvents();
    const runner = new ProjectionRunner(pool, PROJECTORS, { onApplied: (_name, applied) => publishApplied(live, applied) });
    const afterCatchUp = {
      of: benchmarks.name,
      run: benchmarkRefresh(pool, {
        debounceMs: options.benchmarkDebounceMs,
        policy: options.benchmarkRelease,
        holdReleases: options.holdReleases,
        announce: (keys) => publishBenchmarks(live, keys),
      }),
    };
    const scheduler = localScheduler(runner, { ...options, afterCatchUp });
    return { live, runner, wake: scheduler.wake, checks: {}, stop: scheduler.stop };
  }
  const { hostOnRedis } = await import("./redis-host.ts");
  return hostOnRedis(options.redisUrl, options);
}
