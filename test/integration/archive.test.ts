import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CollectivityAggregate, MatrixAggregate } from "../../src/app/aggregates.ts";
import { type CommandContext, CommandHandler } from "../../src/app/commands.ts";
import { Repository } from "../../src/app/repository.ts";
import { createDatabase, type Database } from "../../src/db/client.ts";
import { ArchiveError, exportEvents, importEvents } from "../../src/eventstore/archive.ts";
import { EventStore } from "../../src/eventstore/store.ts";
import { PROJECTORS } from "../../src/projections/index.ts";
import { catchUpInProcesses } from "../../src/projections/parallel-catch-up.ts";
import { ProjectionRunner } from "../../src/projections/runner.ts";
import { createTestDatabase, postgresAnswers, type TestDatabase } from "../support/database.ts";
import { useEventStore } from "../support/store.ts";

const fx = useEventStore();
const run = promisify(execFile);
const admin: CommandContext = { principal: { tokenId: "t", role: "ADMIN", collectivityId: null, subject: "admin" } };
const dir = mkdtempSync(join(tmpdir(), "pilotis-archive-"));

/** Another empty database, dropped after the file. */
const targets: { database: TestDatabase; connection: Database }[] = [];
async function emptyDatabase() {
  const database = await createTestDatabase();
  const connection = createDatabase({ url: database.url, poolSize: database.poolSize });
  targets.push({ database, connection });
  return Object.assign(connection, { url: database.url });
}

// A process per projection opens sessions of its own: PGlite's single backend cannot give them.
const postgresUp = await postgresAnswers();
if (!postgresUp) process.stderr.write("\n!! PostgreSQL does not answer: the catch-up in a process per projection is SKIPPED (it needs several sessions)\n\n");
afterAll(async () => {
  for (const t of targets) {
    await t.connection.close();
    await t.database.drop();
  }
});

const EVENTS = `SELECT global_position, transaction_id::text, event_position(transaction_id, global_position) AS position, stream_id, stream_version, type, payload, actor, reason, command_id, correlation_id, causation_id, occurred_at
  FROM events ORDER BY transaction_id, global_position`;
async function readModels(db: Database) {
  const q = async (sql: string) => (await db.pool.query(sql)).rows;
  return {
    views: await q("SELECT matrix_id, collectivity_id, status, published_at, version, position, state FROM matrix_views ORDER BY matrix_id"),
    timeline: await q("SELECT * FROM decision_timeline ORDER BY position"),
    directory: await q("SELECT * FROM collectivity_directory ORDER BY collectivity_id"),
    members: await q("SELECT * FROM benchmark_members ORDER BY collectivity_id"),
    streams: await q("SELECT stream_id, stream_type, owner_id FROM streams ORDER BY stream_id"),
  };
}

/** The archive's lines, rewritten by `change` and sealed again with a matching trailer. */
function resealed(file: string, change: (event: Record<string, unknown>) => Record<string, unknown>): string {
  const [header, ...rest] = gunzipSync(readFileSync(file)).toString("utf8").trim().split("\n");
  const events = rest.slice(0, -1).map((line) => `${JSON.stringify(change(JSON.parse(line)))}\n`);
  const sha256 = createHash("sha256").update(events.join("")).digest("hex");
  const out = join(dir, `resealed-${Math.random()}.jsonl.gz`);
  writeFileSync(out, gzipSync(`${header}\n${events.join("")}${JSON.stringify({ end: true, count: events.length, sha256 })}\n`));
  return out;
}

let file: string;
beforeAll(async () => {
  const store = fx.store;
  const commands = new CommandHandler(store, new Repository(store, CollectivityAggregate), new Repository(store, MatrixAggregate));
  for (let i = 0; i < 3; i++) {
    const c = (await commands.registerCollectivity({ name: `Commune archivée ${i}`, kind: "COMMUNE", population: 800 + i }, {}, admin)).ids.collectivityId!;
    const m = (await commands.openMatrix({ collectivityId: c, title: "Diagnostic" }, {}, admin)).ids.matrixId!;
    await commands.onMatrix(
      "f",
      { matrixId: m },
      { type: "AddFactor", matrixId: m, factorId: "s", kind: "STRENGTH", label: "Élus moteurs", catalogueKey: "S1" },
      {},
      { reason: "Atelier du 12 mars" },
      admin,
    );
    await commands.onMatrix(
      "f",
      { matrixId: m },
      { type: "AddFactor", matrixId: m, factorId: "o", kind: "OPPORTUNITY", label: "Appels à projets" },
      {},
      {},
      admin,
    );
    await commands.onMatrix(
      "p",
      { matrixId: m },
      { type: "ProposeStrategy", matrixId: m, strategyId: "x", internalFactorId: "s", externalFactorId: "o", title: "Répondre" },
      {},
      {},
      admin,
    );
    await commands.onMatrix(
      "s",
      { matrixId: m },
      { type: "ChangeStrategyStatus", matrixId: m, strategyId: "x", status: "ADOPTED" },
      {},
      { reason: "Vote du conseil" },
      admin,
    );
    if (i < 2) await commands.onMatrix("pub", { matrixId: m }, { type: "PublishMatrix", matrixId: m }, {}, {}, admin);
  }
  await new ProjectionRunner(fx.connection.pool, PROJECTORS).catchUp();
  file = join(dir, "events.jsonl.gz");
  expect((await exportEvents(fx.connection.pool, file)).count).toBe((await fx.connection.pool.query("SELECT count(*)::int AS n FROM events")).rows[0].n);
});

