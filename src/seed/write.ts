import type { CommandContext, CommandHandler } from "../app/commands.ts";
import { loadDirectoryFrame } from "./frame.ts";
import { collectivityPlan, countsOf, type NetworkOptions } from "./synthetic.ts";

export const seeder: CommandContext = { principal: { tokenId: "seed", role: "ADMIN", collectivityId: null, subject: "seed:synthetic" } };

/**
 * Writers at once: imports read no stream (see CommandHandler's optimistic
 * specs) and concurrent appends share a statement, so more writers make
 * fuller statements, not more connections. 3,000 collectivities (84,286
 * events) took 15.6 s with 8, 9.0 s with 64 (seed:synthetic, 2-core machine).
 */
export const SEED_WRITERS = 64;

export interface SeedProgress {
  collectivities: number;
  events: number;
}

/** Part of a network: the collectivities whose index is `index` modulo `of`. */
export interface Slice {
  index: number;
  of: number;
}

/**
 * Writes a synthetic network (or a slice of it) through the command
 * handler, as the API would, one session per append. Collectivities are
 * taken by `concurrency` writers in turn; each one's history goes in order.
 */
export async function writeSyntheticNetwork(
  commands: CommandHandler,
  options: NetworkOptions,
  run: { concurrency: number; slice?: Slice; onProgress?: (progress: SeedProgress) => void; ctx?: CommandContext; signal?: AbortSignal },
): Promise<SeedProgress> {
  const network = { ...options, frame: await loadDirectoryFrame() };
  const counts = countsOf(network);
  const ctx = run.ctx ?? seeder;
  const { index: first, of: step } = run.slice ?? { index: 0, of: 1 };
  const progress: SeedProgress = { collectivities: 0, events: 0 };
  let next = first;
  const take = () => {
    const index = next;
    next += step;
    return index;
  };
  const writer = async () => {
    for (let index = take(); index < options.collectivities; index = take()) {
      // Stopped between two collectivities: each one's history is written whole or not begun.
      run.signal?.throwIfAborted();
      const plan = collectivityPlan(index, network, counts);
      // Counted after each await: `progress.events += await …` would add to a stale total.
      const registered = await commands.importCollectivity(plan.register, plan.registeredAt, ctx);
      progress.events += registered.events.length;
      for (const matrix of plan.matrices) {
        for (const session of matrix.sessions) {
          const written = await commands.importMatrixSession(matrix.matrixId, session.commands, session.at, ctx);
          progress.events += written.events.length;
        }
      }
      progress.collectivities++;
      run.onProgress?.(progress);
    }
  };
  await Promise.all(Array.from({ length: run.concurrency }, writer));
  return progress;
}
