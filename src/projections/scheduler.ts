import type { ProjectionRunner } from "./runner.ts";

/** Runs the projections when told there is something new, and every so often anyway. */
export interface ProjectionScheduler {
  wake(): void;
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  catchUpMs: number;
  onError: (error: unknown) => void;
  /**
   * Work that follows each catch-up (the benchmark groups' refresh). It may
   * ask to be run again in so many milliseconds, when it left work for later.
   */
  afterCatchUp?: () => Promise<{ againInMs: number | null }>;
}

/**
 * In-process scheduling: wake-ups while a catch-up runs are folded into one
 * more catch-up after it; a timer catches up whatever a wake-up missed.
 * Errors are reported and retried on the next wake-up.
 */
export function localScheduler(runner: ProjectionRunner, options: SchedulerOptions): ProjectionScheduler {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let later: NodeJS.Timeout | null = null;

  const runLater = (ms: number) => {
    if (later || stopped) return;
    later = setTimeout(() => {
      later = null;
      run();
    }, ms);
    later.unref();
  };

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
          const next = await options.afterCatchUp?.();
          if (next?.againInMs != null) runLater(next.againInMs);
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
      if (later) clearTimeout(later);
      await running;
    },
  };
}
