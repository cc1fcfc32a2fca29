import type pg from "pg";
import { PROJECTORS } from "../../src/projections/index.ts";
import { ProjectionRunner } from "../../src/projections/runner.ts";

/** Polls until no projection is behind the readable log; fails after `timeoutMs`. */
export async function waitForProjections(pool: pg.Pool, timeoutMs = 10_000): Promise<void> {
  const observer = new ProjectionRunner(pool, PROJECTORS);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await observer.status();
    if (status.every((s) => s.eventsBehind === 0)) return;
    if (Date.now() > deadline) throw new Error(`projections still behind: ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
