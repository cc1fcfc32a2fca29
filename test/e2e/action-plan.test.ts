import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalogueEntries } from "../../src/domain/catalogue/index.ts";
import { QUADRANTS_FR } from "../../src/shared/french.ts";
import { startTestApp, type TestApp } from "../support/app.ts";

// The action plan through the API: a matrix started from the catalogue or
// from last year's, refusals that keep the network's statistics right (each
// writing nothing), order of entry, who does what by when, indicators
// through time.

let app: TestApp;
let collectivityId: string;
beforeAll(async () => {
  app = await startTestApp();
  const data = await app.ok(
    `mutation { registerCollectivity(input: { name: "Communauté de communes du Plan", kind: COMMUNAUTE_DE_COMMUNES, population: 24000 }) { collectivity { id } } }`,
  );
  collectivityId = data.registerCollectivity.collectivity.id;
});
afterAll(async () => app?.close());

const OPEN = `mutation($input: OpenMatrixInput!) { openMatrix(input: $input) { matrix { id version factors { id kind label description weight rating catalogueKey } } } }`;
const MATRIX = `query($id: ID!, $asOf: DateTime) { matrix(id: $id, asOf: $asOf) {
  id title version
  factors { id kind label catalogueKey }
  strategies { id title status catalogueKey lead dueDate budget progress indicators { id name unit baseline target value valueAt values { value at } } }
  initiatives { id title description status lead dueDate budget progress strategies { id } decisions { status reason } indicators { name value } }
  cross(quadrant: SO) { rows { id } columns { id } }
  history(first: 100) { edges { node { type reason occurredAt } } }
} }`;
const ADD_FACTOR = `mutation($input: AddFactorInput!) { addFactor(input: $input) { factor { id label description catalogueKey } } }`;
const PROPOSE = `mutation($input: ProposeStrategyInput!) { proposeStrategy(input: $input) { strategy { id catalogueKey } } }`;
const REVISE_STRATEGY = `mutation($input: ReviseStrategyInput!) { reviseStrategy(input: $input) { strategy { catalogueKey lead dueDate budget progress } } }`;
const ADD_INITIATIVE = `mutation($input: AddInitiativeInput!) { addInitiative(input: $input) { initiative { id description lead dueDate budget } } }`;
const REVISE_INITIATIVE = `mutation($input: ReviseInitiativeInput!) { reviseInitiative(input: $input) { initiative { title progress strategies { id } } } }`;
const REMOVE_INITIATIVE = `mutation($input: RemoveInitiativeInput!) { removeInitiative(input: $input) { matrix { initiatives { id } } } }`;
const SET_INDICATOR = `mutation($input: SetIndicatorInput!) { setIndicator(input: $input) { indicator { id name value target } } }`;
const REORDER = `mutation($input: ReorderFactorsInput!) { reorderFactors(input: $input) { matrix { factors(kind: STRENGTH) { id } } } }`;

/** A refusal with its code and field, and nothing written. */
async function refused(query: string, input: Record<string, unknown>, code: string, field?: string) {
  const before = await app.eventCount();
  const result = await app.gql(query, { input });
  expect(result.errors?.[0]?.extensions, JSON.stringify(result.errors)).toMatchObject({ code, ...(field ? { field } : {}) });
  expect(await app.eventCount()).toBe(before);
}

async function fromCatalogue(title = "Diagnostic 2027") {
  return (await app.ok(OPEN, { input: { collectivityId, title, fromCatalogue: true } })).openMatrix.matrix;
}

