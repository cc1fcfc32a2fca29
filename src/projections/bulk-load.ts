import pg from "pg";
import { lockSql } from "../db/locks.ts";
import { withClient } from "../db/with-client.ts";
import { benchmarks } from "./benchmarks.ts";

type Queryable = Pick<pg.Pool, "query">;

/**
 * A bulk load (the demo network) and what it holds back. Wake-ups in this
 * process wait for its end: one catch-up then beats one per append (six
 * times faster on PGlite). Benchmark releases wait longer, until the
 * benchmarks projection has applied the load through its last event: a
 * unit's first release holds for a whole window (a quarter by default), so a
 * release made from part of the load showed the kinds loaded last suppressed
 * for months. The load's end is not enough: a catch-up that read the log
 * just before it ended finishes just after, and the refresh that follows it
 * would release what that catch-up had seen.
 *
 * A refresh asks under the lock of the benchmark groups' refresh, and
 * begin() waits for that lock once: a refresh that found no load under way
 * has finished before the load's first event, and never releases part of it.
 *
 * On a real database other processes refresh benchmarks too (BullMQ
 * workers, other replicas): the loading process holds an advisory lock on a
 * connection of its own from the load's beginning until the projection has
 * it whole, and every process holds its releases while any session holds
 * that lock. A loader that dies lets it go with its connection: the others
 * then release what was loaded, as after a load stopped midway. PGlite has
 * one process and one session: there, `url` is null and the state is this
 * process's alone.
 */
export class BulkLoad {
  private state: "idle" | "loading" | { through: string } = "idle";
  private holder: pg.Client | null = null;
  private watching: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: { url: string | null; pollMs?: number },
  ) {}

  async begin(): Promise<void> {
    this.state = "loading";
    await withClient(this.pool, async (client) => {
      await client.query(lockSql.take("benchmarkGroups"));
      await client.query(lockSql.release("benchmarkGroups"));
    });
    if (!this.options.url || this.holder) return;
    const holder = new pg.Client({ connectionString: this.options.url, application_name: "pilotis-bulk-load" });
    // A lost connection releases the lock: the others then go on as after a stopped load.
    holder.on("error", () => undefined);
    await holder.connect();
    await holder.query(lockSql.take("bulkLoad"));
    this.holder = holder;
  }

  /** The load ended, whole or not, with the log's head at `through` (null: the log is empty). */
  end(through: string | null): void {
    this.state = through === null ? "idle" : { through };
    if (this.holder && !this.watching) this.watching = this.releaseOnceProjected();
  }

  get loading(): boolean {
    return this.state === "loading";
  }

  /** Whether benchmark releases must wait: a load here not yet projected whole, or one in another process. On `db` (the refresh's own connection). */
  async holdsReleases(db: Queryable = this.pool): Promise<boolean> {
    if (await this.holdsHere(db)) return true;
    if (!this.options.url) return false;
    const { rows } = await db.query<{ free: boolean }>(lockSql.free("bulkLoad"));
    return !rows[0]!.free;
  }

  /** Stops watching and lets the lock go (the process is stopping). */
  async close(): Promise<void> {
    this.closed = true;
    await this.watching;
    await this.letGo();
  }

  private async holdsHere(db: Queryable = this.pool): Promise<boolean> {
    const state = this.state;
    if (state === "idle") return false;
    if (state === "loading") return true;
    const { rows } = await db.query<{ through: boolean }>("SELECT checkpoint >= $2 AS through FROM projections WHERE name = $1", [
      benchmarks.name,
      state.through,
    ]);
    if (!rows[0]?.through) return true;
    // Unless another load began meanwhile.
    if (this.state === state) this.state = "idle";
    return false;
  }

  /** Whoever projects benchmarks (this process or a worker) moves the checkpoint: this one only watches it, then lets the others release. */
  private async releaseOnceProjected(): Promise<void> {
    try {
      while (!this.closed && (await this.holdsHere().catch(() => true))) {
        await new Promise((resolve) => setTimeout(resolve, this.options.pollMs ?? 500));
      }
      if (!this.closed && this.state !== "loading") await this.letGo();
    } finally {
      this.watching = null;
    }
  }

  private async letGo(): Promise<void> {
    const holder = this.holder;
    this.holder = null;
    await holder?.end().catch(() => undefined);
  }
}
