import pg from "pg";
import { parsePosition, START } from "../eventstore/position.ts";
import { withClient } from "../db/with-client.ts";
import { EventStore } from "../eventstore/store.ts";
import type { Applied, Projector } from "./projector.ts";

export interface ProjectionStatus {
  name: string;
  checkpoint: string | null;
  eventsBehind: number;
  secondsBehind: number;
}

export interface RunnerOptions {
  batchSize?: number;
  /**
   * Called after a batch has committed, with what it applied, while the
   * projection's lock is still held: once the promise settles, the
   * notifications must be on their way in order (a Redis PUBLISH answered).
   * So another worker's next batch can never overtake them. Must not throw.
   */
  onApplied?: (projector: string, applied: Applied[]) => void | Promise<void>;
}

type BatchResult = { busy: true } | { busy: false; count: number };

/**
 * Moves projections along the global log. Each batch is one transaction
 * under an advisory lock, so that two workers never run one projection at once:
 * the events after the checkpoint (read as the event store reads the log,
 * never passing a late commit), the projector's writes, the new checkpoint.
 * A worker killed anywhere, or a wake-up delivered twice, therefore leaves
 * the read models as if each event had been applied once.
 */
export class ProjectionRunner {
  private readonly batchSize: number;

  constructor(
    private readonly pool: pg.Pool,
    readonly projectors: readonly Projector[],
    private readonly options: RunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
  }

  projector(name: string): Projector {
    const projector = this.projectors.find((p) => p.name === name);
    if (!projector) throw new Error(`no projection named ${name}; known: ${this.projectors.map((p) => p.name).join(", ")}`);
    return projector;
  }

  /** Runs every projection up to the head of the log; returns how many events each applied. */
  async catchUp(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const projector of this.projectors) {
      let applied = 0;
      for (;;) {
        const result = await this.runBatch(projector);
        if (result.busy || result.count === 0) break;
        applied += result.count;
      }
      counts[projector.name] = applied;
    }
    return counts;
  }

  /**
   * One batch under a session advisory lock, not a transaction one: the lock
   * must outlive the commit until the batch's notifications are out, or a
   * second worker's batch could reach subscribers before the first's. A
   * connection that dies releases the lock with it.
   */
  async runBatch(projector: Projector): Promise<BatchResult> {
    return withClient(this.pool, async (client) => {
      if (!(await this.tryLock(client, projector.name))) return { busy: true };
      try {
        const { count, applied } = await this.inTransaction(client, async () => {
          const checkpoint = await this.checkpointFor(client, projector.name);
          const events = await new EventStore(client).readLog({ after: checkpoint, limit: this.batchSize });
          if (events.length === 0) return { count: 0, applied: [] };
          const applied = await projector.apply(client, events);
          await this.saveCheckpoint(client, projector.name, events[events.length - 1]!.position);
          return { count: events.length, applied };
        });
        if (applied.length > 0) await this.options.onApplied?.(projector.name, applied);
        return { busy: false, count };
      } finally {
        await client.query("SELECT pg_advisory_unlock(hashtext('pilotis-projection'), hashtext($1))", [projector.name]).catch((cause) => {
          // An error without SQLSTATE makes withClient() drop the connection,
          // and the lock with it, rather than pool a session that holds it.
          throw new Error(`could not release the lock of projection ${projector.name}`, { cause });
        });
      }
    });
  }

  /**
   * Rebuilds one projection from the first event, in a single transaction:
   * readers keep the old rows until it commits, then see the new ones, and
   * live batches wait for the lock meanwhile.
   */
  async rebuild(name: string): Promise<number> {
    const projector = this.projector(name);
    return withClient(this.pool, (client) => this.inTransaction(client, async () => {
      await client.query("SELECT pg_advisory_xact_lock(hashtext('pilotis-projection'), hashtext($1))", [name]);
      await this.checkpointFor(client, name);
      await projector.reset(client);
      const store = new EventStore(client);
      let after: string | null = null;
      let total = 0;
      for (;;) {
        const events = await store.readLog({ after, limit: this.batchSize * 4 });
        if (events.length === 0) break;
        await projector.apply(client, events);
        after = events[events.length - 1]!.position;
        total += events.length;
      }
      await this.saveCheckpoint(client, name, after ?? "");
      return total;
    }));
  }

  async checkpoints(): Promise<Map<string, string | null>> {
    const { rows } = await this.pool.query<{ name: string; checkpoint: string }>("SELECT name, checkpoint FROM projections");
    const known = new Map(rows.map((r) => [r.name, r.checkpoint || null]));
    return new Map(this.projectors.map((p) => [p.name, known.get(p.name) ?? null]));
  }

  async status(): Promise<ProjectionStatus[]> {
    const result: ProjectionStatus[] = [];
    for (const [name, checkpoint] of await this.checkpoints()) {
      const from = checkpoint ? parsePosition(checkpoint) : START;
      const { rows } = await this.pool.query<{ behind: number; oldest: Date | null }>(
        `SELECT count(*)::int AS behind, min(occurred_at) AS oldest FROM events
         WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
           AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())`,
        [from.transactionId.toString(), from.globalPosition.toString()],
      );
      const { behind, oldest } = rows[0]!;
      result.push({ name, checkpoint, eventsBehind: behind, secondsBehind: oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0 });
    }
    return result;
  }

  /** Commits what `work` did, or rolls it all back when it throws. */
  private async inTransaction<T>(client: pg.PoolClient, work: () => Promise<T>): Promise<T> {
    await client.query("BEGIN");
    try {
      const result = await work();
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
  }

  private async saveCheckpoint(client: pg.PoolClient, name: string, position: string): Promise<void> {
    await client.query("UPDATE projections SET checkpoint = $2, updated_at = now() WHERE name = $1", [name, position]);
  }

  private async tryLock(client: pg.PoolClient, name: string): Promise<boolean> {
    const { rows } = await client.query<{ locked: boolean }>(
      "SELECT pg_try_advisory_lock(hashtext('pilotis-projection'), hashtext($1)) AS locked",
      [name],
    );
    return rows[0]!.locked;
  }

  /** The projection's checkpoint; its row is created the first time, so that later batches only read. */
  private async checkpointFor(client: pg.PoolClient, name: string): Promise<string | null> {
    const { rows } = await client.query<{ checkpoint: string }>("SELECT checkpoint FROM projections WHERE name = $1", [name]);
    if (rows[0]) return rows[0].checkpoint || null;
    await client.query("INSERT INTO projections (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", [name]);
    return null;
  }
}