describe("starting a matrix", () => {
  it("from the catalogue: its fourteen factors in its order, labelled and described as it says, with default weights and ratings", async () => {
    const matrix = await fromCatalogue();
    expect(matrix.version).toBe(15);
    expect(matrix.factors.map((f: { catalogueKey: string; label: string; description: string; weight: number; rating: number }) => f)).toEqual(
      catalogueEntries("FACTOR").map((e) => ({
        id: expect.any(String),
        kind: e.factorKind,
        label: e.label,
        description: e.description,
        weight: 1,
        rating: e.factorKind === "STRENGTH" || e.factorKind === "OPPORTUNITY" ? 3 : 2,
        catalogueKey: e.key,
      })),
    );
  });

  it("a factor by its catalogue key alone; a second factor of one key is refused, and so is opening from two starts", async () => {
    const matrixId = (await app.ok(OPEN, { input: { collectivityId, title: "Vide" } })).openMatrix.matrix.id;
    const added = (await app.ok(ADD_FACTOR, { input: { matrixId, kind: "STRENGTH", catalogueKey: "S3" } })).addFactor.factor;
    expect(added).toMatchObject({ label: catalogueEntries("FACTOR").find((e) => e.key === "S3")!.label, catalogueKey: "S3" });
    await refused(ADD_FACTOR, { matrixId, kind: "STRENGTH", label: "Encore", catalogueKey: "S3" }, "BAD_USER_INPUT", "catalogueKey");
    await refused(ADD_FACTOR, { matrixId, kind: "STRENGTH" }, "BAD_USER_INPUT", "label");
    await refused(OPEN, { collectivityId, title: "Les deux", fromCatalogue: true, copyFromMatrixId: matrixId }, "BAD_USER_INPUT", "copyFromMatrixId");
  });

  it("from last year's: live factors, open strategies and initiatives with their links, under new ids; not from another collectivity's", async () => {
    const last = await fromCatalogue("Diagnostic 2026");
    const [s1, o1, t1] = ["S1", "O1", "T1"].map((key) => last.factors.find((f: { catalogueKey: string }) => f.catalogueKey === key).id);
    const on = (query: string, input: Record<string, unknown>) => app.ok(query, { input: { matrixId: last.id, ...input } });
    const kept = (await on(PROPOSE, { internalFactorId: s1, externalFactorId: o1, title: "Laboratoire", catalogueKey: "SO-S1-O1" })).proposeStrategy.strategy
      .id;
    await on(`mutation($input: ChangeStrategyStatusInput!) { changeStrategyStatus(input: $input) { position } }`, { strategyId: kept, status: "ADOPTED" });
    const dropped = (await on(PROPOSE, { internalFactorId: s1, externalFactorId: t1, title: "Abandonnée" })).proposeStrategy.strategy.id;
    await on(`mutation($input: ChangeStrategyStatusInput!) { changeStrategyStatus(input: $input) { position } }`, { strategyId: dropped, status: "ABANDONED" });
    await on(ADD_INITIATIVE, { title: "Hackathon", quadrant: "SO", strategyIds: [kept], lead: "Paul Durand" });
    await on(`mutation($input: RemoveFactorInput!) { removeFactor(input: $input) { position } }`, { factorId: t1, reason: "Hors sujet" });

    const copy = (await app.ok(OPEN, { input: { collectivityId, title: "Diagnostic 2027", copyFromMatrixId: last.id } })).openMatrix.matrix;
    const read = (await app.ok(MATRIX, { id: copy.id })).matrix;
    expect(read.factors).toHaveLength(13);
    expect(read.factors.map((f: { id: string }) => f.id)).not.toContain(s1);
    expect(read.strategies).toEqual([expect.objectContaining({ title: "Laboratoire", status: "ADOPTED", catalogueKey: "SO-S1-O1" })]);
    expect(read.strategies[0].id).not.toBe(kept);
    expect(read.initiatives).toEqual([expect.objectContaining({ title: "Hackathon", lead: "Paul Durand", strategies: [{ id: read.strategies[0].id }] })]);

    const other = (
      await app.ok(`mutation { registerCollectivity(input: { name: "Commune d'à côté", kind: COMMUNE, population: 800 }) { collectivity { id } } }`)
    ).registerCollectivity.collectivity.id;
    await refused(OPEN, { collectivityId: other, title: "Copie", copyFromMatrixId: last.id }, "BAD_USER_INPUT", "copyFromMatrixId");
    await refused(OPEN, { collectivityId, title: "Copie", copyFromMatrixId: "inconnue" }, "NOT_FOUND", "copyFromMatrixId");
  });
});

