import { performance } from "node:perf_hooks";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { ProjectionRunner } from "./runner.ts";
import { localScheduler, type ProjectionScheduler, type SchedulerOptions } from "./scheduler.ts";

export const QUEUE_NAME = "pilotis-projections";

/**
 * BullMQ blocks on its connections: they must retry forever rather than fail
 * commands. ioredis reconnects by itself after an outage; its 'error' events
 * meanwhile are expected (readiness reports the outage), not crashes.
 */
export function bullConnection(url: string, onError: (error: unknown) => void): Redis {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  connection.on("error", onError);
  return connection;
}

/**
 * The API's wake-ups reach Redis at most this often. A worker woken while it
 * runs waits its settle time (50 ms by default) anyway; a job every append,
 * hundreds a second under load, cost the API, Redis and the worker a BullMQ
 * script each for nothing (npm run bench: about 190 jobs a second under
 * addFactor load, 2.4 scripts each).
 */
export const WAKE_INTERVAL_MS = 20;

/**
 * The API's side: after each append, a job saying "there is something new".
 * The job carries no data; the worker reads the log from its checkpoint, so a
 * lost job only waits for the next one or for the periodic catch-up.
 *
 * A wake-up after a quiet spell adds its job at once. Those that come while
 * a job is being added, or less than WAKE_INTERVAL_MS after the last one,
 * are folded into one more job, added once that interval has passed: every
 * append is still followed by a job added after it (a job dropped because
 * an earlier one was still being taken could leave the last events of a
 * burst waiting for the catch-up), and waiting jobs do not pile up in
 * memory while Redis is away.
 */
export function queueScheduler(
  redisUrl: string,
  prefix: string,
  onError: (error: unknown) => void,
  onRedisError: (error: unknown) => void = () => undefined,
): ProjectionScheduler {
  const connection = bullConnection(redisUrl, onRedisError);
  const queue = new Queue(QUEUE_NAME, { connection, prefix });
  queue.on("error", onError);
  let adding: Promise<void> | null = null;
  let again = false;
  let lastAdded = Number.NEGATIVE_INFINITY;
  const add = (): Promise<void> => {
    const wait = lastAdded + WAKE_INTERVAL_MS - performance.now();
    if (wait > 0) return new Promise((resolve) => setTimeout(resolve, wait)).then(add);
    lastAdded = performance.now();
    return queue.add("wake", {}, { removeOnComplete: true }).then(
      () => next(),
      (error: unknown) => {
        onError(error);
        return next();
      },
    );
  };
  const next = (): Promise<void> | undefined => {
    if (!again) {
      adding = null;
      return;
    }
    again = false;
    return add();
  };
  return {
    wake() {
      if (adding) again = true;
      else adding = add();
    },
    async stop() {
      await adding;
      await queue.close();
      await connection.quit().catch(() => undefined);
    },
  };
}

export interface ProjectionWorker {
  /** True while the worker is connected and taking jobs (a readiness check). */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The worker's side: a job only wakes this process's scheduler, which runs
 * the projections up to the head of the log and, woken while running, runs
 * once more after; so a burst of jobs costs one catch-up, not one each.
 * Several processes may run: the projections' advisory locks keep each event
 * applied once and in order. A job scheduler adds a catch-up job every
 * `catchUpMs`, and the process's own timer catches up even while Redis is away.
 */
export async function startProjectionWorker(
  redisUrl: string,
  runner: ProjectionRunner,
  options: SchedulerOptions & { prefix: string; onRedisError?: (error: unknown) => void },
): Promise<ProjectionWorker> {
  const onRedisError = options.onRedisError ?? (() => undefined);
  const connection = bullConnection(redisUrl, onRedisError);
  const queue = new Queue(QUEUE_NAME, { connection, prefix: options.prefix });
  // Redis without persistence forgets the scheduler when it restarts: set it
  // again whenever the connection comes back.
  const schedule = () => queue.upsertJobScheduler("catch-up", { every: options.catchUpMs }, { name: "catch-up", opts: { removeOnComplete: true } });
  await schedule();
  connection.on("ready", () => void schedule().catch(options.onError));
  const scheduler = localScheduler(runner, options);
  // A doorbell on purpose: the job only wakes the scheduler and cannot fail.
  // The work's own failures are the projection's (recorded as lastError,
  // logged, retried by the next wake-up or the timer), not BullMQ's: a job
  // retried with backoff would only repeat a catch-up that runs anyway.
  const worker = new Worker(QUEUE_NAME, async () => scheduler.wake(), {
    connection: bullConnection(redisUrl, onRedisError),
    concurrency: 1,
    prefix: options.prefix,
  });
  worker.on("error", options.onError);
  await worker.waitUntilReady();
  return {
    async ready() {
      if (!worker.isRunning() || worker.isPaused()) return false;
      return (await connection.ping().catch(() => "")) === "PONG";
    },
    async close() {
      await worker.close();
      await scheduler.stop();
      await queue.close();
      await connection.quit().catch(() => undefined);
    },
  };
}
