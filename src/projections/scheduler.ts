import type { Projector } from "./projector.ts";
import type { ProjectionRunner } from "./runner.ts";

/** Runs the projections when told there is something new, and every so often anyway. */
export interface ProjectionScheduler {
  wake(): void;
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  catchUpMs: number;
  /**
   * How long a lane woken while it ran waits before running again (0: not
   * at all), so that a burst of edits is applied in a few batches rather
   * than in one after each edit: a batch rewrites every matrix it touches.
   * A wake-up with nothing running is served at once.
   */
  settleMs?: number;
  onError: (error: unknown) => void;
  /**
   * Work that follows each catch-up of one projection (the benchmark
   * groups' refresh, which reads the benchmarks projection's rows only: run
   * after another's catch-up, it released groups from a projection still
   * applying a bulk load). It may ask to be run again in so many
   * milliseconds, when it left work for later.
   */
  afterCatchUp?: { of: string; run: () => Promise<{ againInMs: number | null }> };
}

/**
 * In-process scheduling. Each projection has a lane of its own: a slow one
 * (the benchmarks, at national scale) never holds up the matrix views that
 * live subscribers wait for. In a lane, wake-ups while a catch-up runs are
 * folded into one more catch-up after it, `settleMs` later; a timer catches up whatever a
 * wake-up missed. Errors are reported and retried on the next wake-up. The
 * work after its projection's catch-up runs beside the next ones, one at a time: a refresh
 * of every benchmark group (seconds at national scale) must not hold up
 * subscribers either.
 */
export function localScheduler(runner: ProjectionRunner, options: SchedulerOptions): ProjectionScheduler {
  let stopped = false;
  let later: NodeJS.Timeout | null = null;
  let following: Promise<void> | null = null;
  let followAgain = false;

  const follow = (): void => {
    if (!options.afterCatchUp || stopped) return;
    if (following) {
      followAgain = true;
      return;
    }
    following = (async () => {
      do {
        followAgain = false;
        try {
          const next = await options.afterCatchUp!.run();
          if (next.againInMs != null) runLater(next.againInMs);
        } catch (error) {
          options.onError(error);
        }
      } while (followAgain && !stopped);
      following = null;
    })();
  };

  const runLater = (ms: number) => {
    if (later || stopped) return;
    later = setTimeout(() => {
      later = null;
      run();
    }, ms);
    later.unref();
  };

  const lane = (projector: Projector) => {
    let running: Promise<void> | null = null;
    let again = false;
    return {
      run(): void {
        if (stopped) return;
        if (running) {
          again = true;
          return;
        }
        running = (async () => {
          do {
            again = false;
            try {
              await runner.catchUpOne(projector);
              if (projector.name === options.afterCatchUp?.of) follow();
            } catch (error) {
              options.onError(error);
            }
            if (again && !stopped && options.settleMs) await new Promise((resolve) => setTimeout(resolve, options.settleMs));
          } while (again && !stopped);
          running = null;
        })();
      },
      settled: () => running,
    };
  };
  const lanes = runner.projectors.map(lane);
  const run = (): void => {
    for (const projection of lanes) projection.run();
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
      await Promise.all(lanes.map((projection) => projection.settled()));
      await following;
    },
  };
}
