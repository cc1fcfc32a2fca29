import { createHash } from "node:crypto";
import pg from "pg";
import { withClient } from "../db/with-client.ts";
import type { Event, RecordedEvent } from "../domain/events.ts";
import { type LogPoint, parsePosition, START } from "./position.ts";

export interface EventMetadata {
  actor: string;
  reason?: string | null;
  commandId?: string | null;
  correlationId?: string | null;
  causationId?: string | null;
}

export interface AppendRequest {
  streamId: string;
  streamType: string;
  /** A matrix's collectivity: lets the directory list a collectivity's matrices. */
  ownerId?: string | null;
  /** The version the caller decided on; 0 for a new stream. */
  expectedVersion: number;
  events: Event[];
  metadata: EventMetadata;
  /** With metadata.commandId: who sent it (its id is theirs alone) and what a replay must get back. */
  idempotency?: { caller: string; fingerprint: string; result: Record<string, unknown> };
  /** When the events happened, for history imported from elsewhere; the commit time otherwise. */
  occurredAt?: Date;
}

export interface AppendResult {
  events: RecordedEvent[];
  version: number;
  position: string;
}

export interface StoredCommand {
  fingerprint: string;
  streamId: string;
  result: Record<string, unknown> & { position: string; version: number };
}

export class ConcurrencyError extends Error {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
  ) {
    super(`stream ${streamId} moved past version ${expectedVersion}`);
  }
}

export class DuplicateCommandError extends Error {
  constructor(readonly commandId: string) {
    super(`command ${commandId} was already recorded`);
  }
}

/**
 * An event's row in EVENT_COLUMNS' order, as node-postgres gives it in
 * array mode: no object with named keys per row, which was an eighth of the
 * CPU of reading the national network's log (1,030,347 events: 4.6 s → 3.7-4.0 s),
 * and a catch-up from zero reads it once in each of its processes.
 */
type EventTuple = [
  streamId: string,
  version: number,
  position: string,
  type: string,
  payload: unknown,
  actor: string,
  reason: string | null,
  occurredMs: number,
];

// occurred_at as epoch milliseconds (stored to the millisecond, so exact in a
// float8): node-postgres parses a timestamptz with a regular expression, which
// cost each projection's catch-up from zero 0.6 s of its CPU.
const EVENT_COLUMNS = `stream_id, stream_version, event_position(transaction_id, global_position) AS position,
  type, payload, actor, reason, round(date_part('epoch', occurred_at) * 1000)::float8 AS occurred_ms`;

const toRecorded = ([streamId, version, position, type, data, actor, reason, occurredMs]: EventTuple): RecordedEvent => ({
  streamId,
  version,
  position,
  type,
  data,
  actor,
  reason,
  occurredAt: new Date(occurredMs),
});

// One statement, hence one implicit transaction and one round trip: the
// events, a new stream's directory row and the idempotency record commit
// together or not at all. The directory is written only when a stream is
// born, so appends to existing streams touch one table plus the command log. UNIQUE(stream_id, stream_version) refuses a stale append, and
// the commands primary key refuses a replayed command id.
const APPEND_SQL = `
WITH input AS (
  SELECT ord::int AS ord, e->>'type' AS type, e->'data' AS payload
  FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS x(e, ord)
), appended AS (
  INSERT INTO events (stream_id, stream_version, type, payload, actor, reason, command_id, correlation_id, causation_id, occurred_at)
  SELECT $1, $2::int + ord, type, payload, $4, $5, $6, $7, $8, coalesce($13::timestamptz, date_trunc('milliseconds', now()))
  FROM input ORDER BY ord
  RETURNING ${EVENT_COLUMNS}
), directory AS (
  INSERT INTO streams (stream_id, stream_type, owner_id)
  SELECT $1, $9, $10 WHERE $2::int = 0
  ON CONFLICT (stream_id) DO NOTHING
), command AS (
  INSERT INTO commands (caller, command_id, fingerprint, stream_id, result)
  SELECT $14, $6, $11, $1, $12::jsonb || jsonb_build_object('version', max(stream_version), 'position', max(position))
  FROM appended
  HAVING $6::text IS NOT NULL AND $11::text IS NOT NULL AND $14::text IS NOT NULL
)
SELECT * FROM appended ORDER BY stream_version`;

