import type { Logger } from "../logger.ts";

export type FailureReport = (error: unknown) => void;

/**
 * A failure nobody awaits (a pool's idle connection dropped, a Redis outage,
 * a snapshot not written, a PUBLISH lost) gets a warning, at most one per
 * `everyMs` for each kind, saying how many were left unsaid meanwhile: an
 * outage logs a line every few seconds, not thousands.
 */
export function reportFailures(logger: Logger, what: string, everyMs = 10_000, now: () => number = Date.now): FailureReport {
  let last = -Infinity;
  let unsaid = 0;
  return (error) => {
    const at = now();
    if (at - last < everyMs) {
      unsaid++;
      return;
    }
    logger.warn({ err: error, unsaid }, what);
    last = at;
    unsaid = 0;
  };
}
