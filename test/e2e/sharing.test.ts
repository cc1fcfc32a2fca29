import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matrixStream } from "../../src/domain/streams.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { subscribeSse } from "../support/sse.ts";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const REGISTER = `mutation($n: String!) { registerCollectivity(input: { name: $n, kind: COMMUNE, population: 2400 }) { collectivity { id } } }`;
const PUBLISH = `mutation($input: MatrixLifecycleInput!) { publishMatrix(input: $input) { matrix { visibility } } }`;
const CHANGE = `mutation($input: ChangeMatrixVisibilityInput!) { changeMatrixVisibility(input: $input) { matrix { visibility version } } }`;
const ADD_FACTOR = `mutation($m: ID!, $l: String!) { addFactor(input: { matrixId: $m, kind: WEAKNESS, label: $l }) { position } }`;

/** A collectivity, its editor, and a matrix holding catalogue factor S1 and one decision. */
async function owned(name: string) {
  const collectivityId = (await app.ok(REGISTER, { n: name })).registerCollectivity.collectivity.id as string;
  const editor = await app.token("EDITOR", collectivityId);
  const matrixId = (
    await app.ok(
      `mutation($c: ID!) { openMatrix(input: { collectivityId: $c, title: "Diagnostic partagé" }) { matrix { id } } }`,
      { c: collectivityId },
      editor,
    )
  ).openMatrix.matrix.id as string;
  const add = async (kind: string, label: string, catalogueKey: string | null) =>
    (
      await app.ok(
        `mutation($m: ID!, $k: FactorKind!, $l: String!, $c: String) { addFactor(input: { matrixId: $m, kind: $k, label: $l, catalogueKey: $c }) { factor { id } } }`,
        { m: matrixId, k: kind, l: label, c: catalogueKey },
        editor,
      )
    ).addFactor.factor.id as string;
  const strength = await add("STRENGTH", "Élus moteurs", "S1");
  const opportunity = await add("OPPORTUNITY", "Appels à projets", null);
  await app.ok(
    `mutation($m: ID!, $s: ID!, $o: ID!) { proposeStrategy(input: { matrixId: $m, internalFactorId: $s, externalFactorId: $o, title: "Candidater" }) { position } }`,
    { m: matrixId, s: strength, o: opportunity },
    editor,
  );
  return { collectivityId, editor, matrixId };
}

/** What each read path shows one reader of the matrix and its collectivity. */
async function readsOf({ collectivityId, matrixId }: { collectivityId: string; matrixId: string }, token: string | null) {
  const now = new Date().toISOString();
  const matrix = await app.gql<any>(
    `query($id: ID!, $at: DateTime) { now: matrix(id: $id) { id } then: matrix(id: $id, asOf: $at) { id } }`,
    {
      id: matrixId,
      at: now,
    },
    token,
  );
  const history = await app.gql<any>(`query($s: String) { events(streamId: $s) { edges { cursor } } }`, { s: matrixStream(matrixId) }, token);
  const collectivity = await app.gql<any>(
    `query($id: ID!) { collectivity(id: $id) { matrices { id } matrixCount factorCount timeline { totalCount } } }`,
    { id: collectivityId },
    token,
  );
  const practices = await app.gql<any>(`query($m: ID!) { peerPractices(matrixId: $m, factorKey: "S1") { suppressed } }`, { m: matrixId }, token);
  const publicList = await app.gql<any>(`{ publicMatrices(first: 100) { totalCount edges { node { id } } } }`, {}, token);
  return {
    matrix: matrix.errors?.[0]?.extensions?.code ?? [matrix.data.now?.id ?? null, matrix.data.then?.id ?? null],
    history: history.errors?.[0]?.extensions?.code ?? history.data.events.edges.length,
    collectivity: collectivity.errors?.[0]?.extensions?.code ?? collectivity.data.collectivity,
    peerPractices: practices.errors?.[0]?.extensions?.code ?? "answered",
    inPublicList: publicList.data.publicMatrices.edges.some((e: any) => e.node.id === matrixId),
  };
}

