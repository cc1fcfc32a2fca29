import { runChild, runChildren } from "../shared/child-process.ts";
import { PROJECTORS } from "./index.ts";

/** Events per batch of a catch-up from zero: fewer transactions than a live batch, each still short. */
export const CATCH_UP_BATCH = 2000;

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
