import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

/** What a child tells its parent: how far it got, then what it did. */
export type ChildMessage<Progress, Result> = { progress: Progress } | { done: Result };

/** The environment variable a child reads its data from, as JSON. */
const DATA = "PILOTIS_CHILD_DATA";

/**
 * Runs a TypeScript module in a process of its own (a core of its own),
 * given `data` (and Node's `nodeOptions`); resolves with what it reports as done. A child that exits
 * without reporting fails the promise, naming `label`. Processes rather than
 * worker threads: a worker thread of Node 20 does not load TypeScript
 * through tsx.
 */
export function runChild<Data, Progress, Result>(
  module: URL,
  data: Data,
  options: { label: string; onProgress?: (progress: Progress) => void; signal?: AbortSignal; nodeOptions?: readonly string[] },
): Promise<Result> {
  return new Promise<Result>((resolve, reject) => {
    const child = fork(fileURLToPath(module), {
      execArgv: [...(options.nodeOptions ?? []), "--import", "tsx"],
      env: { ...process.env, [DATA]: JSON.stringify(data) },
    });
    const stop = () => child.kill();
    options.signal?.addEventListener("abort", stop, { once: true });
    let result: { value: Result } | null = null;
    child.on("message", (message: ChildMessage<Progress, Result>) => {
      if ("done" in message) result = { value: message.done };
      else options.onProgress?.(message.progress);
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      options.signal?.removeEventListener("abort", stop);
      if (result && code === 0) resolve(result.value);
      else reject(new Error(`${options.label} stopped (exit code ${code}) before it was done`));
    });
  });
}

/** In the child: its data, and how to report to the parent. */
export function childSide<Data, Progress, Result>() {
  const send = (message: ChildMessage<Progress, Result>) => new Promise<void>((resolve) => process.send!(message, () => resolve()));
  return {
    data: JSON.parse(process.env[DATA]!) as Data,
    progress: (progress: Progress) => void send({ progress }),
    done: async (result: Result) => {
      await send({ done: result });
      process.disconnect?.();
    },
  };
}

/** Runs one child per item, all at once; the first failure stops the others and fails the whole. */
export async function runChildren<Result>(count: number, start: (index: number, signal: AbortSignal) => Promise<Result>): Promise<Result[]> {
  const stop = new AbortController();
  try {
    return await Promise.all(
      Array.from({ length: count }, (_, index) =>
        start(index, stop.signal).catch((error: unknown) => {
          stop.abort();
          throw error;
        }),
      ),
    );
  } finally {
    stop.abort();
  }
}
