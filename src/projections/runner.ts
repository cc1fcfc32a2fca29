import type pg from "pg";
import { type LockSpace, lockSql } from "../db/locks.ts";
import { withClient } from "../db/with-client.ts";
import { EventStore } from "../eventstore/store.ts";
import { MatrixCache } from "./matrix-cache.ts";
import type { Applied, Projector } from "./projector.ts";

export interface ProjectionStatus {
  name: string;
  checkpoint: string | null;
  eventsBehind: number;
  secondsBehind: number;
  /** When a batch last ran to its end (an idle projection says so every ten seconds or so). */
  lastRunAt: Date | null;
  /** The last batch's failure, until one succeeds. */
  lastError: string | null;
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
  /** A rebuild rests this many times as long as each copy batch took (0: none), so that live projections keep their share of the cores. */
  rebuildPause?: number;
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
  /** Each projection's memory of the matrices it last wrote: one per runner, as a worker process has one. */
  private readonly matrices: Map<string, MatrixCache>;

  constructor(
    private readonly pool: pg.Pool,
    readonly projectors: readonly Projector[],
    private readonly options: RunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.matrices = new Map(projectors.map((p) => [p.name, new MatrixCache()]));
  }

  projector(name: string): Projector {
    const projector = this.projectors.find((p) => p.name === name);
    if (!projector) throw new Error(`no projection named ${name}; known: ${this.projectors.map((p) => p.name).join(", ")}`);
    return projector;
  }

  /** Runs every projection up to the head of the log; returns how many events each applied. */
  async catchUp(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    // Side by side: one projection's database work overlaps another's folding (a catch-up from zero went 13 % faster).
    const outcomes = await Promise.allSettled(
      this.projectors.map(async (projector) => {
        counts[projector.name] = await this.catchUpOne(projector);
      }),
    );
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
    if (failed) throw failed.reason;
    return counts;
  }

  /** Runs one projection up to the head of the log (unless another process holds it); returns how many events it applied. */
  async catchUpOne(projector: Projector): Promise<number> {
    let applied = 0;
    for (;;) {
      const result = await this.runBatch(projector);
      if (result.busy) return applied;
      applied += result.count;
      // A short batch read up to the head: events appended since wake the
      // projection again, so asking once more would only cost a round of
      // locking, reading and committing for nothing (four round trips).
      if (result.count < this.batchSize) return applied;
    }
  }

  /**
   * One batch under a session advisory lock, not a transaction one: the lock
   * must outlive the commit until the batch's notifications are out, or a
   * second worker's batch could reach subscribers before the first's. A
   * connection that dies releases the lock with it. Four round trips around
   * the projector's own work, where each statement alone made seven: the
   * lock, the transaction and the checkpoint's read go together, as do the
   * new checkpoint and the commit (batches run at every burst of edits).
   */
  async runBatch(projector: Projector): Promise<BatchResult> {
    return withClient(this.pool, async (client) => {
      const stored = await this.open(client, projector);
      if (!stored) return { busy: true };
      try {
        let result: { count: number; applied: Applied[] } | null;
        try {
          result = await this.batch(client, projector, stored);
        } catch (error) {
          await client.query("ROLLBACK").catch(() => undefined);
          // Rolled back: recorded apart, for the admin query `projections`, then reported as before.
          await client
            .query("UPDATE projections SET last_error = $2 WHERE name = $1", [projector.name, String((error as Error)?.message ?? error).slice(0, 2000)])
            .catch(() => undefined);
          throw error;
        }
        if (!result) return { busy: true };
        const { count, applied } = result;
        if (applied.length > 0) await this.options.onApplied?.(projector.name, applied);
        return { busy: false, count };
      } finally {
        await this.unlock(client, "projection", projector.name);
      }
    });
  }

  /**
   * Takes the projection's lock, opens the batch's transaction and reads the
   * checkpoint, in one round trip (statements of one message run in turn: the
   * checkpoint is read after the lock is held). Null, rolled back, when
   * another worker holds the lock.
   */
  private async open(client: pg.PoolClient, projector: Projector): Promise<{ checkpoint: string | null; version: number } | null> {
    const literal = (text: string) => client.escapeLiteral(text);
    const [lock, , state] = (await client
      .query(
        `${lockSql.tryInline("projection", projector.name, literal)}; BEGIN; SELECT checkpoint, version FROM projections WHERE name = ${literal(projector.name)}`,
      )
      .catch((cause) => {
        // The lock may be held already: an error without SQLSTATE makes withClient() drop the connection, and the lock with it.
        throw new Error(`could not open a batch of ${projector.name}`, { cause });
      })) as unknown as pg.QueryResult[];
    if (!lock!.rows[0]!.locked) {
      await client.query("ROLLBACK");
      return null;
    }
    const row = state!.rows[0] as { checkpoint: string; version: number } | undefined;
    return row ? { checkpoint: row.checkpoint || null, version: row.version } : this.stateOf(client, projector);
  }

