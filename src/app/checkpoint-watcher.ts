import { StaleError } from "./errors.ts";

interface Waiter {
  position: string;
  deadline: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Read-your-writes for the whole process: every request waiting for a
 * projection to reach a position shares one poll of its checkpoint, which
 * runs only while someone waits. Twenty waits in one request cost what one
 * does (the old per-wait polling made thousands of transactions).
 */
export class CheckpointWatcher {
  private readonly waiters = new Set<Waiter>();
  private polling = false;

  constructor(
    private readonly readCheckpoint: () => Promise<string | null>,
    private readonly options: { intervalMs?: number; timeoutMs: number },
  ) {}

  /** Resolves once the checkpoint is at `position` or beyond; fails with StaleError after the timeout. */
  reached(position: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiters.add({ position, deadline: Date.now() + this.options.timeoutMs, resolve, reject });
      if (!this.polling) void this.poll();
    });
  }

  private async poll(): Promise<void> {
    this.polling = true;
    try {
      while (this.waiters.size > 0) {
        let checkpoint: string | null = null;
        try {
          checkpoint = await this.readCheckpoint();
        } catch (error) {
          for (const waiter of this.waiters) waiter.reject(error as Error);
          this.waiters.clear();
          return;
        }
        const now = Date.now();
        for (const waiter of [...this.waiters]) {
          if (checkpoint !== null && checkpoint >= waiter.position) waiter.resolve();
          else if (now >= waiter.deadline) waiter.reject(new StaleError(waiter.position, checkpoint));
          else continue;
          this.waiters.delete(waiter);
        }
        if (this.waiters.size > 0) await new Promise((resolve) => setTimeout(resolve, this.options.intervalMs ?? 20));
      }
    } finally {
      this.polling = false;
    }
  }
}
