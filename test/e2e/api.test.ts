import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken } from "../../src/auth/tokens.ts";
import { matrixStream } from "../../src/domain/streams.ts";
import { startTestApp, type TestApp } from "../support/app.ts";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ PILOTIS_STALE_TIMEOUT_MS: "300", PILOTIS_MAX_PAGE_SIZE: "50" });
});
afterAll(async () => app?.close());

const REGISTER = `mutation($input: RegisterCollectivityInput!) { registerCollectivity(input: $input) { position collectivity { id name kind population officialCode version } } }`;
const OPEN = `mutation($input: OpenMatrixInput!) { openMatrix(input: $input) { position matrix { id title status version position } } }`;
const ADD_FACTOR = `mutation($input: AddFactorInput!) { addFactor(input: $input) { position factor { id kind label weight rating catalogueKey } matrix { version } } }`;
const PROPOSE = `mutation($input: ProposeStrategyInput!) { proposeStrategy(input: $input) { position strategy { id quadrant status internalFactor { id } externalFactor { id } } matrix { version } } }`;
const STATUS = `mutation($input: ChangeStrategyStatusInput!) { changeStrategyStatus(input: $input) { position strategy { status decisions { status actor reason version } } } }`;
const MATRIX = `query($id: ID!, $asOf: DateTime, $atVersion: Int, $minPosition: String) { matrix(id: $id, asOf: $asOf, atVersion: $atVersion, minPosition: $minPosition) {
  id title status version position
  factors { id kind label }
  strategies { id quadrant status }
  initiatives { id title quadrant status strategies { id } }
  cross(quadrant: SO) { quadrant rows { id } columns { id } cells { internalFactor { id } externalFactor { id } strategies { id } } }
  scores { internal external strategiesByQuadrant { quadrant count } }
  history(first: 50) { edges { cursor node { type version actor reason position } } pageInfo { hasNextPage endCursor } }
} }`;

async function register(name = "Commune de Testeville", extra: Record<string, unknown> = {}) {
  const data = await app.ok(REGISTER, { input: { name, kind: "COMMUNE", population: 4200, ...extra } });
  return data.registerCollectivity.collectivity.id as string;
}

async function matrixWithFactors(collectivityId: string, token = app.adminToken) {
  const m = await app.ok(OPEN, { input: { collectivityId, title: "Diagnostic 2026" } }, token);
  const matrixId = m.openMatrix.matrix.id as string;
  const ids: Record<string, string> = {};
  for (const [kind, key] of [
    ["STRENGTH", "S1"],
    ["WEAKNESS", "W4"],
    ["OPPORTUNITY", "O2"],
    ["THREAT", "T2"],
  ] as const) {
    const f = await app.ok(ADD_FACTOR, { input: { matrixId, kind, label: key, catalogueKey: key, reason: "Atelier" } }, token);
    ids[kind] = f.addFactor.factor.id;
  }
  return { matrixId, ...ids } as { matrixId: string; STRENGTH: string; WEAKNESS: string; OPPORTUNITY: string; THREAT: string };
}

/** Runs a failing operation and checks its code, and that it wrote nothing. */
async function expectRefused(query: string, variables: Record<string, unknown>, code: string, token: string | null = app.adminToken) {
  const before = await app.eventCount();
  const result = await app.gql(query, variables, token);
  expect(result.errors?.[0]?.extensions?.code, JSON.stringify(result.errors)).toBe(code);
  expect(await app.eventCount()).toBe(before);
  return result.errors![0]!;
}

