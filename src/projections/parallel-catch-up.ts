import type pg from "pg";
import { runChild, runChildren } from "../shared/child-process.ts";
import { PROJECTORS } from "./index.ts";
import type { Projector } from "./projector.ts";
import { ProjectionRunner } from "./runner.ts";

/**
 * Events per batch of a catch-up from zero. A batch's work on the whole
 * (wealth quartiles ranked again, each matrix it touches rewritten) is paid
 * once per batch: on the national network, 283 s with 2,000, 168 s with
 * 20,000 (both before the benchmarks projection's fixes of that day); on
 * 2026-11-27, with the three processes, 46.5–46.8 s with 20,000 against
 * 43.0–43.6 s with 50,000, for about 620 MB instead of 400 MB at the peak of
 * the largest process (the matrix views'; 750 MB with the young generation
 * below).
 */
export const CATCH_UP_BATCH = 50_000;

/**
 * A young generation of 64 MB for the processes of a catch-up: a batch's
 * rows and events are all garbage by the next one, and with the default
 * scavenges promoted much of them first (42.0 s against 43.6–44.7 s, for
 * about 100 MB more per process).
 */
const CATCH_UP_NODE_OPTIONS = ["--max-semi-space-size=64"];

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
      { label: `the ${PROJECTORS[index]!.name} projection's process`, signal, nodeOptions: CATCH_UP_NODE_OPTIONS },
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
 * in this one on embedded PostgreSQL, which serves one connection; each
 * projection's tables get their statistics once it is done, for the same
 * reason: the queries that serve them come next.
 */
export async function catchUpFromZero(database: { url: string; embedded?: unknown }, pool: pg.Pool): Promise<Record<string, number>> {
  await pool.query("ANALYZE events");
  if (!database.embedded) return catchUpInProcesses(database.url, { batchSize: CATCH_UP_BATCH });
  const counts = await new ProjectionRunner(pool, PROJECTORS, { batchSize: CATCH_UP_BATCH }).catchUp();
  await analyzeTables(pool, PROJECTORS);
  return counts;
}

/** Statistics of the projections' tables, for the planner (see catchUpFromZero). */
export async function analyzeTables(db: pg.Pool, projectors: readonly Projector[]): Promise<void> {
  await db.query(`ANALYZE ${projectors.flatMap((p) => p.tables).join(", ")}`);
}
