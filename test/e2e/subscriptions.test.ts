import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { publishBenchmarks } from "../../src/app/live.ts";
import { Repository } from "../../src/app/repository.ts";
import { groupKey } from "../../src/domain/benchmark/peer-groups.ts";
import type { RecordedEvent } from "../../src/domain/events.ts";
import { matrixStream } from "../../src/domain/streams.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { subscribeSse } from "../support/sse.ts";
import { collect, wsClient } from "../support/ws.ts";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

async function matrix(token = app.adminToken) {
  const c = await app.ok(`mutation { registerCollectivity(input: { name: "Commune abonnée", kind: COMMUNE, population: 1500 }) { collectivity { id } } }`);
  const collectivityId = c.registerCollectivity.collectivity.id as string;
  const m = await app.ok(`mutation($c: ID!) { openMatrix(input: { collectivityId: $c, title: "Suivie" }) { matrix { id } } }`, { c: collectivityId }, token);
  return { collectivityId, matrixId: m.openMatrix.matrix.id as string };
}

const addFactors = async (matrixId: string, labels: string[]) => {
  for (const label of labels)
    await app.ok(`mutation($m: ID!, $l: String!) { addFactor(input: { matrixId: $m, kind: STRENGTH, label: $l }) { position } }`, { m: matrixId, l: label });
};

const CHANGED = `subscription($m: ID!) { matrixChanged(matrixId: $m) { event { type version } matrix { version } } }`;

describe("subscriptions", () => {
  it("over WebSocket (graphql-ws), each change arrives once and in order", async () => {
    const { matrixId } = await matrix();
    const client = wsClient(app.url, app.adminToken);
    const sub = collect(client, CHANGED, { m: matrixId });
    await new Promise((r) => setTimeout(r, 200));
    await addFactors(matrixId, ["Un", "Deux", "Trois"]);
    await sub.waitFor(3);
    await new Promise((r) => setTimeout(r, 200));
    expect(sub.errors).toEqual([]);
    expect(sub.received.map((r) => r.data.matrixChanged.event.version)).toEqual([2, 3, 4]);
    expect(sub.received.map((r) => r.data.matrixChanged.matrix.version)).toEqual([2, 3, 4]);
    sub.dispose();
    await client.dispose();
  });

  it("over Server-Sent Events, each change arrives once and in order", async () => {
    const { matrixId } = await matrix();
    const sub = await subscribeSse(app.url, app.adminToken, CHANGED, { m: matrixId });
    await new Promise((r) => setTimeout(r, 200));
    await addFactors(matrixId, ["A", "B"]);
    const versions = [(await sub.next()).data.matrixChanged.event.version, (await sub.next()).data.matrixChanged.event.version];
    expect(versions).toEqual([2, 3]);
    await expect(sub.next(300)).rejects.toThrow(/no subscription payload/);
    sub.close();
  });

  it("checks the token at connect, and keeps a draft's changes from tokens that may not see it", async () => {
    const refused = wsClient(app.url, "pil_not-a-token");
    const denied = collect(refused, CHANGED, { m: "x" });
    await denied.waitFor(1, 2000).catch(() => undefined);
    expect(denied.errors.length).toBeGreaterThan(0);
    await refused.dispose();

    const { matrixId } = await matrix();
    const observer = wsClient(app.url, await app.token("OBSERVER"));
    const hidden = collect(observer, CHANGED, { m: matrixId });
    await hidden.waitFor(1, 2000).catch(() => undefined);
    expect(hidden.received.flatMap((r) => r.errors ?? []).map((e: any) => e.extensions?.code)).toContain("NOT_FOUND");
    await observer.dispose();
  });

  it("shutting down ends open SSE subscriptions instead of waiting out the grace period for them", { timeout: 20_000 }, async () => {
    // A grace period longer than the test's timeout: waiting it out fails the test.
    const other = await startTestApp({ PILOTIS_SHUTDOWN_GRACE_MS: "60000" });
    const c = await other.ok(
      `mutation { registerCollectivity(input: { name: "Commune à l'écoute", kind: COMMUNE, population: 800 }) { collectivity { id } } }`,
    );
    const sub = await subscribeSse(other.url, other.adminToken, `subscription($c: ID!) { collectivityEvents(collectivityId: $c) { type } }`, {
      c: c.registerCollectivity.collectivity.id,
    });
    await new Promise((r) => setTimeout(r, 200));
    await other.close();
    await sub.ended;
  });

  it("a subscriber that never reads holds up neither the projections nor the other subscribers", async () => {
    const { matrixId } = await matrix();
    const stalled = await subscribeSse(app.url, app.adminToken, CHANGED, { m: matrixId });
    const client = wsClient(app.url, app.adminToken);
    const reader = collect(client, CHANGED, { m: matrixId });
    await new Promise((r) => setTimeout(r, 200));
    const labels = Array.from({ length: 40 }, (_, i) => `F${i}`);
    await addFactors(matrixId, labels);
    await reader.waitFor(40);
    expect(reader.received.map((r) => r.data.matrixChanged.event.version)).toEqual(labels.map((_, i) => i + 2));
    stalled.close();
    reader.dispose();
    await client.dispose();
  });

  it("one benchmark announcement to 200 subscribers is computed once, not once per subscriber", async () => {
    const tokens = await Promise.all(Array.from({ length: 4 }, () => app.token("OBSERVER")));
    const query = `subscription { benchmarkUpdated(peerGroup: { kind: COMMUNE }) { suppressed metrics { metric median } } }`;
    const subs = await Promise.all(Array.from({ length: 200 }, (_, i) => subscribeSse(app.url, tokens[i % 4]!, query, {})));
    await new Promise((r) => setTimeout(r, 300));
    let checkouts = 0;
    const count = () => void checkouts++;
    app.pool.on("acquire", count);
    try {
      publishBenchmarks(app.services.live, [groupKey({ kind: "COMMUNE", populationStratum: null, wealthQuartile: null })]);
      const payloads = await Promise.all(subs.map((s) => s.next(10_000)));
      expect(new Set(payloads.map((p) => JSON.stringify(p.data.benchmarkUpdated))).size).toBe(1);
    } finally {
      app.pool.off("acquire", count);
      for (const s of subs) s.close();
    }
    // Each delivery used to query the group again: 200 checkouts here, about 17 transactions each on real groups.
    expect(checkouts).toBeLessThan(20);
  });

  it("a change that crossed Redis without its matrix: each version is read once in a process, however many subscribers ask", async () => {
    const { matrixId } = await matrix();
    await addFactors(matrixId, ["Un", "Deux"]);
    const reads = vi.spyOn(Repository.prototype, "loadAt");
    try {
      const after = (version: number) => app.services.queries.matrixAfter({ streamId: matrixStream(matrixId), version } as RecordedEvent);
      const matrices = await Promise.all([2, 2, 2, 3, 3].map(after));
      expect(matrices.map((m) => [m.version, Object.keys(m.factors).length])).toEqual([
        [2, 1],
        [2, 1],
        [2, 1],
        [3, 2],
        [3, 2],
      ]);
      expect(reads).toHaveBeenCalledTimes(2);
    } finally {
      reads.mockRestore();
    }
  });
});