describe("collectivities", () => {
  it("registers, reads, updates and pages", async () => {
    const id = await register("Commune de Lecture", { officialCode: "732829320", financialPotentialPerCapita: 812.5, regionCode: "84" });
    const read = await app.ok(
      `query($id: ID!) { collectivity(id: $id) { id name officialCode financialPotentialPerCapita regionCode version matrices { id } } }`,
      { id },
    );
    expect(read.collectivity).toEqual({
      id,
      name: "Commune de Lecture",
      officialCode: "732829320",
      financialPotentialPerCapita: 812.5,
      regionCode: "84",
      version: 1,
      matrices: [],
    });
    const updated = await app.ok(
      `mutation($input: UpdateCollectivityProfileInput!) { updateCollectivityProfile(input: $input) { position collectivity { population version } } }`,
      { input: { collectivityId: id, population: 5000, expectedVersion: 1 } },
    );
    expect(updated.updateCollectivityProfile.collectivity).toEqual({ population: 5000, version: 2 });
    // Its editor renames it, but cannot move it to another peer group, nor pad a small one.
    const editor = await app.token("EDITOR", id);
    const UPDATE = `mutation($input: UpdateCollectivityProfileInput!) { updateCollectivityProfile(input: $input) { collectivity { name version } } }`;
    for (const field of [{ population: 90_000 }, { financialPotentialPerCapita: 5000 }, { regionCode: "11" }]) {
      await expectRefused(UPDATE, { input: { collectivityId: id, ...field } }, "FORBIDDEN", editor);
    }
    const renamed = await app.ok(UPDATE, { input: { collectivityId: id, name: "Commune de Lecture-sur-Loire" } }, editor);
    expect(renamed.updateCollectivityProfile.collectivity).toEqual({ name: "Commune de Lecture-sur-Loire", version: 3 });
    await register("Commune de Page A");
    await register("Commune de Page B", { kind: "REGION" });
    const page1 = await app.ok(`{ collectivities(kind: COMMUNE, first: 1) { totalCount edges { cursor node { kind } } pageInfo { hasNextPage endCursor } } }`);
    expect(page1.collectivities.edges).toHaveLength(1);
    expect(page1.collectivities.pageInfo.hasNextPage).toBe(true);
    const all = await app.ok(`{ collectivities(kind: COMMUNE, first: 50) { totalCount edges { node { kind } } } }`);
    expect(all.collectivities.totalCount).toBe(all.collectivities.edges.length);
    expect(all.collectivities.edges.every((e: any) => e.node.kind === "COMMUNE")).toBe(true);
    const page2 = await app.ok(`query($after: String) { collectivities(kind: COMMUNE, first: 50, after: $after) { edges { node { kind } } } }`, {
      after: page1.collectivities.pageInfo.endCursor,
    });
    expect(page2.collectivities.edges).toHaveLength(all.collectivities.totalCount - 1);
  });

  it("refuses bad input naming the field, writing nothing", async () => {
    for (const [input, field] of [
      [{ population: 0 }, "population"],
      [{ officialCode: "123456789" }, "officialCode"],
      [{ name: " " }, "name"],
      [{ financialPotentialPerCapita: -3 }, "financialPotentialPerCapita"],
    ] as const) {
      const error = await expectRefused(REGISTER, { input: Object.assign({ name: "X", kind: "COMMUNE", population: 10 }, input) }, "BAD_USER_INPUT");
      expect(error.extensions?.field).toBe(field);
    }
  });
});