  /** The batch's work inside its open transaction, committed with its new checkpoint; null (committed, nothing done) for rows newer code wrote. */
  private async batch(
    client: pg.PoolClient,
    projector: Projector,
    stored: { checkpoint: string | null; version: number },
  ): Promise<{ count: number; applied: Applied[] } | null> {
    // Rows written by newer code: this older process leaves them alone.
    if (stored.version > projector.version) {
      await client.query("COMMIT");
      return null;
    }
    const checkpoint = stored.version < projector.version ? await this.restart(client, projector) : stored.checkpoint;
    const events = await new EventStore(client).readLog({ after: checkpoint, limit: this.batchSize });
    if (events.length === 0) {
      // An idle projection still says it is alive, without a write per catch-up.
      await client.query(
        `UPDATE projections SET last_run_at = now(), last_error = NULL
         WHERE name = $1 AND (last_run_at IS NULL OR last_run_at < now() - interval '10 seconds' OR last_error IS NOT NULL)`,
        [projector.name],
      );
      await client.query("COMMIT");
      return { count: 0, applied: [] };
    }
    const applied = await projector.apply(client, events, { rebuilding: false, matrices: this.matrices.get(projector.name)! });
    const position = client.escapeLiteral(events[events.length - 1]!.position);
    await client.query(
      `UPDATE projections SET checkpoint = ${position}, updated_at = now(), last_run_at = now(), last_error = NULL
       WHERE name = ${client.escapeLiteral(projector.name)}; COMMIT`,
    );
    return { count: events.length, applied };
  }

  /**
   * Rebuilds one projection from the first event without stopping it: copies
   * of its tables in a schema of their own are filled in short transactions
   * (the live projection goes on meanwhile), then, under the projection's
   * lock, brought to the live checkpoint and swapped in, in one short
   * transaction. The copies never pass the live checkpoint: what lies
   * beyond it is the live projection's to apply, and to announce to
   * subscribers. When the live checkpoint did not move while the rebuild
   * ran, nobody projects live, and this runner catches up itself. Readers see the old rows until the
   * swap commits. Between copy batches it pauses `rebuildPause` times as long
   * as the batch took, leaving the cores to the live projections.
   */
  async rebuild(name: string): Promise<number> {
    const projector = this.projector(name);
    const shadow = `rebuild_${name.replace(/[^a-z0-9]/gi, "_").toLowerCase()}`;
    // The copies are new rows: what the live batches remember does not stand for them.
    const matrices = new MatrixCache();
    let startedAt: string | null = null;
    let swappedAt: string | null = null;
    // Copied and swapped on one connection; caught up after it is back in the pool (a pool may hold just one).
    const copied = await withClient(this.pool, async (client) => {
      const { rows } = await client.query<{ locked: boolean }>(lockSql.try("rebuild", name));
      if (!rows[0]!.locked) throw new Error(`projection ${name} is already being rebuilt`);
      try {
        await this.inTransaction(client, async () => {
          startedAt = (await this.stateOf(client, projector)).checkpoint;
          await client.query(`DROP SCHEMA IF EXISTS ${shadow} CASCADE`);
          await client.query(`CREATE SCHEMA ${shadow}`);
          for (const table of projector.tables) {
            await client.query(`CREATE TABLE ${shadow}.${table} (LIKE public.${table} INCLUDING ALL)`);
          }
        });
        let after: string | null = null;
        let total = 0;
        // Unqualified names reach the copies first, the rest (events, other projections) as usual.
        const batch = async () => {
          await client.query(`SET LOCAL search_path = ${shadow}, public`);
          const live = (await this.stateOf(client, projector)).checkpoint;
          swappedAt = live;
          if (!live) return 0;
          const events = (await new EventStore(client).readLog({ after, limit: this.batchSize * 4 })).filter((e) => e.position <= live);
          if (events.length > 0) {
            await projector.apply(client, events, { rebuilding: true, matrices });
            after = events[events.length - 1]!.position;
            total += events.length;
          }
          return events.length;
        };
        for (;;) {
          const started = performance.now();
          if ((await this.inTransaction(client, batch)) < this.batchSize * 4) break;
          const pause = (performance.now() - started) * (this.options.rebuildPause ?? 0);
          if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
        }
        await client.query(lockSql.take("projection", name));
        try {
          await this.inTransaction(client, async () => {
            while ((await batch()) > 0);
            await client.query("SET LOCAL search_path = public");
            for (const table of projector.tables) await this.swapIn(client, shadow, table);
            await projector.afterRebuild?.(client);
            await client.query("UPDATE projections SET version = $2 WHERE name = $1", [name, projector.version]);
          });
        } finally {
          await this.unlock(client, "projection", name);
        }
        return total;
      } finally {
        await client.query(`DROP SCHEMA IF EXISTS ${shadow} CASCADE`).catch(() => undefined);
        await this.unlock(client, "rebuild", name);
      }
    });
    return copied + (swappedAt === startedAt ? await this.catchUpOne(projector) : 0);
  }

