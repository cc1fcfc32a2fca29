import pg from "pg";
import { describe, expect, it } from "vitest";
import type { RecordedEvent } from "../../src/domain/events.ts";
import { ConcurrencyError, DuplicateCommandError, EventStore } from "../../src/eventstore/store.ts";
import { ADMIN_URL } from "../support/database.ts";
import { useEventStore } from "../support/store.ts";

const fx = useEventStore();

const one = (streamId: string, expectedVersion: number, extra: Partial<Parameters<EventStore["append"]>[0]> = {}) =>
  fx.store.append({
    streamId,
    streamType: "test",
    expectedVersion,
    events: [{ type: "Happened", data: { n: expectedVersion + 1 } }],
    metadata: { actor: "tester" },
    ...extra,
  });

const countIn = async (streamId: string) =>
  (await fx.db.$queryRawUnsafe<{ n: number }[]>("SELECT count(*)::int AS n FROM events WHERE stream_id = $1", streamId))[0]!.n;

describe("append", () => {
  it("writes several events of one command with consecutive versions and increasing positions", async () => {
    const result = await fx.store.append({
      streamId: "multi",
      streamType: "test",
      expectedVersion: 0,
      events: [
        { type: "A", data: {} },
        { type: "B", data: { x: 1 } },
        { type: "C", data: {} },
      ],
      metadata: { actor: "tester", reason: "why", correlationId: "corr" },
    });
    expect(result.events.map((e) => [e.version, e.type])).toEqual([
      [1, "A"],
      [2, "B"],
      [3, "C"],
    ]);
    const positions = result.events.map((e) => e.position);
    expect([...positions].sort()).toEqual(positions);
    expect(new Set(positions).size).toBe(3);
    expect(result.events[0]).toMatchObject({ actor: "tester", reason: "why" });
  });

  it("refuses a stale expected version and writes nothing", async () => {
    await one("stale", 0);
    await one("stale", 1);
    await expect(one("stale", 1)).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(
      fx.store.append({
        streamId: "stale",
        streamType: "test",
        expectedVersion: 1,
        events: [
          { type: "X", data: {} },
          { type: "Y", data: {} },
          { type: "Z", data: {} },
        ],
        metadata: { actor: "tester" },
      }),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await countIn("stale")).toBe(2);
  });

  it("lets exactly one of many racing appends at the same version win", async () => {
    await one("race", 0);
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => one("race", 1)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(ConcurrencyError);
    expect(await countIn("race")).toBe(2);
  });

  it("lets exactly one of two streams racing to be created win", async () => {
    const results = await Promise.allSettled([one("born", 0), one("born", 0), one("born", 0)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await countIn("born")).toBe(1);
  });

  it("records a command id once: a replay writes nothing and the first result stays", async () => {
    const idem = { caller: "token-1", fingerprint: "f1", result: { thing: "t1" } };
    const first = await one("idem", 0, { metadata: { actor: "tester", commandId: "cmd-1" }, idempotency: idem });
    await expect(one("idem", 1, { metadata: { actor: "tester", commandId: "cmd-1" }, idempotency: idem })).rejects.toBeInstanceOf(DuplicateCommandError);
    expect(await countIn("idem")).toBe(1);
    expect(await fx.store.findCommand("token-1", "cmd-1")).toEqual({
      fingerprint: "f1",
      streamId: "idem",
      result: { thing: "t1", version: 1, position: first.position },
    });
    expect(await fx.store.findCommand("token-2", "cmd-1")).toBeNull();
    await one("idem-other-caller", 0, { metadata: { actor: "tester", commandId: "cmd-1" }, idempotency: { ...idem, caller: "token-2" } });
    expect(await countIn("idem-other-caller")).toBe(1);
  });
});

describe("appends written together", () => {
  const xids = async (prefix: string) =>
    (
      await fx.db.$queryRawUnsafe<{ n: number }[]>("SELECT count(DISTINCT transaction_id::text)::int AS n FROM events WHERE stream_id LIKE $1", `${prefix}%`)
    )[0]!.n;

  it("share a statement and a commit when they arrive together, each with its own events, versions and command", async () => {
    const idem = (i: number) => ({ caller: "batcher", fingerprint: `f${i}`, result: { i } });
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        fx.store.append({
          streamId: `together-${i}`,
          streamType: "test",
          expectedVersion: 0,
          events: Array.from({ length: 1 + (i % 3) }, (_, k) => ({ type: "Happened", data: { i, k } })),
          metadata: { actor: "tester", commandId: `together-${i}` },
          idempotency: idem(i),
        }),
      ),
    );
    // Written alone, they would be 24 transactions.
    expect(await xids("together-")).toBeLessThan(24);
    for (const [i, result] of results.entries()) {
      expect(result.events.map((e) => [e.streamId, e.version, e.data])).toEqual(
        Array.from({ length: 1 + (i % 3) }, (_, k) => [`together-${i}`, k + 1, { i, k }]),
      );
      expect(result.version).toBe(1 + (i % 3));
      expect(await fx.store.findCommand("batcher", `together-${i}`)).toEqual({
        fingerprint: `f${i}`,
        streamId: `together-${i}`,
        result: { i, version: result.version, position: result.position },
      });
    }
  });

  it("refuse only the stale or replayed ones among them: the others are written", async () => {
    await one("crowd-stale", 0);
    await one("crowd-replayed", 0, { metadata: { actor: "tester", commandId: "crowd-cmd" }, idempotency: { caller: "c", fingerprint: "f", result: {} } });
    const results = await Promise.allSettled([
      ...Array.from({ length: 10 }, (_, i) => one(`crowd-${i}`, 0)),
      one("crowd-stale", 0),
      one("crowd-other", 0, { metadata: { actor: "tester", commandId: "crowd-cmd" }, idempotency: { caller: "c", fingerprint: "f", result: {} } }),
      ...Array.from({ length: 10 }, (_, i) => one(`crowd-${i + 10}`, 0)),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(20);
    expect((results[10] as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyError);
    expect((results[11] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateCommandError);
    for (let i = 0; i < 20; i++) expect(await countIn(`crowd-${i}`)).toBe(1);
    expect([await countIn("crowd-stale"), await countIn("crowd-other")]).toEqual([1, 0]);
  });
});

describe("append-only", () => {
  it.each([["UPDATE events SET actor = 'mallory'"], ["DELETE FROM events"], ["TRUNCATE events"]])("the database refuses %s", async (sql) => {
    await one(`immutable-${sql.length}`, 0);
    const before = await fx.db.$queryRawUnsafe<{ n: number }[]>("SELECT count(*)::int AS n FROM events");
    await expect(fx.db.$executeRawUnsafe(sql)).rejects.toThrow(/append-only/);
    expect(await fx.db.$queryRawUnsafe("SELECT count(*)::int AS n FROM events")).toEqual(before);
  });
});

describe("reading a stream", () => {
  it("reads whole, up to a version and up to a time", async () => {
    await one("history", 0);
    await one("history", 1);
    const cut = new Date();
    await new Promise((r) => setTimeout(r, 20));
    await one("history", 2);
    expect((await fx.store.readStream("history")).map((e) => e.version)).toEqual([1, 2, 3]);
    expect((await fx.store.readStream("history", { toVersion: 2 })).map((e) => e.version)).toEqual([1, 2]);
    expect((await fx.store.readStream("history", { until: cut })).map((e) => e.version)).toEqual([1, 2]);
    expect((await fx.store.readStream("history", { afterVersion: 2 })).map((e) => e.version)).toEqual([3]);
  });

  it("reads several streams, each up to its own version, by stream in version order", async () => {
    for (let v = 0; v < 3; v++) await one("several-b", v);
    for (let v = 0; v < 2; v++) await one("several-a", v);
    await one("several-c", 0);
    const events = await fx.store.readStreams([
      { streamId: "several-b", toVersion: 2 },
      { streamId: "several-a", toVersion: 5 },
      { streamId: "several-missing", toVersion: 1 },
    ]);
    expect(events.map((e) => [e.streamId, e.version, e.data])).toEqual([
      ["several-a", 1, { n: 1 }],
      ["several-a", 2, { n: 2 }],
      ["several-b", 1, { n: 1 }],
      ["several-b", 2, { n: 2 }],
    ]);
    expect(await fx.store.readStreams([])).toEqual([]);
  });
});

describe("reading the global log", () => {
  async function drain(after: string | null): Promise<{ events: RecordedEvent[]; last: string | null }> {
    const events: RecordedEvent[] = [];
    let cursor = after;
    for (;;) {
      const page = await fx.store.readLog({ after: cursor, limit: 50 });
      if (page.length === 0) return { events, last: cursor };
      events.push(...page);
      cursor = page[page.length - 1]!.position;
    }
  }

  it("never passes an event whose transaction commits late, and moves on once it commits", async (ctx) => {
    if (fx.database.embedded) ctx.skip(); // PGlite serves one connection: no transaction can stay open beside the reader
    const start = (await drain(null)).last;
    const held = new pg.Client({ connectionString: fx.database.url });
    await held.connect();
    await held.query("BEGIN");
    await held.query("INSERT INTO events (stream_id, stream_version, type, payload, actor) VALUES ('late', 1, 'Late', '{}', 'tester')");
    await one("after-late-1", 0);
    await one("after-late-2", 0);
    const whileOpen = await drain(start);
    expect(whileOpen.events.map((e) => e.streamId)).not.toContain("after-late-1");
    expect(whileOpen.events.map((e) => e.streamId)).not.toContain("late");
    await held.query("COMMIT");
    await held.end();
    const afterCommit = await drain(whileOpen.last);
    expect(afterCommit.events.map((e) => e.streamId)).toEqual(["late", "after-late-1", "after-late-2"]);
  });

  /** A transaction that holds a transaction id until `release` is called: a neighbour of the reader. */
  async function holdWriteTransaction(url: string, write: string): Promise<{ release(): Promise<void> }> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("BEGIN");
    await client.query(write);
    return {
      release: async () => {
        await client.query("ROLLBACK");
        await client.end();
      },
    };
  }

  it("is not held back by a write transaction open in another database of the same server", async (ctx) => {
    if (fx.database.embedded) ctx.skip();
    const start = (await drain(null)).last;
    const neighbour = await holdWriteTransaction(ADMIN_URL, "CREATE TEMP TABLE neighbour_write (n int)");
    try {
      await one("beside-other-database", 0);
      expect((await drain(start)).events.map((e) => e.streamId)).toEqual(["beside-other-database"]);
      expect(await fx.store.headPosition()).toBe((await fx.store.readStream("beside-other-database"))[0]!.position);
    } finally {
      await neighbour.release();
    }
  });

  it("is not held back by a transaction of this database that appends nothing (a rebuild, a read-model write)", async (ctx) => {
    if (fx.database.embedded) ctx.skip();
    const start = (await drain(null)).last;
    const neighbour = await holdWriteTransaction(fx.database.url, "INSERT INTO projections (name) VALUES ('neighbour')");
    try {
      await one("beside-rebuild", 0);
      expect((await drain(start)).events.map((e) => e.streamId)).toEqual(["beside-rebuild"]);
    } finally {
      await neighbour.release();
    }
  });

  it("refuses events written after something else in the same transaction, which the horizon could not see coming", async () => {
    const client = await fx.connection.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("INSERT INTO projections (name) VALUES ('first-write')");
      await expect(
        client.query("INSERT INTO events (stream_id, stream_version, type, payload, actor) VALUES ('second', 1, 'S', '{}', 't')"),
      ).rejects.toMatchObject({ code: "55000" });
    } finally {
      await client.query("ROLLBACK");
      client.release();
    }
    expect(await countIn("second")).toBe(0);
  });

  it("is read at read committed only, where each statement sees what committed before it", async () => {
    const client = await fx.connection.pool.connect();
    try {
      await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
      await expect(new EventStore(client).readLog({ limit: 1 })).rejects.toMatchObject({ code: "25000" });
    } finally {
      await client.query("ROLLBACK");
      client.release();
    }
  });

  it("is not blocked by a rolled-back append's gap", async (ctx) => {
    if (fx.database.embedded) ctx.skip();
    const start = (await drain(null)).last;
    const rolledBack = new pg.Client({ connectionString: fx.database.url });
    await rolledBack.connect();
    await rolledBack.query("BEGIN");
    await rolledBack.query("INSERT INTO events (stream_id, stream_version, type, payload, actor) VALUES ('ghost', 1, 'G', '{}', 't')");
    await one("after-ghost", 0);
    await rolledBack.query("ROLLBACK");
    await rolledBack.end();
    const read = await drain(start);
    expect(read.events.map((e) => e.streamId)).toEqual(["after-ghost"]);
  });

  it("with many concurrent appenders and a reader running meanwhile, the reader sees every event exactly once, in order per stream", async () => {
    const start = (await drain(null)).last;
    const writers = 8;
    const perWriter = fx.database.embedded ? 15 : 40;
    let done = false;
    const seen: RecordedEvent[] = [];
    const reader = (async () => {
      let cursor = start;
      while (!done || (await fx.store.readLog({ after: cursor, limit: 1 })).length > 0) {
        const page = await fx.store.readLog({ after: cursor, limit: 25 });
        seen.push(...page);
        if (page.length > 0) cursor = page[page.length - 1]!.position;
        else await new Promise((r) => setTimeout(r, 2));
      }
    })();
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let v = 0; v < perWriter; v++) {
          const events = Array.from({ length: 1 + (v % 3) }, (_, i) => ({ type: "Tick", data: { w, v, i } }));
          const base = (await fx.store.readStream(`writer-${w}`)).length;
          await fx.store.append({ streamId: `writer-${w}`, streamType: "test", expectedVersion: base, events, metadata: { actor: "t" } });
        }
      }),
    );
    done = true;
    await reader;
    const expected = Array.from({ length: perWriter }, (_, v) => 1 + (v % 3)).reduce((a, b) => a + b, 0) * writers;
    const keys = seen.map((e) => `${e.streamId}:${e.version}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(expected);
    const positions = seen.map((e) => e.position);
    expect([...positions].sort()).toEqual(positions);
    for (let w = 0; w < writers; w++) {
      const versions = seen.filter((e) => e.streamId === `writer-${w}`).map((e) => e.version);
      expect(versions).toEqual(versions.map((_, i) => i + 1));
    }
  });
});
