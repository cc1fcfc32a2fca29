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

/** The seed's event store (EventStoreOptions): 8,000 collectivities took 28.1 s with one append statement at a time, 23.8 s with two. */
export const SEED_STORE = { appendsInFlight: 2 };

export interface SeedProgress {
  collectivities: number;
  events: number;
}

/**
 * Writes a synthetic network through the command handler, as the API
 * would, one session per append. Collectivities are taken by `concurrency`
 * writers in turn; each one's history goes in order.
 */
export async function writeSyntheticNetwork(
  commands: CommandHandler,
  options: NetworkOptions,
  run: { concurrency: number; onProgress?: (progress: SeedProgress) => void; ctx?: CommandContext; signal?: AbortSignal },
): Promise<SeedProgress> {
  const network = { ...options, frame: await loadDirectoryFrame() };
  const counts = countsOf(network);
  const ctx = run.ctx ?? seeder;
  const progress: SeedProgress = { collectivities: 0, events: 0 };
  let next = 0;
  const writer = async () => {
    for (let index = next++; index < options.collectivities; index = next++) {
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
