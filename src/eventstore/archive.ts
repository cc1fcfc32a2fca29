import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import type pg from "pg";
import { withClient } from "../db/with-client.ts";

/**
 * The event log in a file of its own, to outlive its database: gzip'd JSON
 * lines, a header, one line per event with every column (its position
 * included), and a trailer with the count and a SHA-256 of the event lines.
 * Read and written a page at a time, so memory stays flat at any size.
 */
const FORMAT = "pilotis-events";
const FORMAT_VERSION = 1;
const PAGE = 1000;

interface ArchivedEvent {
  globalPosition: string;
  transactionId: string;
  streamId: string;
  streamVersion: number;
  type: string;
  payload: unknown;
  actor: string;
  reason: string | null;
  commandId: string | null;
  correlationId: string | null;
  causationId: string | null;
  occurredAt: string;
}

export class ArchiveError extends Error {}

/** The readable log, page by page in log order, as the projections read it: it may run beside the service. */
async function* archivedLines(pool: pg.Pool): AsyncGenerator<string> {
  let after = { transactionId: "0", globalPosition: "0" };
  for (;;) {
    const { rows } = await pool.query<ArchivedEvent>(
      `SELECT global_position::text AS "globalPosition", transaction_id::text AS "transactionId", stream_id AS "streamId",
              stream_version AS "streamVersion", type, payload, actor, reason, command_id AS "commandId",
              correlation_id AS "correlationId", causation_id AS "causationId",
              to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "occurredAt"
       FROM events_read_log($1::xid8, $2::bigint, NULL, $3)`,
      [after.transactionId, after.globalPosition, PAGE],
    );
    for (const row of rows) yield `${JSON.stringify(row)}\n`;
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1]!;
    after = { transactionId: last.transactionId, globalPosition: last.globalPosition };
  }
}

/** Writes the whole log to `file`; returns how many events and the checksum. */
export async function exportEvents(pool: pg.Pool, file: string): Promise<{ count: number; sha256: string }> {
  const hash = createHash("sha256");
  let count = 0;
  async function* lines() {
    yield `${JSON.stringify({ format: FORMAT, version: FORMAT_VERSION, exportedAt: new Date().toISOString() })}\n`;
    for await (const line of archivedLines(pool)) {
      hash.update(line);
      count++;
      yield line;
    }
    yield `${JSON.stringify({ end: true, count, sha256: hash.copy().digest("hex") })}\n`;
  }
  await pipeline(Readable.from(lines()), createGzip(), createWriteStream(file));
  return { count, sha256: hash.digest("hex") };
}

const INSERT = `
INSERT INTO events (global_position, transaction_id, stream_id, stream_version, type, payload, actor, reason, command_id, correlation_id, causation_id, occurred_at)
SELECT "globalPosition"::bigint, "transactionId"::xid8, "streamId", "streamVersion", type, payload, actor, reason, "commandId", "correlationId", "causationId", "occurredAt"::timestamptz
FROM jsonb_to_recordset($1::jsonb) AS e("globalPosition" text, "transactionId" text, "streamId" text, "streamVersion" int, type text, payload jsonb,
  actor text, reason text, "commandId" text, "correlationId" text, "causationId" text, "occurredAt" text)`;

/**
 * Restores a log exported by exportEvents into a database whose log is
 * empty: the same events in the same order at the same positions, in one
 * transaction that commits only when the count and checksum match. The
 * streams' directory is derived from the events; the log's clock moves past
 * the restored ids (see migration log_clock). Read models are then rebuilt
 * by `npm run projections:rebuild`.
 */
export async function importEvents(pool: pg.Pool, file: string): Promise<{ count: number }> {
  return withClient(pool, async (client) => {
    await client.query("BEGIN");
    try {
      // No append may slip in meanwhile; a lock is no write, so the appenders' rule holds.
      await client.query("LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE");
      const { rows } = await client.query<{ empty: boolean }>("SELECT NOT EXISTS (SELECT 1 FROM events) AS empty");
      if (!rows[0]!.empty) throw new ArchiveError("this database's event log is not empty: a log is restored into an empty database only");
      const count = await insertArchive(client, file);
      await client.query(
        `INSERT INTO streams (stream_id, stream_type, owner_id, created_at)
         SELECT stream_id, split_part(stream_id, '-', 1),
                CASE WHEN split_part(stream_id, '-', 1) = 'matrix' THEN (array_agg(payload->>'collectivityId' ORDER BY stream_version))[1] END,
                min(occurred_at)
         FROM events GROUP BY stream_id`,
      );
      await client.query("SELECT setval('events_global_position_seq', greatest((SELECT max(global_position) FROM events), 1))");
      await client.query(
        `UPDATE events_clock SET "offset" = greatest(0, coalesce((SELECT max(transaction_id::text::bigint) FROM events), 0) - pg_current_xact_id()::text::bigint + 1)`,
      );
      await client.query("COMMIT");
      return { count };
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
  });
}

async function insertArchive(client: pg.PoolClient, file: string): Promise<number> {
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  const hash = createHash("sha256");
  let header: { format?: string; version?: number } | null = null;
  let trailer: { end?: boolean; count?: number; sha256?: string } | null = null;
  let batch: ArchivedEvent[] = [];
  let count = 0;
  let lineNumber = 0;
  const flush = async () => {
    if (batch.length > 0) await client.query(INSERT, [JSON.stringify(batch)]);
    batch = [];
  };
  try {
    for await (const line of lines) {
      lineNumber++;
      if (trailer) throw new ArchiveError(`line ${lineNumber}: text after the end of the archive`);
      let value: Record<string, unknown>;
      try {
        value = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new ArchiveError(`line ${lineNumber}: not JSON`);
      }
      if (!header) {
        header = value;
        if (header.format !== FORMAT || header.version !== FORMAT_VERSION) throw new ArchiveError(`not a ${FORMAT} archive of version ${FORMAT_VERSION}`);
      } else if (value.end === true) {
        trailer = value;
      } else {
        hash.update(`${line}\n`);
        batch.push(value as unknown as ArchivedEvent);
        count++;
        if (batch.length >= PAGE) await flush();
      }
    }
  } catch (error) {
    if (error instanceof ArchiveError) throw error;
    throw new ArchiveError(`the archive cannot be read whole: ${(error as Error).message}`);
  }
  await flush();
  if (!trailer) throw new ArchiveError("the archive ends before its trailer: it was cut short");
  if (trailer.count !== count || trailer.sha256 !== hash.digest("hex")) {
    throw new ArchiveError("the archive's events do not match its checksum: it was altered or damaged");
  }
  return count;
}
