import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startTestApp, type TestApp } from "../support/app.ts";
import { type SseSubscription, subscribeSse } from "../support/sse.ts";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ PILOTIS_MAX_SUBSCRIPTIONS_PER_TOKEN: "3", PILOTIS_MAX_SUBSCRIPTIONS: "5", PILOTIS_MAX_BODY_BYTES: "20000" });
});
afterAll(async () => app?.close());

const LIVE = `subscription { benchmarkUpdated { suppressed } }`;

/** Opens a subscription over SSE: the stream when it stays open two seconds without a word, else the refusal it got. */
async function tryOpen(token: string): Promise<{ open: SseSubscription } | { refused: string }> {
  const sub = await subscribeSse(app.url, token, LIVE, {});
  try {
    const first = await sub.next(2000);
    sub.close();
    return { refused: JSON.stringify(first.errors) };
  } catch {
    return { open: sub };
  }
}

describe("what one token can cost everyone", () => {
  it("caps open subscriptions per token and per process, refusing only the one over with RATE_LIMITED", async () => {
    const a = await app.token("OBSERVER");
    const open: SseSubscription[] = [];
    const opened = async (token: string) => {
      const attempt = await tryOpen(token);
      if (!("open" in attempt)) throw new Error(`refused: ${attempt.refused}`);
      open.push(attempt.open);
    };
    for (let i = 0; i < 3; i++) await opened(a);
    expect(await tryOpen(a)).toMatchObject({ refused: expect.stringMatching(/RATE_LIMITED/) });
    open.pop()!.close();
    // The server lets a subscription go once it sees its client leave.
    const deadline = Date.now() + 5000;
    let reopened = await tryOpen(a);
    while (!("open" in reopened)) {
      if (Date.now() > deadline) throw new Error("a closed subscription was never released");
      reopened = await tryOpen(a);
    }
    open.push(reopened.open);
    const b = await app.token("OBSERVER");
    for (let i = 0; i < 2; i++) await opened(b);
    const c = await app.token("OBSERVER");
    expect(await tryOpen(c)).toMatchObject({ refused: expect.stringMatching(/as many open subscriptions/) });
    for (const s of open) s.close();
  });

  it("twenty minPosition waits in one request share one watcher: well under a thousand round trips to the database", async () => {
    const waits = Array.from({ length: 20 }, (_, i) => `m${i}: matrix(id: "m${i}", minPosition: "7fffffffffffffff-0000000000000001") { id }`).join("\n");
    let checkouts = 0;
    const count = () => void checkouts++;
    app.pool.on("acquire", count);
    try {
      const result = await app.gql(`{ ${waits} }`);
      expect(result.errors?.map((e) => e.extensions?.code)).toEqual(Array(20).fill("STALE"));
    } finally {
      app.pool.off("acquire", count);
    }
    // One poll every 20 ms for the 5 s timeout is about 250; polling per wait made about 5,000.
    expect(checkouts).toBeLessThan(1000);
  });

  it("closes a WebSocket whose message is over the body limit, before reading it whole", async () => {
    const socket = new WebSocket(app.url.replace(/^http/, "ws"), "graphql-transport-ws");
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
    socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${app.adminToken}`, padding: "x".repeat(50_000) } }));
    expect(await closed).toBe(1009);
  });
});
