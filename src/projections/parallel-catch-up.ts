import type pg from "pg";
import { runChild, runChildren } from "../shared/child-process.ts";
import { PROJECTORS } from "./index.ts";
import { ProjectionRunner } from "./runner.ts";

/**
 * Events per batch of a catch-up from zero. A batch's work on the whole
 * (wealth quartiles ranked again, a matrix's row rewritten) is paid once per
 * batch: on the national network, 168 s with 20,000 against 283 s with
 * 2,000 (before the benchmarks projection's fixes of the same day, which
 * brought 20,000 to 104–114 s); 50,000 took 93 s but twice the memory
 * (700 MB at the peak).
 */
export const CATCH_UP_BATCH = 20_000;

export interface CatchUpChildData {
  url: string;
  projection: string;
  batchSize: number;
}

/**
 * Runs every projection up to the head of the log, each in a process of
 * its own, for a catch-up from zero (a seed, a restore): in one process
 * the projections share one core, while each has its own lock and
 * checkpoint and needs nothing of the others. Returns how many events each
 * applied.
 */
export async function catchUpInProcesses(url: string, options: { batchSize: number }): Promise<Record<string, number>> {
  const counts = await runChildren(PROJECTORS.length, (index, signal) =>
    runChild<CatchUpChildData, never, number>(
      new URL("./catch-up-child.ts", import.meta.url),
      { url, projection: PROJECTORS[index]!.name, batchSize: options.batchSize },
      { label: `the ${PROJECTORS[index]!.name} projection's process`, signal },
    ),
  );
  return Object.fromEntries(PROJECTORS.map((projector, index) => [projector.name, counts[index]!]));
}

/**
 * Every projection from zero after a bulk load of the log (a seed, a
 * restore). The log's statistics first: the planner knows nothing of a
 * million rows just written while autovacuum has not come by (it never
 * does where it is off), and the catch-up took 128 s without them against
 * 104–114 s with them. Then each projection in a process of its own, or all
 * in this one on embedded PostgreSQL, which serves one connection. Then the
 * read models' statistics, for the same reason: the queries that serve them
 * come next.
 */
export async function catchUpFromZero(database: { url: string; embedded?: unknown }, pool: pg.Pool): Promise<Record<string, number>> {
  await pool.query("ANALYZE events");
  const counts = database.embedded
    ? await new ProjectionRunner(pool, PROJECTORS, { batchSize: CATCH_UP_BATCH }).catchUp()
    : await catchUpInProcesses(database.url, { batchSize: CATCH_UP_BATCH });
  await pool.query(`ANALYZE ${PROJECTORS.flatMap((p) => p.tables).join(", ")}`);
  return counts;
}
