import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { ProjectionRunner } from "./runner.ts";
import type { ProjectionScheduler } from "./scheduler.ts";

export const QUEUE_NAME = "pilotis-projections";

/** BullMQ blocks on its connections: they must retry forever rather than fail commands. */
export const bullConnection = (url: string) => new Redis(url, { maxRetriesPerRequest: null });

/**
 * The API's side: after each append, a job saying "there is something new".
 * The job carries no data; the worker reads the log from its checkpoint, so a
 * lost job only waits for the next one or for the periodic catch-up.
 */
export function queueScheduler(redisUrl: string, prefix: string, onError: (error: unknown) => void): ProjectionScheduler {
  const connection = bullConnection(redisUrl);
  const queue = new Queue(QUEUE_NAME, { connection, prefix });
  queue.on("error", onError);
  return {
    wake() {
      queue.add("wake", {}, { removeOnComplete: true, removeOnFail: 100 }).catch(onError);
    },
    async stop() {
      await queue.close();
      connection.disconnect();
    },
  };
}

export interface ProjectionWorker {
  /** True while the worker is connected and taking jobs (a readiness check). */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The worker's side: each job runs the projections up to the head of the
 * log, one job at a time per process; several processes may run, the
 * projections' advisory locks keep each event applied once and in order.
 * A job scheduler adds a catch-up job every `catchUpMs`.
 */
export async function startProjectionWorker(
  redisUrl: string,
  runner: ProjectionRunner,
  options: { catchUpMs: number; prefix: string; onError: (error: unknown) => void },
): Promise<ProjectionWorker> {
  const connection = bullConnection(redisUrl);
  const queue = new Queue(QUEUE_NAME, { connection, prefix: options.prefix });
  await queue.upsertJobScheduler("catch-up", { every: options.catchUpMs }, { name: "catch-up", opts: { removeOnComplete: true, removeOnFail: 100 } });
  const worker = new Worker(
    QUEUE_NAME,
    async () => {
      await runner.catchUp();
    },
    { connection: bullConnection(redisUrl), concurrency: 1, prefix: options.prefix },
  );
  worker.on("error", options.onError);
  worker.on("failed", (_job, error) => options.onError(error));
  await worker.waitUntilReady();
  return {
    async ready() {
      if (!worker.isRunning() || worker.isPaused()) return false;
      return (await connection.ping().catch(() => "")) === "PONG";
    },
    async close() {
      await worker.close();
      await queue.close();
      connection.disconnect();
    },
  };
}