// Several appends in one statement, as APPEND_SQL writes one: each request's
// events follow its expected version, its stream is born when it expects 0,
// its command is recorded when it carries one. One violation refuses the
// whole statement; the store then writes each request alone (see append).
const APPEND_MANY_SQL = `
WITH req AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
    i int, stream_id text, expected int, stream_type text, owner_id text, actor text, reason text, command_id text,
    correlation_id text, causation_id text, fingerprint text, result jsonb, occurred_at timestamptz, caller text, events jsonb)
), input AS (
  SELECT r.*, x.ord::int AS ord, x.e->>'type' AS type, x.e->'data' AS payload
  FROM req r, jsonb_array_elements(r.events) WITH ORDINALITY AS x(e, ord)
), appended AS (
  INSERT INTO events (stream_id, stream_version, type, payload, actor, reason, command_id, correlation_id, causation_id, occurred_at)
  SELECT stream_id, expected + ord, type, payload, actor, reason, command_id, correlation_id, causation_id,
         coalesce(occurred_at, date_trunc('milliseconds', now()))
  FROM input ORDER BY i, ord
  RETURNING ${EVENT_COLUMNS}
), directory AS (
  INSERT INTO streams (stream_id, stream_type, owner_id)
  SELECT stream_id, stream_type, owner_id FROM req WHERE expected = 0
  ON CONFLICT (stream_id) DO NOTHING
), command AS (
  INSERT INTO commands (caller, command_id, fingerprint, stream_id, result)
  SELECT r.caller, r.command_id, r.fingerprint, r.stream_id, r.result || jsonb_build_object('version', max(a.stream_version), 'position', max(a.position))
  FROM req r JOIN appended a ON a.stream_id = r.stream_id AND a.stream_version > r.expected AND a.stream_version <= r.expected + jsonb_array_length(r.events)
  WHERE r.command_id IS NOT NULL AND r.fingerprint IS NOT NULL AND r.caller IS NOT NULL
  GROUP BY r.i, r.caller, r.command_id, r.fingerprint, r.stream_id, r.result
)
SELECT * FROM appended ORDER BY stream_id, stream_version`;

// The store's statements are fixed texts, prepared once per connection under
// a name derived from the text: planning the append's CTEs cost more than
// executing them (npm run bench: 0.37 of the raw INSERT rate unprepared).
const statementNames = new Map<string, string>();
const statementName = (sql: string): string => {
  let name = statementNames.get(sql);
  if (!name) {
    name = `pilotis_${createHash("sha1").update(sql).digest("hex").slice(0, 16)}`;
    statementNames.set(sql, name);
  }
  return name;
};

/** One request as a row of APPEND_MANY_SQL's input. */
const manyRow = (request: AppendRequest, i: number) => ({
  i,
  stream_id: request.streamId,
  expected: request.expectedVersion,
  stream_type: request.streamType,
  owner_id: request.ownerId ?? null,
  actor: request.metadata.actor,
  reason: request.metadata.reason ?? null,
  command_id: request.metadata.commandId ?? null,
  correlation_id: request.metadata.correlationId ?? null,
  causation_id: request.metadata.causationId ?? null,
  fingerprint: request.idempotency?.fingerprint ?? null,
  result: request.idempotency?.result ?? null,
  occurred_at: request.occurredAt?.toISOString() ?? null,
  caller: request.idempotency?.caller ?? null,
  events: request.events.map((e) => ({ type: e.type, data: e.data })),
});

/** The unique index an append ran into (PostgreSQL's unique_violation, 23505). */
function violatedUniqueIndex(error: unknown): string | null {
  const pgError = error as { code?: string; constraint?: string };
  return pgError?.code === "23505" ? (pgError.constraint ?? null) : null;
}

/** Appends that may go to the database in one statement at most. */
const MAX_BATCH = 64;

/**
 * How many append statements run at once before appends wait and go
 * together: up to it, an append is written at once, as alone; beyond, those
 * that arrived meanwhile share the next statement (one round trip, one plan,
 * one commit). One: with the API's own projections beside it on this 2-core
 * machine, appends from 8 writers reached 0.95 of raw single-row INSERTs,
 * 0.79 with two statements at once and 0.60 with none shared (npm run
 * bench); a statement of many appends still takes milliseconds, so one
 * process writes thousands a second.
 */
const APPENDS_IN_FLIGHT = 1;

interface Waiting {
  request: AppendRequest;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

export class EventStore {
  /** On a pool, each call takes a connection; on a client, calls run in whatever transaction it holds. */
  constructor(private readonly db: pg.Pool | pg.PoolClient) {}

