import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockSql } from "../../src/db/locks.ts";
import { startTestApp, type TestApp } from "../support/app.ts";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ PILOTIS_STALE_TIMEOUT_MS: "3000" });
});
afterAll(async () => app?.close());

const admin = { principal: { tokenId: "t", role: "ADMIN" as const, collectivityId: null, subject: "admin-direct" } };

async function seeded() {
  const { commands } = app.services;
  const c = (await commands.registerCollectivity({ name: `Commune lue ${Math.random()}`, kind: "COMMUNE", population: 700 }, {}, admin)).ids.collectivityId!;
  const m = (await commands.openMatrix({ collectivityId: c, title: "Lecture" }, {}, admin)).ids.matrixId!;
  await commands.onMatrix("f", { matrixId: m }, { type: "AddFactor", matrixId: m, factorId: "w", kind: "WEAKNESS", label: "Faiblesse" }, {}, {}, admin);
  await commands.onMatrix("f", { matrixId: m }, { type: "AddFactor", matrixId: m, factorId: "t", kind: "THREAT", label: "Menace" }, {}, {}, admin);
  await commands.onMatrix(
    "s",
    { matrixId: m },
    { type: "ProposeStrategy", matrixId: m, strategyId: "s", internalFactorId: "w", externalFactorId: "t", title: "Parer" },
    {},
    {},
    admin,
  );
  const last = await commands.onMatrix(
    "d",
    { matrixId: m },
    { type: "ChangeStrategyStatus", matrixId: m, strategyId: "s", status: "ADOPTED" },
    {},
    { reason: "Urgent" },
    admin,
  );
  return { collectivityId: c, matrixId: m, position: last.position };
}

/** Holds a projection's advisory lock from another session, so that no worker can move it. */
async function holdProjection(name: string) {
  const client = new pg.Client({ connectionString: app.database.url });
  await client.connect();
  await client.query(lockSql.take("projection", name));
  return async () => {
    await client.query(lockSql.release("projection", name));
    await client.end();
  };
}

describe("read models over HTTP", () => {
  it("minPosition waits until the matrix views have applied that position, then answers with it", async (ctx) => {
    if (app.database.embedded) ctx.skip(); // the held lock needs a second session
    const release = await holdProjection("matrix-views");
    const { matrixId, position } = await seeded();
    const query = app.gql(`query($id: ID!, $p: String) { matrix(id: $id, minPosition: $p) { version strategies { status } } }`, { id: matrixId, p: position });
    await new Promise((r) => setTimeout(r, 300));
    await release();
    const result = await query;
    expect(result.errors).toBeUndefined();
    expect(result.data.matrix).toEqual({ version: 5, strategies: [{ status: "ADOPTED" }] });
  });

  it("STALE when the position is not applied within the bound", async (ctx) => {
    if (app.database.embedded) ctx.skip();
    const release = await holdProjection("matrix-views");
    try {
      const { matrixId, position } = await seeded();
      const started = Date.now();
      const result = await app.gql(`query($id: ID!, $p: String) { matrix(id: $id, minPosition: $p) { id } }`, { id: matrixId, p: position });
      expect(result.errors?.[0]?.extensions?.code).toBe("STALE");
      expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    } finally {
      await release();
    }
  });

  it("the directory counts matrices the network reads; the timeline lists decisions, newest first, the others' for editors only", async () => {
    const { collectivityId, matrixId } = await seeded();
    await app.caughtUp();
    const query = `query($id: ID!) { collectivity(id: $id) { matrixCount factorCount strategyCounts { status count }
      timeline(first: 10) { totalCount edges { node { title fromStatus toStatus actor reason subjectType } } } } }`;
    const draft = await app.ok(query, { id: collectivityId });
    expect(draft.collectivity.matrixCount).toBe(0);
    expect(draft.collectivity.timeline.edges.map((e: any) => [e.node.fromStatus, e.node.toStatus, e.node.reason])).toEqual([
      ["PROPOSED", "ADOPTED", "Urgent"],
      [null, "PROPOSED", null],
    ]);
    const observer = await app.token("OBSERVER");
    expect((await app.ok(query, { id: collectivityId }, observer)).collectivity.timeline.totalCount).toBe(0);
    await app.ok(`mutation($input: MatrixLifecycleInput!) { publishMatrix(input: $input) { position } }`, { input: { matrixId } });
    const aggregatesOnly = await app.ok(query, { id: collectivityId }, observer);
    expect(aggregatesOnly.collectivity).toMatchObject({ matrixCount: 0, factorCount: 0, timeline: { totalCount: 0 } });
    await app.ok(`mutation($input: ChangeMatrixVisibilityInput!) { changeMatrixVisibility(input: $input) { position } }`, {
      input: { matrixId, visibility: "NETWORK", reason: "Partage avec le réseau" },
    });
    const published = await app.ok(query, { id: collectivityId }, observer);
    expect(published.collectivity).toMatchObject({ matrixCount: 1, factorCount: 2 });
    expect(published.collectivity.strategyCounts).toContainEqual({ status: "ADOPTED", count: 1 });
    expect(published.collectivity.timeline.totalCount).toBe(2);
  });

  it("lists the projections with their checkpoints for admins only", async () => {
    await seeded();
    await app.caughtUp();
    const data = await app.ok(`{ projections { name checkpoint eventsBehind secondsBehind } }`);
    expect(data.projections.map((p: any) => [p.name, p.eventsBehind])).toEqual([
      ["matrix-views", 0],
      ["collectivity-directory", 0],
      ["benchmarks", 0],
    ]);
    expect(data.projections[0].checkpoint).toMatch(/^[0-9a-f]{16}-[0-9a-f]{16}$/);
    const observer = await app.token("OBSERVER");
    expect((await app.gql(`{ projections { name } }`, {}, observer)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