describe("staying correct", () => {
  it("a catalogue strategy sits on its own cell only, and reviseStrategy corrects it; initiatives serve strategies of their quadrant still in the plan", async () => {
    const matrix = await fromCatalogue();
    const key = (k: string) => matrix.factors.find((f: { catalogueKey: string }) => f.catalogueKey === k).id;
    const cell = catalogueEntries("STRATEGY").find((e) => e.quadrant === "SO" && e.key !== "SO-S1-O1")!;
    const onCell = { matrixId: matrix.id, internalFactorId: key(cell.internalFactorKey!), externalFactorId: key(cell.externalFactorKey!) };
    await refused(PROPOSE, { ...onCell, title: "x", catalogueKey: "SO-S1-O1" }, "BAD_USER_INPUT", "catalogueKey");
    const strategy = (await app.ok(PROPOSE, { input: { ...onCell, title: "Agents" } })).proposeStrategy.strategy.id;
    await refused(REVISE_STRATEGY, { matrixId: matrix.id, strategyId: strategy, catalogueKey: "SO-S1-O1" }, "BAD_USER_INPUT", "catalogueKey");
    const revised = (await app.ok(REVISE_STRATEGY, { input: { matrixId: matrix.id, strategyId: strategy, catalogueKey: cell.key } })).reviseStrategy.strategy;
    expect(revised.catalogueKey).toBe(cell.key);
    const wt = (await app.ok(PROPOSE, { input: { matrixId: matrix.id, internalFactorId: key("W1"), externalFactorId: key("T1"), title: "Défensive" } }))
      .proposeStrategy.strategy.id;
    await refused(ADD_INITIATIVE, { matrixId: matrix.id, title: "Mal rangée", quadrant: "SO", strategyIds: [wt] }, "BAD_USER_INPUT", "strategyIds");
    await app.ok(`mutation($input: ChangeStrategyStatusInput!) { changeStrategyStatus(input: $input) { position } }`, {
      input: { matrixId: matrix.id, strategyId: strategy, status: "ABANDONED" },
    });
    await refused(ADD_INITIATIVE, { matrixId: matrix.id, title: "Trop tard", quadrant: "SO", strategyIds: [strategy] }, "BAD_USER_INPUT", "strategyIds");
    await refused(REVISE_STRATEGY, { matrixId: matrix.id, strategyId: wt, dueDate: "2027-02-30" }, "BAD_USER_INPUT");
    await refused(REVISE_STRATEGY, { matrixId: matrix.id, strategyId: wt, progress: 120 }, "BAD_USER_INPUT", "progress");
  });

  it("lists factors, strategies and grid rows in the order of entry, and reorderFactors changes one kind's; renameMatrix keeps its reason", async () => {
    const matrixId = (await app.ok(OPEN, { input: { collectivityId, title: "Ordre" } })).openMatrix.matrix.id;
    const labels = ["Zèle des agents", "Appui des élus", "Marges de manœuvre"];
    const ids: string[] = [];
    for (const label of labels) ids.push((await app.ok(ADD_FACTOR, { input: { matrixId, kind: "STRENGTH", label } })).addFactor.factor.id);
    await app.ok(ADD_FACTOR, { input: { matrixId, kind: "OPPORTUNITY", label: "Appels à projets" } });
    let read = (await app.ok(MATRIX, { id: matrixId })).matrix;
    expect(read.factors.filter((f: { kind: string }) => f.kind === "STRENGTH").map((f: { label: string }) => f.label)).toEqual(labels);
    expect(read.cross.rows.map((r: { id: string }) => r.id)).toEqual(ids);

    const reordered = [ids[2], ids[0], ids[1]];
    expect(
      (await app.ok(REORDER, { input: { matrixId, kind: "STRENGTH", factorIds: reordered } })).reorderFactors.matrix.factors.map((f: { id: string }) => f.id),
    ).toEqual(reordered);
    await refused(REORDER, { matrixId, kind: "STRENGTH", factorIds: [ids[0], ids[1]] }, "BAD_USER_INPUT", "factorIds");
    read = (await app.ok(MATRIX, { id: matrixId })).matrix;
    expect(read.cross.rows.map((r: { id: string }) => r.id)).toEqual(reordered);

    await app.ok(`mutation($input: RenameMatrixInput!) { renameMatrix(input: $input) { position } }`, {
      input: { matrixId, title: "Diagnostic partagé 2027", reason: "Titre voté en bureau" },
    });
    read = (await app.ok(MATRIX, { id: matrixId })).matrix;
    expect(read.history.edges.at(-1).node).toMatchObject({ type: "MatrixRenamed", reason: "Titre voté en bureau" });
  });

  it("asOf takes a plain date: the end of that day in Europe/Paris", async () => {
    const matrixId = (await app.ok(OPEN, { input: { collectivityId, title: "Datée" } })).openMatrix.matrix.id;
    const paris = (at: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(at);
    expect((await app.ok(MATRIX, { id: matrixId, asOf: paris(new Date()) })).matrix.title).toBe("Datée");
    expect((await app.ok(MATRIX, { id: matrixId, asOf: paris(new Date(Date.now() - 86_400_000)) })).matrix).toBeNull();
    const bad = await app.gql(MATRIX, { id: matrixId, asOf: "2026-13-01" });
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("who does what, by when", () => {
  it("initiatives hold a description, a lead, a due date, a budget and a progress; they are revised, re-linked and removed with a reason the history keeps", async () => {
    const matrix = await fromCatalogue();
    const key = (k: string) => matrix.factors.find((f: { catalogueKey: string }) => f.catalogueKey === k).id;
    const [a, b] = [
      (await app.ok(PROPOSE, { input: { matrixId: matrix.id, internalFactorId: key("S1"), externalFactorId: key("O1"), title: "A" } })).proposeStrategy.strategy
        .id,
      (await app.ok(PROPOSE, { input: { matrixId: matrix.id, internalFactorId: key("S2"), externalFactorId: key("O1"), title: "B" } })).proposeStrategy.strategy
        .id,
    ];
    const added = (
      await app.ok(ADD_INITIATIVE, {
        input: {
          matrixId: matrix.id,
          title: "Laboratoire",
          quadrant: "SO",
          strategyIds: [a],
          description: "Un lieu pour tester",
          lead: "Claire Martin",
          dueDate: "2027-06-30",
          budget: 15000.5,
        },
      })
    ).addInitiative.initiative;
    expect(added).toMatchObject({ description: "Un lieu pour tester", lead: "Claire Martin", dueDate: "2027-06-30", budget: 15000.5 });
    const revised = (
      await app.ok(REVISE_INITIATIVE, {
        input: { matrixId: matrix.id, initiativeId: added.id, title: "Laboratoire d'innovation", strategyIds: [b], progress: 30 },
      })
    ).reviseInitiative.initiative;
    expect(revised).toEqual({ title: "Laboratoire d'innovation", progress: 30, strategies: [{ id: b }] });
    const strategy = (
      await app.ok(REVISE_STRATEGY, { input: { matrixId: matrix.id, strategyId: a, lead: "Paul Durand", dueDate: "2027-12-31", budget: 5000, progress: 10 } })
    ).reviseStrategy.strategy;
    expect(strategy).toMatchObject({ lead: "Paul Durand", dueDate: "2027-12-31", budget: 5000, progress: 10 });

    expect(
      (await app.ok(REMOVE_INITIATIVE, { input: { matrixId: matrix.id, initiativeId: added.id, reason: "Doublon du projet régional" } })).removeInitiative
        .matrix.initiatives,
    ).toEqual([]);
    await refused(REMOVE_INITIATIVE, { matrixId: matrix.id, initiativeId: added.id }, "INVALID_TRANSITION");
    const history = (await app.ok(MATRIX, { id: matrix.id })).matrix.history.edges.map((e: { node: unknown }) => e.node);
    expect(history.at(-1)).toMatchObject({ type: "InitiativeRemoved", reason: "Doublon du projet régional" });
  });

  it("indicators keep every value measured, and time travel shows the value as it was", async () => {
    const matrix = await fromCatalogue();
    const key = (k: string) => matrix.factors.find((f: { catalogueKey: string }) => f.catalogueKey === k).id;
    const strategy = (await app.ok(PROPOSE, { input: { matrixId: matrix.id, internalFactorId: key("S3"), externalFactorId: key("O1"), title: "Former" } }))
      .proposeStrategy.strategy.id;
    const first = (
      await app.ok(SET_INDICATOR, {
        input: { matrixId: matrix.id, subjectId: strategy, name: "Agents formés à l'innovation", unit: "agents", baseline: 0, target: 120, value: 35 },
      })
    ).setIndicator.indicator;
    expect(first).toMatchObject({ name: "Agents formés à l'innovation", value: 35, target: 120 });
    await new Promise((r) => setTimeout(r, 20));
    await app.ok(SET_INDICATOR, { input: { matrixId: matrix.id, subjectId: strategy, indicatorId: first.id, value: 60 } });
    await refused(SET_INDICATOR, { matrixId: matrix.id, subjectId: strategy, value: 1 }, "BAD_USER_INPUT", "name");

    const now = (await app.ok(MATRIX, { id: matrix.id })).matrix;
    const indicator = now.strategies[0].indicators[0];
    expect(indicator).toMatchObject({ unit: "agents", baseline: 0, target: 120, value: 60 });
    expect(indicator.values.map((v: { value: number }) => v.value)).toEqual([35, 60]);
    const then = (await app.ok(MATRIX, { id: matrix.id, asOf: indicator.values[0].at })).matrix;
    expect(then.strategies[0].indicators[0]).toMatchObject({ value: 35, valueAt: indicator.values[0].at });
  });

  it("quadrants and the catalogue's source are read without a token, word for word", async () => {
    const data = await app.ok(`{ quadrants { quadrant label question } catalogueInfo { source } }`, {}, null);
    expect(data.quadrants).toEqual(Object.entries(QUADRANTS_FR).map(([quadrant, q]) => ({ quadrant, label: q.label, question: q.question })));
    expect(data.quadrants[0].question).toBe("Comment exploiter les forces reconnues afin de tirer profit de ces opportunités ?");
    expect(data.catalogueInfo.source).toMatch(/^ADT-INET, « Le pilotage de l'innovation/);
  });
});