  private readonly waiting: Waiting[] = [];
  private inFlight = 0;

  private async rows<T extends unknown[]>(sql: string, ...params: unknown[]): Promise<T> {
    const query = { name: statementName(sql), text: sql, values: params };
    if (!(this.db instanceof pg.Pool)) return (await this.db.query(query)).rows as T;
    return withClient(this.db, async (client) => (await client.query(query)).rows as T);
  }

  /** The events a statement selects with EVENT_COLUMNS. */
  private async events(sql: string, ...params: unknown[]): Promise<RecordedEvent[]> {
    const query: pg.QueryArrayConfig = { name: statementName(sql), text: sql, values: params, rowMode: "array" };
    const run = (db: pg.Pool | pg.PoolClient) => db.query<EventTuple>(query);
    const { rows } = this.db instanceof pg.Pool ? await withClient(this.db, run) : await run(this.db);
    return rows.map(toRecorded);
  }

  /**
   * Appends events to one stream, if it is still at the expected version,
   * with its command recorded once. On a pool, concurrent appends are
   * written together (see APPENDS_IN_FLIGHT), each with its own checks: one
   * refused leaves the others written.
   */
  append(request: AppendRequest): Promise<AppendResult> {
    if (request.events.length === 0) return Promise.reject(new Error("append needs at least one event"));
    if (!(this.db instanceof pg.Pool)) return this.appendOne(request);
    return new Promise((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      this.writeWaiting();
    });
  }

  private writeWaiting(): void {
    while (this.inFlight < APPENDS_IN_FLIGHT && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, MAX_BATCH);
      this.inFlight++;
      void this.writeBatch(batch).finally(() => {
        this.inFlight--;
        this.writeWaiting();
      });
    }
  }

  private async writeBatch(batch: Waiting[]): Promise<void> {
    if (batch.length > 1) {
      try {
        const recorded = await this.events(APPEND_MANY_SQL, JSON.stringify(batch.map(({ request }, i) => manyRow(request, i))));
        for (const { request, resolve } of batch) {
          const events = recorded.filter(
            (e) => e.streamId === request.streamId && e.version > request.expectedVersion && e.version <= request.expectedVersion + request.events.length,
          );
          const last = events[events.length - 1]!;
          resolve({ events, version: last.version, position: last.position });
        }
        return;
      } catch (error) {
        // One request refused refuses the statement: each alone, so that only the refused ones fail.
        if (!violatedUniqueIndex(error)) {
          for (const { reject } of batch) reject(error);
          return;
        }
      }
    }
    await Promise.all(batch.map(({ request, resolve, reject }) => this.appendOne(request).then(resolve, reject)));
  }

  private async appendOne(request: AppendRequest): Promise<AppendResult> {
    const { metadata } = request;
    try {
      const events = await this.events(
        APPEND_SQL,
        request.streamId,
        request.expectedVersion,
        JSON.stringify(request.events.map((e) => ({ type: e.type, data: e.data }))),
        metadata.actor,
        metadata.reason ?? null,
        metadata.commandId ?? null,
        metadata.correlationId ?? null,
        metadata.causationId ?? null,
        request.streamType,
        request.ownerId ?? null,
        request.idempotency?.fingerprint ?? null,
        request.idempotency ? JSON.stringify(request.idempotency.result) : null,
        request.occurredAt?.toISOString() ?? null,
        request.idempotency?.caller ?? null,
      );
      const last = events[events.length - 1]!;
      return { events, version: last.version, position: last.position };
    } catch (error) {
      const index = violatedUniqueIndex(error);
      if (index === "commands_pkey") throw new DuplicateCommandError(metadata.commandId!);
      if (index === "events_stream_id_stream_version_key" || index === "streams_pkey") {
        throw new ConcurrencyError(request.streamId, request.expectedVersion);
      }
      throw error;
    }
  }

  /**
   * Keeps a stream's folded state so later loads read only the events after
   * it. A cache, not a source of truth: written apart from the append, and
   * never moved backwards.
   */
  async saveSnapshot(streamId: string, version: number, state: unknown): Promise<void> {
    await this.rows<unknown[]>(
      "UPDATE streams SET snapshot = $2::jsonb, snapshot_version = $3 WHERE stream_id = $1 AND snapshot_version < $3",
      streamId,
      JSON.stringify(state),
      version,
    );
  }