describe("who reads a published matrix", () => {
  it("every read path obeys its visibility: AGGREGATES_ONLY by default, then NETWORK, then PUBLIC, then back", async () => {
    const shared = await owned("Commune qui partage");
    const outsider = await app.token("EDITOR", (await app.ok(REGISTER, { n: "Commune voisine" })).registerCollectivity.collectivity.id);
    const observer = await app.token("OBSERVER");

    const published = await app.ok(PUBLISH, { input: { matrixId: shared.matrixId } }, shared.editor);
    expect(published.publishMatrix.matrix.visibility).toBe("AGGREGATES_ONLY");
    const hidden = {
      matrix: [null, null],
      history: 0,
      collectivity: { matrices: [], matrixCount: 0, factorCount: 0, timeline: { totalCount: 0 } },
      peerPractices: "NOT_FOUND",
      inPublicList: false,
    };
    expect(await readsOf(shared, observer)).toEqual(hidden);
    expect(await readsOf(shared, outsider)).toEqual(hidden);
    expect(await readsOf(shared, null)).toMatchObject({ matrix: "UNAUTHENTICATED", history: "UNAUTHENTICATED", collectivity: "UNAUTHENTICATED" });
    // Its own editors read everything; the directory's counts are the network's view, where it does not count.
    expect(await readsOf(shared, shared.editor)).toMatchObject({
      matrix: [shared.matrixId, shared.matrixId],
      history: 5,
      collectivity: { matrices: [{ id: shared.matrixId }], matrixCount: 0, timeline: { totalCount: 1 } },
      peerPractices: "answered",
    });
    // Someone else's matrix the caller may not read answers as an unknown one, even to change who reads it.
    expect((await app.gql(CHANGE, { input: { matrixId: shared.matrixId, visibility: "PUBLIC" } }, outsider)).errors?.[0]?.extensions?.code).toBe("NOT_FOUND");

    const network = await app.ok(CHANGE, { input: { matrixId: shared.matrixId, visibility: "NETWORK", reason: "Échanges de pratiques" } }, shared.editor);
    expect(network.changeMatrixVisibility.matrix).toEqual({ visibility: "NETWORK", version: 6 });
    const readable = {
      matrix: [shared.matrixId, shared.matrixId],
      history: 6,
      collectivity: { matrices: [{ id: shared.matrixId }], matrixCount: 1, factorCount: 2, timeline: { totalCount: 1 } },
      peerPractices: "answered",
      inPublicList: false,
    };
    expect(await readsOf(shared, observer)).toEqual(readable);
    // Peer practices also wait for the outsider's own publication (reciprocity).
    expect(await readsOf(shared, outsider)).toEqual({ ...readable, peerPractices: "FORBIDDEN" });
    expect((await readsOf(shared, null)).matrix).toBe("UNAUTHENTICATED");
    // Readers may not change who reads it: that stays with its editors.
    expect((await app.gql(CHANGE, { input: { matrixId: shared.matrixId, visibility: "PUBLIC" } }, outsider)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    await app.ok(CHANGE, { input: { matrixId: shared.matrixId, visibility: "PUBLIC", reason: "Compte rendu public" } }, shared.editor);
    expect(await readsOf(shared, observer)).toEqual({ ...readable, history: 7, inPublicList: true });
    const anonymous = await app.gql<any>(
      `query($id: ID!) { matrix(id: $id) { title visibility collectivity { name } history { edges { node { type reason } } } } }`,
      { id: shared.matrixId },
      null,
    );
    expect(anonymous.errors).toBeUndefined();
    expect(anonymous.data.matrix).toMatchObject({ title: "Diagnostic partagé", visibility: "PUBLIC", collectivity: { name: "Commune qui partage" } });
    expect(anonymous.data.matrix.history.edges.at(-1).node).toEqual({ type: "MatrixVisibilityChanged", reason: "Compte rendu public" });
    expect((await readsOf(shared, null)).inPublicList).toBe(true);

    await app.ok(CHANGE, { input: { matrixId: shared.matrixId, visibility: "AGGREGATES_ONLY", reason: "Retrait" } }, shared.editor);
    expect(await readsOf(shared, observer)).toEqual(hidden);
    expect((await readsOf(shared, null)).inPublicList).toBe(false);
  });

  it("a draft has no visibility to change, and archiving keeps the one it has", async () => {
    const { matrixId, editor } = await owned("Commune prudente");
    expect((await app.gql(CHANGE, { input: { matrixId, visibility: "NETWORK" } }, editor)).errors?.[0]?.extensions?.code).toBe("INVALID_TRANSITION");
    await app.ok(PUBLISH, { input: { matrixId, visibility: "NETWORK" } }, editor);
    const refused = await app.gql(
      `mutation($input: MatrixLifecycleInput!) { archiveMatrix(input: $input) { position } }`,
      {
        input: { matrixId, visibility: "PUBLIC" },
      },
      editor,
    );
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "visibility" });
    const archived = await app.ok(
      `mutation($input: MatrixLifecycleInput!) { archiveMatrix(input: $input) { matrix { status visibility } } }`,
      {
        input: { matrixId },
      },
      editor,
    );
    expect(archived.archiveMatrix.matrix).toEqual({ status: "ARCHIVED", visibility: "NETWORK" });
  });

  it("lists PUBLIC matrices without a token, most recently published first, page by page", async () => {
    const made: string[] = [];
    for (const name of ["Commune transparente A", "Commune transparente B", "Commune transparente C"]) {
      const { matrixId, editor } = await owned(name);
      await app.ok(PUBLISH, { input: { matrixId, visibility: "PUBLIC" } }, editor);
      made.push(matrixId);
    }
    const page = async (after: string | null) =>
      (
        await app.ok(
          `query($after: String) { publicMatrices(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`,
          {
            after,
          },
          null as never,
        )
      ).publicMatrices;
    const first = await page(null);
    expect(first.edges.map((e: any) => e.node.id)).toEqual([made[2], made[1]]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await page(first.pageInfo.endCursor);
    expect(second.edges[0].node.id).toBe(made[0]);
    expect(first.totalCount).toBeGreaterThanOrEqual(3);
    const bad = await app.gql(`{ publicMatrices(after: "pas-un-curseur") { totalCount } }`, {}, null);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
  });

  it("a subscriber stops receiving a matrix's changes once it is no longer theirs to read", async () => {
    const { matrixId, editor } = await owned("Commune suivie");
    await app.ok(PUBLISH, { input: { matrixId, visibility: "NETWORK" } }, editor);
    const sub = await subscribeSse(app.url, await app.token("OBSERVER"), `subscription($m: ID!) { matrixChanged(matrixId: $m) { event { type } } }`, {
      m: matrixId,
    });
    try {
      await new Promise((r) => setTimeout(r, 200));
      await app.ok(ADD_FACTOR, { m: matrixId, l: "Vue par le réseau" }, editor);
      expect((await sub.next()).data.matrixChanged.event.type).toBe("FactorAdded");
      await app.ok(CHANGE, { input: { matrixId, visibility: "AGGREGATES_ONLY" } }, editor);
      await app.ok(ADD_FACTOR, { m: matrixId, l: "Plus partagée" }, editor);
      await expect(sub.next(1000)).rejects.toThrow(/no subscription payload/);
    } finally {
      sub.close();
    }
  });
});