describe("a matrix through its whole life", () => {
  it("factors, strategies, initiatives, lifecycle, scores, cross grid, history and time travel", async () => {
    const collectivityId = await register();
    const f = await matrixWithFactors(collectivityId);
    const proposed = await app.ok(PROPOSE, {
      input: {
        matrixId: f.matrixId,
        internalFactorId: f.STRENGTH,
        externalFactorId: f.OPPORTUNITY,
        title: "Retour sur investissement",
        catalogueKey: "SO-S1-O2",
        priority: 1,
      },
    });
    const strategyId = proposed.proposeStrategy.strategy.id;
    expect(proposed.proposeStrategy.strategy).toMatchObject({
      quadrant: "SO",
      status: "PROPOSED",
      internalFactor: { id: f.STRENGTH },
      externalFactor: { id: f.OPPORTUNITY },
    });
    const adopted = await app.ok(STATUS, { input: { matrixId: f.matrixId, strategyId, status: "ADOPTED", reason: "Voté en conseil" } });
    expect(adopted.changeStrategyStatus.strategy.decisions.at(-1)).toMatchObject({
      status: "ADOPTED",
      actor: "test-admin",
      reason: "Voté en conseil",
      version: 7,
    });
    const revised = await app.ok(`mutation($input: ReviseStrategyInput!) { reviseStrategy(input: $input) { strategy { title priority } } }`, {
      input: { matrixId: f.matrixId, strategyId, title: "ROI de l'expérimentation", priority: 2 },
    });
    expect(revised.reviseStrategy.strategy).toEqual({ title: "ROI de l'expérimentation", priority: 2 });
    const initiative = await app.ok(
      `mutation($input: AddInitiativeInput!) { addInitiative(input: $input) { initiative { id quadrant status catalogueKey strategies { id } } } }`,
      { input: { matrixId: f.matrixId, title: "Prix !", quadrant: "SO", catalogueKey: "TOOL-SO-02", strategyIds: [strategyId] } },
    );
    expect(initiative.addInitiative.initiative).toMatchObject({ quadrant: "SO", status: "PROPOSED", strategies: [{ id: strategyId }] });
    const moved = await app.ok(`mutation($input: ChangeInitiativeStatusInput!) { changeInitiativeStatus(input: $input) { initiative { status } } }`, {
      input: { matrixId: f.matrixId, initiativeId: initiative.addInitiative.initiative.id, status: "ADOPTED" },
    });
    expect(moved.changeInitiativeStatus.initiative.status).toBe("ADOPTED");
    const reweighted = await app.ok(`mutation($input: ReviseFactorInput!) { reviseFactor(input: $input) { factor { weight rating } } }`, {
      input: { matrixId: f.matrixId, factorId: f.STRENGTH, weight: 3, rating: 4, reason: "Pondération revue" },
    });
    expect(reweighted.reviseFactor.factor).toEqual({ weight: 3, rating: 4 });
    const beforeRemoval = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await app.ok(`mutation($input: RemoveFactorInput!) { removeFactor(input: $input) { matrix { version } } }`, {
      input: { matrixId: f.matrixId, factorId: f.THREAT, reason: "Hors sujet" },
    });
    await app.ok(`mutation($input: RenameMatrixInput!) { renameMatrix(input: $input) { matrix { title } } }`, {
      input: { matrixId: f.matrixId, title: "Diagnostic final" },
    });
    const published = await app.ok(`mutation($input: MatrixLifecycleInput!) { publishMatrix(input: $input) { position matrix { status } } }`, {
      input: { matrixId: f.matrixId, reason: "Validé" },
    });
    expect(published.publishMatrix.matrix.status).toBe("PUBLISHED");

    const now = (await app.ok(MATRIX, { id: f.matrixId, minPosition: published.publishMatrix.position })).matrix;
    expect(now).toMatchObject({ title: "Diagnostic final", status: "PUBLISHED", version: 14, position: published.publishMatrix.position });
    expect(now.factors.map((x: any) => x.id).sort()).toEqual([f.STRENGTH, f.WEAKNESS, f.OPPORTUNITY].sort());
    expect(now.scores.internal).toBeCloseTo(0.75 * 4 + 0.25 * 2);
    expect(now.scores.external).toBe(3);
    expect(now.scores.strategiesByQuadrant).toContainEqual({ quadrant: "SO", count: 1 });
    expect(now.cross.cells).toEqual([{ internalFactor: { id: f.STRENGTH }, externalFactor: { id: f.OPPORTUNITY }, strategies: [{ id: strategyId }] }]);
    expect(now.history.edges.map((e: any) => e.node.type)).toEqual([
      "MatrixOpened",
      "FactorAdded",
      "FactorAdded",
      "FactorAdded",
      "FactorAdded",
      "StrategyProposed",
      "StrategyStatusChanged",
      "StrategyRevised",
      "InitiativeAdded",
      "InitiativeStatusChanged",
      "FactorRevised",
      "FactorRemoved",
      "MatrixRenamed",
      "MatrixPublished",
    ]);
    expect(now.history.edges[10].node).toMatchObject({ actor: "test-admin", reason: "Pondération revue" });

    const atTwo = (await app.ok(MATRIX, { id: f.matrixId, atVersion: 2 })).matrix;
    expect(atTwo).toMatchObject({ version: 2, title: "Diagnostic 2026", status: "DRAFT" });
    expect(atTwo.factors).toHaveLength(1);
    const asOf = (await app.ok(MATRIX, { id: f.matrixId, asOf: beforeRemoval })).matrix;
    expect(asOf.version).toBe(11);
    expect(asOf.factors).toHaveLength(4);

    const archived = await app.ok(`mutation($input: MatrixLifecycleInput!) { archiveMatrix(input: $input) { matrix { status } } }`, {
      input: { matrixId: f.matrixId },
    });
    expect(archived.archiveMatrix.matrix.status).toBe("ARCHIVED");
    await expectRefused(ADD_FACTOR, { input: { matrixId: f.matrixId, kind: "THREAT", label: "x" } }, "INVALID_TRANSITION");
  });

  it("pages through the log with cursors", async () => {
    const collectivityId = await register("Commune paginée");
    const { matrixId } = await matrixWithFactors(collectivityId);
    const first = await app.ok(
      `query($s: String) { events(streamId: $s, first: 2) { edges { cursor node { version streamId } } pageInfo { hasNextPage endCursor } } }`,
      { s: matrixStream(matrixId) },
    );
    expect(first.events.edges.map((e: any) => e.node.version)).toEqual([1, 2]);
    expect(first.events.pageInfo.hasNextPage).toBe(true);
    const rest = await app.ok(
      `query($s: String, $a: String) { events(streamId: $s, first: 10, after: $a) { edges { node { version } } pageInfo { hasNextPage } } }`,
      {
        s: matrixStream(matrixId),
        a: first.events.pageInfo.endCursor,
      },
    );
    expect(rest.events.edges.map((e: any) => e.node.version)).toEqual([3, 4, 5]);
    expect(rest.events.pageInfo.hasNextPage).toBe(false);
    const global = await app.ok(`{ events(first: 50) { edges { node { position } } } }`);
    const positions = global.events.edges.map((e: any) => e.node.position);
    expect([...positions].sort()).toEqual(positions);
  });

  it("lists the catalogue by kind", async () => {
    const data = await app.ok(`{ factors: catalogue(kind: FACTOR) { key factorKind label } all: catalogue { key } }`, {}, null);
    expect(data.factors).toHaveLength(14);
    expect(data.factors[0]).toEqual({ key: "S1", factorKind: "STRENGTH", label: "Autonomie organisationnelle locale" });
    expect(data.all).toHaveLength(14 + 48 + 22);
  });
});