  async findCommand(caller: string, commandId: string): Promise<StoredCommand | null> {
    const rows = await this.rows<{ fingerprint: string; stream_id: string; result: StoredCommand["result"] }[]>(
      "SELECT fingerprint, stream_id, result FROM commands WHERE caller = $1 AND command_id = $2",
      caller,
      commandId,
    );
    const row = rows[0];
    return row ? { fingerprint: row.fingerprint, streamId: row.stream_id, result: row.result } : null;
  }

  /** Events of one stream in version order, optionally after a version, up to a version or up to a time. */
  async readStream(streamId: string, options: { afterVersion?: number; toVersion?: number; until?: Date } = {}): Promise<RecordedEvent[]> {
    return this.events(
      `SELECT ${EVENT_COLUMNS} FROM events
       WHERE stream_id = $1 AND stream_version > $2
         AND ($3::int IS NULL OR stream_version <= $3::int)
         AND ($4::timestamptz IS NULL OR occurred_at <= $4::timestamptz)
       ORDER BY stream_version`,
      streamId,
      options.afterVersion ?? 0,
      options.toVersion ?? null,
      options.until ?? null,
    );
  }

  /** Events of several streams, each up to its own version, in one query: by stream, in version order. */
  async readStreams(ranges: readonly { streamId: string; toVersion: number }[]): Promise<RecordedEvent[]> {
    if (ranges.length === 0) return [];
    return this.events(
      `SELECT ${EVENT_COLUMNS} FROM events JOIN unnest($1::text[], $2::int[]) AS wanted(stream_id, to_version) USING (stream_id)
       WHERE stream_version <= wanted.to_version
       ORDER BY stream_id, stream_version`,
      ranges.map((r) => r.streamId),
      ranges.map((r) => r.toVersion),
    );
  }

  async streamInfo(streamId: string): Promise<{ snapshot: unknown; snapshotVersion: number; streamType: string; ownerId: string | null } | null> {
    const rows = await this.rows<{ snapshot: unknown; snapshot_version: number; stream_type: string; owner_id: string | null }[]>(
      "SELECT snapshot, snapshot_version, stream_type, owner_id FROM streams WHERE stream_id = $1",
      streamId,
    );
    const row = rows[0];
    return row ? { snapshot: row.snapshot, snapshotVersion: row.snapshot_version, streamType: row.stream_type, ownerId: row.owner_id } : null;
  }

  /**
   * The global log after a position, in log order, never passing an event
   * whose transaction might still commit. The rule lives in the database
   * (events_read_log, migration log_horizon): only transactions that append
   * to this log hold readers back, never those of other databases or of
   * rebuilds here.
   */
  async readLog(options: { after?: string | null; limit: number; streamId?: string | null }): Promise<RecordedEvent[]> {
    const from: LogPoint = options.after ? parsePosition(options.after, "after") : START;
    return this.events(
      `SELECT ${EVENT_COLUMNS} FROM events_read_log($1::text::xid8, $2::bigint, $3::text, $4::int)`,
      from.transactionId.toString(),
      from.globalPosition.toString(),
      options.streamId ?? null,
      options.limit,
    );
  }

  /** The position of the last event a log reader may see now (null when the log is empty). */
  async headPosition(): Promise<string | null> {
    const rows = await this.rows<{ position: string | null }[]>("SELECT events_head_position() AS position");
    return rows[0]?.position ?? null;
  }

  /** How many readable events lie after a position, and when the oldest of them happened. */
  async behind(after: string | null): Promise<{ count: number; oldest: Date | null }> {
    const from: LogPoint = after ? parsePosition(after) : START;
    const rows = await this.rows<{ behind: string; oldest: Date | null }[]>(
      "SELECT behind, oldest FROM events_behind($1::text::xid8, $2::bigint)",
      from.transactionId.toString(),
      from.globalPosition.toString(),
    );
    return { count: Number(rows[0]!.behind), oldest: rows[0]!.oldest };
  }

  async listStreams(options: { streamType: string; ownerId?: string | null; afterStreamId?: string | null; limit: number }) {
    return this.rows<{ stream_id: string }[]>(
      `SELECT stream_id FROM streams
       WHERE stream_type = $1 AND ($2::text IS NULL OR owner_id = $2::text)
         AND ($3::text IS NULL OR stream_id > $3::text)
       ORDER BY stream_id LIMIT $4`,
      options.streamType,
      options.ownerId ?? null,
      options.afterStreamId ?? null,
      options.limit,
    );
  }
}