  /**
   * Replaces public.<table> with <shadow>.<table>, and gives its indexes (and
   * the constraints they back) the names the migrations gave the old ones,
   * matched on their definition, so that later migrations find them.
   */
  private async swapIn(client: pg.PoolClient, shadow: string, table: string): Promise<void> {
    const indexes = `SELECT c.relname AS name, i.indisunique AS is_unique,
        regexp_replace(pg_get_indexdef(i.indexrelid), '^.* USING ', '') AS definition
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = $1::regclass`;
    const { rows: before } = await client.query<{ name: string; is_unique: boolean; definition: string }>(indexes, [`public.${table}`]);
    // Grants are not copied by LIKE: the service's own role must keep its rights on the new table.
    const { rows: grants } = await client.query<{ grantee: string; privilege: string }>(
      `SELECT grantee, privilege_type AS privilege FROM information_schema.role_table_grants
       WHERE table_schema = 'public' AND table_name = $1 AND grantee <> current_user`,
      [table],
    );
    await client.query(`DROP TABLE public.${table}`);
    await client.query(`ALTER TABLE ${shadow}.${table} SET SCHEMA public`);
    for (const { grantee, privilege } of grants) {
      await client.query(`GRANT ${privilege} ON public.${table} TO ${grantee === "PUBLIC" ? "PUBLIC" : `"${grantee.replace(/"/g, '""')}"`}`);
    }
    const { rows: after } = await client.query<{ name: string; is_unique: boolean; definition: string }>(indexes, [`public.${table}`]);
    for (const index of after) {
      const original = before.find((b) => b.is_unique === index.is_unique && b.definition === index.definition);
      if (!original) throw new Error(`rebuilt table ${table} has an index the original lacks: ${index.definition}`);
      if (original.name !== index.name) await client.query(`ALTER INDEX public."${index.name}" RENAME TO "${original.name}"`);
    }
  }

  async checkpoints(): Promise<Map<string, string | null>> {
    const known = await this.records();
    return new Map(this.projectors.map((p) => [p.name, known.get(p.name)?.checkpoint || null]));
  }

  async status(): Promise<ProjectionStatus[]> {
    const result: ProjectionStatus[] = [];
    const store = new EventStore(this.pool);
    const known = await this.records();
    for (const { name } of this.projectors) {
      const record = known.get(name);
      const checkpoint = record?.checkpoint || null;
      const { count, oldest } = await store.behind(checkpoint);
      result.push({
        name,
        checkpoint,
        eventsBehind: count,
        secondsBehind: oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0,
        lastRunAt: record?.last_run_at ?? null,
        lastError: record?.last_error ?? null,
      });
    }
    return result;
  }

  private async records() {
    const { rows } = await this.pool.query<{ name: string; checkpoint: string; last_run_at: Date | null; last_error: string | null }>(
      "SELECT name, checkpoint, last_run_at, last_error FROM projections",
    );
    return new Map(rows.map((r) => [r.name, r]));
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

  private async unlock(client: pg.PoolClient, space: LockSpace, name: string): Promise<void> {
    await client.query(lockSql.release(space, name)).catch((cause) => {
      // An error without SQLSTATE makes withClient() drop the connection,
      // and the lock with it, rather than pool a session that holds it.
      throw new Error(`could not release the ${space} lock of ${name}`, { cause });
    });
  }

  /** The projection's checkpoint and the version of its rows; its row is created the first time, so that later batches only read. */
  private async stateOf(client: pg.PoolClient, projector: Projector): Promise<{ checkpoint: string | null; version: number }> {
    const { rows } = await client.query<{ checkpoint: string; version: number }>("SELECT checkpoint, version FROM projections WHERE name = $1", [
      projector.name,
    ]);
    if (rows[0]) return { checkpoint: rows[0].checkpoint || null, version: rows[0].version };
    await client.query("INSERT INTO projections (name, version) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", [projector.name, projector.version]);
    return { checkpoint: null, version: projector.version };
  }

  /**
   * Empties a projection whose rows older code wrote, in the batch's own
   * transaction, so that it is built again from the first event by this
   * code. Readers see it fill up again as it catches up.
   */
  private async restart(client: pg.PoolClient, projector: Projector): Promise<null> {
    for (const table of projector.tables) await client.query(`DELETE FROM ${table}`);
    await projector.afterRebuild?.(client);
    await client.query("UPDATE projections SET checkpoint = '', version = $2, updated_at = now() WHERE name = $1", [projector.name, projector.version]);
    return null;
  }
}