describe("backup and restore of the event log", () => {
  it("an empty database gets the same events at the same positions, and read models equal to the original's", async () => {
    const target = await emptyDatabase();
    await importEvents(target.pool, file);
    expect((await target.pool.query(EVENTS)).rows).toEqual((await fx.connection.pool.query(EVENTS)).rows);
    await new ProjectionRunner(target.pool, PROJECTORS).catchUp();
    expect(await readModels(target)).toEqual(await readModels(fx.connection));
    await expect(importEvents(target.pool, file)).rejects.toThrow(ArchiveError);
  });

  it.skipIf(!postgresUp)("restored, then caught up with a process per projection, the read models equal the original's", async () => {
    const target = await emptyDatabase();
    await importEvents(target.pool, file);
    const total = (await target.pool.query("SELECT count(*)::int AS n FROM events")).rows[0].n;
    const counts = await catchUpInProcesses(target.url, { batchSize: 7 });
    expect(counts).toEqual(Object.fromEntries(PROJECTORS.map((p) => [p.name, total])));
    expect(await readModels(target)).toEqual(await readModels(fx.connection));
  });

  it.skipIf(!postgresUp)("`npm run events:import` restores an archive and rebuilds the read models, each projection in a process of its own", async () => {
    const target = await emptyDatabase();
    const { stdout } = await run(process.execPath, ["--import", "tsx", "src/cli/events-import.ts", "--in", file], {
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      env: { ...process.env, DATABASE_URL: target.url, LOG_LEVEL: "error" },
    });
    expect(stdout).toMatch(/^\d+ events restored in [\d.]+ s; rebuilding the read models\nread models rebuilt\n$/);
    expect(await readModels(target)).toEqual(await readModels(fx.connection));
    // The planner was told about the restored log before the catch-up read it, and about the read models after
    // (autovacuum may never come by).
    const analyzed = ["events", ...PROJECTORS.flatMap((p) => p.tables)];
    const { rows } = await target.pool.query("SELECT relname, last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables WHERE relname = ANY($1)", [
      analyzed,
    ]);
    expect(Object.fromEntries(rows.map((r) => [r.relname, r.analyzed]))).toEqual(Object.fromEntries(analyzed.map((t) => [t, true])));
  });

  it("a projection's process that fails fails the catch-up, naming the projection", async () => {
    await expect(catchUpInProcesses("postgresql://postgres@127.0.0.1:1/nowhere", { batchSize: 10 })).rejects.toThrow(
      /the (matrix-views|collectivity-directory|benchmarks) projection's process stopped \(exit code 1\) before it was done/,
    );
  });

  it("refuses an altered or cut archive whole, writing nothing", async () => {
    const target = await emptyDatabase();
    const [header, ...rest] = gunzipSync(readFileSync(file)).toString("utf8").split("\n");
    const altered = join(dir, "altered.jsonl.gz");
    writeFileSync(altered, gzipSync([header, ...rest].join("\n").replace("Vote du conseil", "Vote du bureau")));
    await expect(importEvents(target.pool, altered)).rejects.toThrow(/checksum/);
    const cut = join(dir, "cut.jsonl.gz");
    writeFileSync(cut, gzipSync([header, ...rest.slice(0, 5)].join("\n")));
    await expect(importEvents(target.pool, cut)).rejects.toThrow(/cut short/);
    expect((await target.pool.query("SELECT count(*)::int AS n FROM events")).rows[0].n).toBe(0);
  });

  it("restored on a server whose transaction ids are behind, new events still come after the restored ones", async () => {
    const ahead = resealed(file, (e) => ({ ...e, transactionId: String(BigInt(e.transactionId as string) + 50_000_000n) }));
    const target = await emptyDatabase();
    await importEvents(target.pool, ahead);
    const store = new EventStore(target.pool);
    const restored = await store.readLog({ limit: 1000 });
    const last = restored[restored.length - 1]!.position;
    const appended = await store.append({
      streamId: "matrix-after",
      streamType: "matrix",
      expectedVersion: 0,
      events: [{ type: "MatrixOpened", data: { matrixId: "after", collectivityId: "c", title: "Après" } }],
      metadata: { actor: "t" },
    });
    expect(appended.position > last).toBe(true);
    expect((await store.readLog({ after: last, limit: 10 })).map((e) => e.streamId)).toEqual(["matrix-after"]);
  });
});