describe("error codes", () => {
  it("NOT_FOUND, INVALID_TRANSITION, CONFLICT, BAD_USER_INPUT, STALE", async () => {
    const collectivityId = await register("Commune des erreurs");
    const f = await matrixWithFactors(collectivityId);
    await expectRefused(OPEN, { input: { collectivityId: "00000000-0000-0000-0000-000000000000", title: "x" } }, "NOT_FOUND");
    await expectRefused(PROPOSE, { input: { matrixId: f.matrixId, internalFactorId: "nope", externalFactorId: f.THREAT, title: "x" } }, "NOT_FOUND");
    await expectRefused(STATUS, { input: { matrixId: "nope", strategyId: "x", status: "ADOPTED" } }, "NOT_FOUND");
    await expectRefused(
      PROPOSE,
      { input: { matrixId: f.matrixId, internalFactorId: f.STRENGTH, externalFactorId: f.WEAKNESS, title: "x" } },
      "INVALID_TRANSITION",
    );
    const s = await app.ok(PROPOSE, { input: { matrixId: f.matrixId, internalFactorId: f.WEAKNESS, externalFactorId: f.THREAT, title: "x" } });
    await expectRefused(STATUS, { input: { matrixId: f.matrixId, strategyId: s.proposeStrategy.strategy.id, status: "DONE" } }, "INVALID_TRANSITION");
    const conflict = await expectRefused(ADD_FACTOR, { input: { matrixId: f.matrixId, kind: "THREAT", label: "x", expectedVersion: 2 } }, "CONFLICT");
    expect(conflict.extensions?.actualVersion).toBe(6);
    const bad = await expectRefused(ADD_FACTOR, { input: { matrixId: f.matrixId, kind: "THREAT", label: "x", rating: 9 } }, "BAD_USER_INPUT");
    expect(bad.extensions?.field).toBe("rating");
    await expectRefused(ADD_FACTOR, { input: { matrixId: f.matrixId, kind: "THREAT", label: "x", catalogueKey: "NOT-A-KEY" } }, "BAD_USER_INPUT");
    const page = await expectRefused(`{ events(first: 500) { edges { cursor } } }`, {}, "BAD_USER_INPUT");
    expect(page.extensions?.field).toBe("first");
    await expectRefused(MATRIX, { id: f.matrixId, minPosition: "garbage" }, "BAD_USER_INPUT");
    const stale = await expectRefused(MATRIX, { id: f.matrixId, minPosition: "7fffffffffffffff-0000000000000001" }, "STALE");
    expect(stale.message).toMatch(/not reached/);
  });

  it("variables that do not fit the schema, and malformed documents, are BAD_USER_INPUT and write nothing", async () => {
    for (const [input, field] of [
      [{ name: "X", kind: "VILLE", population: 1 }, "kind"],
      [{ name: "X", kind: "COMMUNE", population: "many" }, "population"],
      [{ name: "X", kind: "COMMUNE" }, "population"],
    ] as const) {
      const error = await expectRefused(REGISTER, { input }, "BAD_USER_INPUT");
      expect(error.extensions?.field).toBe(field);
    }
    expect((await expectRefused(`{ matrix { id } }`, {}, "BAD_USER_INPUT")).extensions?.reason).toBe("GRAPHQL_VALIDATION_FAILED");
    expect((await expectRefused(`{ matrix(id: "x" `, {}, "BAD_USER_INPUT")).extensions?.reason).toBe("GRAPHQL_PARSE_FAILED");
  });

  it("a replayed commandId over HTTP returns the first result and appends nothing", async () => {
    const collectivityId = await register("Commune rejouée");
    const { matrixId } = await matrixWithFactors(collectivityId);
    const input = { matrixId, kind: "OPPORTUNITY", label: "Rejouée", commandId: "add-once" };
    const first = await app.ok(ADD_FACTOR, { input });
    const before = await app.eventCount();
    const second = await app.ok(ADD_FACTOR, { input });
    expect(await app.eventCount()).toBe(before);
    expect(second.addFactor.position).toBe(first.addFactor.position);
    expect(second.addFactor.factor.id).toBe(first.addFactor.factor.id);
  });
});

