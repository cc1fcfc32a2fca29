import type pg from "pg";
import { benchmarks } from "./benchmarks.ts";

/**
 * A bulk load (the demo network) and what it holds back in this process.
 * Wake-ups wait for its end: one catch-up then beats one per append (six
 * times faster on PGlite). Benchmark releases wait longer, until the
 * benchmarks projection has applied the load through its last event: a
 * unit's first release holds for a whole window (a quarter by default), so a
 * release made from part of the load showed the kinds loaded last suppressed
 * for months. The load's end is not enough: a catch-up that read the log
 * just before it ended finishes just after, and the refresh that follows it
 * would release what that catch-up had seen.
 */
export class BulkLoad {
  private state: "idle" | "loading" | { through: string } = "idle";

  constructor(private readonly pool: pg.Pool) {}

  begin(): void {
    this.state = "loading";
  }

  /** The load ended, whole or not, with the log's head at `through` (null: the log is empty). */
  end(through: string | null): void {
    this.state = through === null ? "idle" : { through };
  }

  get loading(): boolean {
    return this.state === "loading";
  }

  async holdsReleases(): Promise<boolean> {
    const state = this.state;
    if (state === "idle") return false;
    if (state === "loading") return true;
    const { rows } = await this.pool.query<{ through: boolean }>("SELECT checkpoint >= $2 AS through FROM projections WHERE name = $1", [
      benchmarks.name,
      state.through,
    ]);
    if (!rows[0]?.through) return true;
    // Unless another load began meanwhile.
    if (this.state === state) this.state = "idle";
    return false;
  }
}
