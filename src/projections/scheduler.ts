import type { ProjectionRunner } from "./runner.ts";

/** Runs the projections when told there is something new, and every so often anyway. */
export interface ProjectionScheduler {
  wake(): void;
  stop(): Promise<void>;
}

/**
 * In-process scheduling (no Redis): wake-ups while a catch-up runs are
 * folded into one more catch-up after it; a timer catches up whatever a
 * wake-up missed. Errors are reported and retried on the next wake-up.
 */
export function localScheduler(runner: ProjectionRunner, options: { catchUpMs: number; onError: (error: unknown) => void }): ProjectionScheduler {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const run = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await runner.catchUp();
        } catch (error) {
          options.onError(error);
        }
      } while (again && !stopped);
      running = null;
    })();
  };

  const timer = setInterval(run, options.catchUpMs);
  timer.unref();
  run();

  return {
    wake: run,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
