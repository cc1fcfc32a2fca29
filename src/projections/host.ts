import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { Redis } from "ioredis";
import type pg from "pg";
import { createLiveEvents, type LiveEvents, publishApplied, publishBenchmarks } from "../app/live.ts";
import { benchmarkRefresh } from "./benchmark-groups.ts";
import type { ReleasePolicy } from "./benchmark-releases.ts";
import { benchmarks } from "./benchmarks.ts";
import { PROJECTORS } from "./index.ts";
import { queueScheduler } from "./queue.ts";
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
  holdReleases?: () => Promise<boolean>;
  onError: (error: unknown) => void;
  /** Redis connection failures and lost notifications (rate-limit the log: an outage repeats them). */
  onRedisError?: (error: unknown) => void;
}

/** Live events carried by Redis pub/sub, so that every API process hears what any worker applied. */
export function redisLiveEvents(
  redisUrl: string,
  onError: (error: unknown) => void = () => undefined,
): { live: LiveEvents; ping(): Promise<boolean>; flushed(): Promise<void>; close(): Promise<void> } {
  const publishClient = new Redis(redisUrl);
  const subscribeClient = new Redis(redisUrl);
  // ioredis reconnects by itself; its 'error' events during an outage are for the log, not crashes.
  for (const client of [publishClient, subscribeClient]) client.on("error", onError);
  // The event target fires SUBSCRIBE, UNSUBSCRIBE and PUBLISH without
  // awaiting them: a Redis outage long enough for ioredis to give up, or a
  // subscriber leaving as the process shuts down, would reject them
  // unhandled and bring the whole process down. A notification lost that
  // way is lost; the read models are not.
  const lost = (error: unknown) => {
    onError(error);
    return 0;
  };
  const subscribe = subscribeClient.subscribe.bind(subscribeClient);
  const unsubscribe = subscribeClient.unsubscribe.bind(subscribeClient);
  const publish = publishClient.publish.bind(publishClient);
  subscribeClient.subscribe = ((...args: Parameters<typeof subscribe>) => subscribe(...args).catch(lost)) as typeof subscribe;
  subscribeClient.unsubscribe = ((...args: Parameters<typeof unsubscribe>) => unsubscribe(...args).catch(lost)) as typeof unsubscribe;
  publishClient.publish = ((...args: Parameters<typeof publish>) => publish(...args).catch(lost)) as typeof publish;
  return {
    live: createLiveEvents(createRedisEventTarget({ publishClient, subscribeClient }) as never),
    ping: async () => (await publishClient.ping()) === "PONG",
    // Commands on one connection are answered in order: once a PING sent
    // after the PUBLISHes is answered, Redis has taken them all. Bounded, so
    // that an outage delays the projector by a second, not forever.
    flushed: () =>
      Promise.race([publishClient.ping().then(() => undefined), new Promise<void>((resolve) => setTimeout(resolve, 1000).unref())]).catch(() => undefined),
    // QUIT, not a disconnect: subscribers that just went away are still
    // unsubscribing, and a dropped connection would reject those commands.
    async close() {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}

/**
 * Where the projections run for an API process. Without Redis: here, after
 * each append and on a timer, with in-memory live events. With Redis: in the
 * BullMQ workers (npm run worker); the API only sends wake-up jobs and
 * listens to Redis for live events. Both run the same projector code.
 */
export function hostProjections(pool: pg.Pool, options: HostOptions): ProjectionHost {
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
  const redis = redisLiveEvents(options.redisUrl, options.onRedisError);
  const scheduler = queueScheduler(options.redisUrl, options.queuePrefix ?? "pilotis", options.onError, options.onRedisError);
  return {
    live: redis.live,
    runner: null,
    wake: scheduler.wake,
    checks: { redis: redis.ping },
    async stop() {
      await scheduler.stop();
      await redis.close();
    },
  };
}