describe("authentication and authorization", () => {
  it("no token, unknown token: UNAUTHENTICATED; the catalogue stays public", async () => {
    await expectRefused(REGISTER, { input: { name: "X", kind: "COMMUNE", population: 1 } }, "UNAUTHENTICATED", null);
    await expectRefused(REGISTER, { input: { name: "X", kind: "COMMUNE", population: 1 } }, "UNAUTHENTICATED", "pil_unknown");
    expect((await app.gql(`{ collectivities { totalCount } }`, {}, null)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("editors change only their collectivity; observers change nothing; only admins register", async () => {
    const mine = await register("Commune de l'éditrice");
    const other = await register("Commune voisine");
    const editor = await app.token("EDITOR", mine);
    const observer = await app.token("OBSERVER");
    const own = await matrixWithFactors(mine, editor);
    const foreign = await matrixWithFactors(other);
    // A draft of another collectivity answers exactly as an unknown matrix.
    const hidden = await expectRefused(ADD_FACTOR, { input: { matrixId: foreign.matrixId, kind: "THREAT", label: "x" } }, "NOT_FOUND", editor);
    const unknown = await expectRefused(
      ADD_FACTOR,
      { input: { matrixId: "00000000-0000-4000-8000-000000000000", kind: "THREAT", label: "x" } },
      "NOT_FOUND",
      editor,
    );
    expect(hidden.message.replace(foreign.matrixId, "ID")).toBe(unknown.message.replace("00000000-0000-4000-8000-000000000000", "ID"));
    await app.ok(`mutation($input: MatrixLifecycleInput!) { publishMatrix(input: $input) { position } }`, {
      input: { matrixId: foreign.matrixId, visibility: "NETWORK" },
    });
    await expectRefused(ADD_FACTOR, { input: { matrixId: foreign.matrixId, kind: "THREAT", label: "x" } }, "FORBIDDEN", editor);
    await expectRefused(OPEN, { input: { collectivityId: other, title: "x" } }, "FORBIDDEN", editor);
    await expectRefused(ADD_FACTOR, { input: { matrixId: own.matrixId, kind: "THREAT", label: "x" } }, "NOT_FOUND", observer);
    await expectRefused(ADD_FACTOR, { input: { matrixId: foreign.matrixId, kind: "THREAT", label: "x" } }, "FORBIDDEN", observer);
    await expectRefused(REGISTER, { input: { name: "X", kind: "COMMUNE", population: 1 } }, "FORBIDDEN", editor);
    const added = await app.ok(ADD_FACTOR, { input: { matrixId: own.matrixId, kind: "THREAT", label: "Par l'éditrice" } }, editor);
    const history = await app.ok(
      `query($s: String) { events(streamId: $s, first: 50) { edges { node { actor } } } }`,
      { s: matrixStream(own.matrixId) },
      editor,
    );
    expect(history.events.edges.at(-1).node.actor).toBe("editor-test");
    expect(added.addFactor.factor.label).toBe("Par l'éditrice");
  });

  it("a DRAFT matrix is seen only by its editors and admins; a NETWORK one by every token", async () => {
    const owner = await register("Commune discrète");
    const editor = await app.token("EDITOR", owner);
    const outsider = await app.token("EDITOR", await register("Commune curieuse"));
    const observer = await app.token("OBSERVER");
    const { matrixId } = await matrixWithFactors(owner, editor);
    const seen = async (token: string) => (await app.ok(`query($id: ID!) { matrix(id: $id) { id } }`, { id: matrixId }, token)).matrix;
    expect(await seen(editor)).toEqual({ id: matrixId });
    expect(await seen(app.adminToken)).toEqual({ id: matrixId });
    expect(await seen(observer)).toBeNull();
    expect(await seen(outsider)).toBeNull();
    expect((await app.ok(`query($id: ID!) { collectivity(id: $id) { matrices { id } } }`, { id: owner }, observer)).collectivity.matrices).toEqual([]);
    const events = async (streamId: string, token: string) =>
      (await app.ok(`query($s: String) { events(streamId: $s) { edges { cursor } pageInfo { hasNextPage } } }`, { s: streamId }, token)).events;
    expect(await events(matrixStream(matrixId), observer)).toEqual(await events("matrix-00000000-0000-4000-8000-000000000000", observer));
    expect((await events(matrixStream(matrixId), editor)).edges.length).toBeGreaterThan(0);
    await expectRefused(`{ events { edges { cursor } } }`, {}, "FORBIDDEN", observer);
    await app.ok(
      `mutation($input: MatrixLifecycleInput!) { publishMatrix(input: $input) { position } }`,
      { input: { matrixId, visibility: "NETWORK" } },
      editor,
    );
    expect(await seen(observer)).toEqual({ id: matrixId });
    expect(await seen(outsider)).toEqual({ id: matrixId });
  });
});

describe("what the log may keep for ever", () => {
  it("refuses a reason over 2,000 characters, NUL and broken surrogates anywhere, control and bidi overrides in names, and writes nothing", async () => {
    const c = await register("Commune aux textes");
    const { matrixId } = await matrixWithFactors(c);
    const add = (fields: Record<string, unknown>) => ({ input: { matrixId, kind: "THREAT", label: "Menace", ...fields } });
    const field = async (variables: Record<string, unknown>) => (await expectRefused(ADD_FACTOR, variables, "BAD_USER_INPUT")).extensions?.field;
    expect(await field(add({ reason: "x".repeat(2001) }))).toBe("reason");
    expect(await field(add({ reason: "avec \u0000 dedans" }))).toBe("reason");
    expect(await field(add({ description: "cassé \ud800 ici" }))).toBe("description");
    expect(await field(add({ label: "Menace\u202Eeuqilbup" }))).toBe("label");
    expect(await field(add({ label: "deux\nlignes" }))).toBe("label");
    expect(await field(add({ commandId: "id-\u0000" }))).toBe("commandId");
    const kept = await app.ok(ADD_FACTOR, add({ reason: "x".repeat(2000), description: "Une description\nsur deux lignes, émoji 🏛️ compris" }));
    expect(kept.addFactor.factor.label).toBe("Menace");
  });
});

describe("replayed command ids", () => {
  it("are the caller's own: another token with the same subject neither replays nor reads a draft through them", async () => {
    const owner = await register("Commune aux brouillons");
    const editor = (await issueToken(app.services.db, { role: "EDITOR", collectivityId: owner, subject: "agent@commune.fr" })).token;
    const lookalike = (await issueToken(app.services.db, { role: "OBSERVER", subject: "agent@commune.fr" })).token;
    const input = { collectivityId: owner, title: "Brouillon confidentiel", commandId: "open-1" };
    const opened = await app.ok(OPEN, { input }, editor);
    const replayed = await app.ok(OPEN, { input }, editor);
    expect(replayed.openMatrix.matrix.id).toBe(opened.openMatrix.matrix.id);
    const stolen = await expectRefused(OPEN, { input }, "FORBIDDEN", lookalike);
    expect(JSON.stringify(stolen)).not.toContain("Brouillon confidentiel");
  });

  it("another caller's id is neither replayed nor refused as already used", async () => {
    const c = await register("Commune aux identifiants");
    const first = await app.ok(OPEN, { input: { collectivityId: c, title: "Premier", commandId: "shared-id" } });
    const otherAdmin = (await issueToken(app.services.db, { role: "ADMIN", subject: "autre-admin" })).token;
    const before = await app.eventCount();
    const second = await app.ok(OPEN, { input: { collectivityId: c, title: "Second", commandId: "shared-id" } }, otherAdmin);
    expect(second.openMatrix.matrix.id).not.toBe(first.openMatrix.matrix.id);
    expect(second.openMatrix.matrix.title).toBe("Second");
    expect(await app.eventCount()).toBe(before + 1);
    await expectRefused(OPEN, { input: { collectivityId: c, title: "Autre chose", commandId: "shared-id" } }, "BAD_USER_INPUT");
  });
});

describe("protection", () => {
  it("refuses queries nested too deep", async () => {
    const deep = `{ collectivities { edges { node { matrices { collectivity { matrices { collectivity { matrices { collectivity { matrices { collectivity { matrices { id } } } } } } } } } } } } }`;
    const result = await app.gql(deep);
    expect(result.errors?.[0]?.message).toMatch(/depth/i);
    expect(result.data ?? null).toBeNull();
  });

  it("refuses a body over the size limit with 413", async () => {
    const res = await fetch(app.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ catalogue { key } }`, variables: { pad: "x".repeat(200_000) } }),
    });
    expect(res.status).toBe(413);
  });

  it("refuses a body sent in chunks, without a Content-Length, with 411: the only size check a request meets", async () => {
    const chunks = [JSON.stringify({ query: `{ catalogue { key } }`, variables: { pad: "x".repeat(200_000) } })];
    const body = new ReadableStream({
      pull(controller) {
        const chunk = chunks.shift();
        if (chunk) controller.enqueue(new TextEncoder().encode(chunk));
        else controller.close();
      },
    });
    const res = await fetch(app.url, { method: "POST", headers: { "content-type": "application/json" }, body, duplex: "half" } as RequestInit);
    expect(res.status).toBe(411);
  });

  it("refuses a simple GET without a CSRF header, and answers one that has it", async () => {
    const url = `${app.url}?query=${encodeURIComponent("{ catalogue(kind: FACTOR) { key } }")}`;
    expect((await fetch(url)).status).toBe(403);
    const ok = await fetch(url, { headers: { "x-graphql-yoga-csrf": "1", accept: "application/json" } });
    expect(ok.status).toBe(200);
  });

  it("serves GraphiQL, /health and /ready", async () => {
    const graphiql = await fetch(app.url, { headers: { accept: "text/html" } });
    expect(await graphiql.text()).toMatch(/graphiql/i);
    const base = app.url.replace("/graphql", "");
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: "ok" });
    expect(await (await fetch(`${base}/ready`)).json()).toEqual({ status: "ready", checks: { database: true } });
  });
});
