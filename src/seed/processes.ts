import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { NetworkOptions } from "./synthetic.ts";
import type { SeedProgress, Slice } from "./write.ts";

export interface SeedChildData {
  url: string;
  options: Omit<NetworkOptions, "now"> & { now: string };
  slice: Slice;
  concurrency: number;
}

export type SeedChildMessage = { progress: SeedProgress } | { done: SeedProgress };

/**
 * Writes a synthetic network from `processes` processes, each a slice of it
 * with its own connections: one process keeps one core busy deciding and
 * folding while the database waits, and the seed stays a single command.
 * Two on this 2-core machine wrote 8,000 collectivities in 15 s rather than
 * 24 s; a third added nothing. Processes rather than worker threads: a
 * worker thread of Node 20 does not load TypeScript through tsx.
 */
export async function seedInProcesses(
  url: string,
  options: NetworkOptions,
  run: { processes: number; concurrency: number; onProgress?: (progress: SeedProgress) => void },
): Promise<SeedProgress> {
  const latest: SeedProgress[] = Array.from({ length: run.processes }, () => ({ collectivities: 0, events: 0 }));
  const total = (): SeedProgress => ({
    collectivities: latest.reduce((n, p) => n + p.collectivities, 0),
    events: latest.reduce((n, p) => n + p.events, 0),
  });
  const children: ReturnType<typeof fork>[] = [];
  try {
    await Promise.all(
      latest.map(
        (_, index) =>
          new Promise<void>((resolve, reject) => {
            const data: SeedChildData = {
              url,
              options: { ...options, now: options.now.toISOString() },
              slice: { index, of: run.processes },
              concurrency: run.concurrency,
            };
            const child = fork(fileURLToPath(new URL("./child.ts", import.meta.url)), {
              execArgv: ["--import", "tsx"],
              env: { ...process.env, PILOTIS_SEED_CHILD: JSON.stringify(data) },
            });
            children.push(child);
            let done = false;
            child.on("message", (message: SeedChildMessage) => {
              latest[index] = "done" in message ? message.done : message.progress;
              done ||= "done" in message;
              run.onProgress?.(total());
            });
            child.once("error", reject);
            child.once("exit", (code) =>
              done && code === 0 ? resolve() : reject(new Error(`seed process ${index} stopped (exit code ${code}) before writing its slice`)),
            );
          }),
      ),
    );
  } finally {
    // One failed: the others stop too; each append is one statement, written whole or not at all.
    for (const child of children) if (child.exitCode === null) child.kill();
  }
  return total();
}
