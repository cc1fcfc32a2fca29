import { describe, expect, it } from "vitest";
import { CATALOGUE_SOURCE, catalogueEntries } from "../../src/domain/catalogue/index.ts";
import {
  decideMatrix,
  evolveMatrix,
  factorsInOrder,
  initiativesInOrder,
  type Matrix,
  type MatrixEvent,
  NO_ACCOUNTABILITY,
  strategiesInOrder,
} from "../../src/domain/matrix.ts";
import { deciderSpecification } from "../support/decider.ts";

const spec = deciderSpecification({ decide: decideMatrix, evolve: evolveMatrix });
/** The same event with some of its data changed. */
const like = (event: MatrixEvent, data: object): MatrixEvent => ({ ...event, data: { ...event.data, ...data } }) as MatrixEvent;
const m = "m1";

const opened: MatrixEvent = { type: "MatrixOpened", data: { matrixId: m, collectivityId: "c1", title: "Diagnostic 2026" } };
const strength: MatrixEvent = {
  type: "FactorAdded",
  data: { id: "s1", kind: "STRENGTH", label: "Élus moteurs", description: null, weight: 1, rating: 3, domain: null, catalogueKey: "S1" },
};
const opportunity: MatrixEvent = {
  type: "FactorAdded",
  data: { id: "o1", kind: "OPPORTUNITY", label: "Appels à projets", description: null, weight: 1, rating: 3, domain: null, catalogueKey: null },
};
const proposed: MatrixEvent = {
  type: "StrategyProposed",
  data: {
    id: "x1",
    quadrant: "SO",
    internalFactorId: "s1",
    externalFactorId: "o1",
    title: "Répondre aux appels",
    description: null,
    priority: null,
    catalogueKey: null,
    ...NO_ACCOUNTABILITY,
  },
};
const adopted: MatrixEvent = { type: "StrategyStatusChanged", data: { strategyId: "x1", from: "PROPOSED", to: "ADOPTED" } };
const initiative: MatrixEvent = {
  type: "InitiativeAdded",
  data: { id: "i1", title: "Laboratoire", description: null, quadrant: "SO", catalogueKey: null, strategyIds: ["x1"], ...NO_ACCOUNTABILITY },
};

describe("matrix decider, given / when / then", () => {
  it("OpenMatrix records the matrix with its collectivity and trimmed title; a second open is a CONFLICT", () => {
    spec.given([]).when({ type: "OpenMatrix", matrixId: m, collectivityId: "c1", title: "  Diagnostic 2026 " }).thenRecords([opened]);
    spec.given([opened]).when({ type: "OpenMatrix", matrixId: m, collectivityId: "c1", title: "Encore" }).thenRefuses("CONFLICT");
  });

  it("RenameMatrix records the new title, and nothing when it is the same", () => {
    spec
      .given([opened])
      .when({ type: "RenameMatrix", matrixId: m, title: "Diagnostic 2027" })
      .thenRecords([{ type: "MatrixRenamed", data: { title: "Diagnostic 2027" } }]);
    spec.given([opened]).when({ type: "RenameMatrix", matrixId: m, title: "Diagnostic 2026" }).thenRecords([]);
  });

  it("PublishMatrix publishes a draft only, AGGREGATES_ONLY unless told; ArchiveMatrix archives, after which nothing changes", () => {
    spec
      .given([opened])
      .when({ type: "PublishMatrix", matrixId: m })
      .thenRecords([{ type: "MatrixPublished", data: { visibility: "AGGREGATES_ONLY" } }]);
    spec
      .given([opened])
      .when({ type: "PublishMatrix", matrixId: m, visibility: "PUBLIC" })
      .thenRecords([{ type: "MatrixPublished", data: { visibility: "PUBLIC" } }]);
    spec
      .given([opened])
      .when({ type: "PublishMatrix", matrixId: m, visibility: "EVERYONE" as never })
      .thenRefuses("BAD_USER_INPUT", { field: "visibility" });
    spec
      .given([opened, { type: "MatrixPublished", data: { visibility: "NETWORK" } }])
      .when({ type: "PublishMatrix", matrixId: m })
      .thenRefuses("INVALID_TRANSITION");
    spec
      .given([opened])
      .when({ type: "ArchiveMatrix", matrixId: m })
      .thenRecords([{ type: "MatrixArchived", data: {} }]);
    spec
      .given([opened, { type: "MatrixArchived", data: {} }])
      .when({ type: "RenameMatrix", matrixId: m, title: "x" })
      .thenRefuses("INVALID_TRANSITION");
    spec.given([]).when({ type: "PublishMatrix", matrixId: m }).thenRefuses("NOT_FOUND");
  });

  it("ChangeMatrixVisibility records the change from what it was, nothing when it is the same, and is refused on a draft", () => {
    const published: MatrixEvent = { type: "MatrixPublished", data: { visibility: "AGGREGATES_ONLY" } };
    spec
      .given([opened, published])
      .when({ type: "ChangeMatrixVisibility", matrixId: m, visibility: "NETWORK" })
      .thenRecords([{ type: "MatrixVisibilityChanged", data: { from: "AGGREGATES_ONLY", to: "NETWORK" } }]);
    spec.given([opened, published]).when({ type: "ChangeMatrixVisibility", matrixId: m, visibility: "AGGREGATES_ONLY" }).thenRecords([]);
    // An archived matrix's readers stay the collectivity's choice.
    spec
      .given([opened, published, { type: "MatrixVisibilityChanged", data: { from: "AGGREGATES_ONLY", to: "PUBLIC" } }, { type: "MatrixArchived", data: {} }])
      .when({ type: "ChangeMatrixVisibility", matrixId: m, visibility: "AGGREGATES_ONLY" })
      .thenRecords([{ type: "MatrixVisibilityChanged", data: { from: "PUBLIC", to: "AGGREGATES_ONLY" } }]);
    spec.given([opened]).when({ type: "ChangeMatrixVisibility", matrixId: m, visibility: "NETWORK" }).thenRefuses("INVALID_TRANSITION");
    spec.given([]).when({ type: "ChangeMatrixVisibility", matrixId: m, visibility: "NETWORK" }).thenRefuses("NOT_FOUND");
  });

  it("AddFactor records the factor with the defaults of its kind; an unknown catalogue key or a duplicate id is refused", () => {
    spec
      .given([opened])
      .when({ type: "AddFactor", matrixId: m, factorId: "s1", kind: "STRENGTH", label: "Élus moteurs", catalogueKey: "S1" })
      .thenRecords([strength]);
    spec
      .given([opened])
      .when({ type: "AddFactor", matrixId: m, factorId: "w1", kind: "WEAKNESS", label: "Silos", weight: 2.5 })
      .thenRecords([
        {
          type: "FactorAdded",
          data: { id: "w1", kind: "WEAKNESS", label: "Silos", description: null, weight: 2.5, rating: 2, domain: null, catalogueKey: null },
        },
      ]);
    spec
      .given([opened])
      .when({ type: "AddFactor", matrixId: m, factorId: "s2", kind: "STRENGTH", label: "x", catalogueKey: "Z9" })
      .thenRefuses("BAD_USER_INPUT", { field: "catalogueKey" });
    spec.given([opened, strength]).when({ type: "AddFactor", matrixId: m, factorId: "s1", kind: "STRENGTH", label: "x" }).thenRefuses("CONFLICT");
  });

  it("ReviseFactor records only what changes", () => {
    spec
      .given([opened, strength])
      .when({ type: "ReviseFactor", matrixId: m, factorId: "s1", label: "Élus moteurs", weight: 3 })
      .thenRecords([{ type: "FactorRevised", data: { factorId: "s1", changes: { weight: 3 } } }]);
    spec.given([opened, strength]).when({ type: "ReviseFactor", matrixId: m, factorId: "s1", rating: 3 }).thenRecords([]);
    spec.given([opened, strength]).when({ type: "ReviseFactor", matrixId: m, factorId: "s1", rating: 9 }).thenRefuses("BAD_USER_INPUT", { field: "rating" });
  });

  it("RemoveFactor records the removal and abandons the open strategies on it, in one decision", () => {
    spec
      .given([opened, strength, opportunity, proposed])
      .when({ type: "RemoveFactor", matrixId: m, factorId: "o1" })
      .thenRecords([
        { type: "FactorRemoved", data: { factorId: "o1" } },
        { type: "StrategyStatusChanged", data: { strategyId: "x1", from: "PROPOSED", to: "ABANDONED" } },
      ]);
  });

  it("ProposeStrategy derives the quadrant from its two factors; two of one side are refused", () => {
    spec
      .given([opened, strength, opportunity])
      .when({ type: "ProposeStrategy", matrixId: m, strategyId: "x1", internalFactorId: "s1", externalFactorId: "o1", title: "Répondre aux appels" })
      .thenRecords([proposed]);
    const weakness: MatrixEvent = { type: "FactorAdded", data: { ...strength.data, id: "w1", kind: "WEAKNESS", catalogueKey: null } as never };
    spec
      .given([opened, strength, weakness])
      .when({ type: "ProposeStrategy", matrixId: m, strategyId: "x2", internalFactorId: "s1", externalFactorId: "w1", title: "x" })
      .thenRefuses("INVALID_TRANSITION");
  });

  it("ReviseStrategy records only what changes", () => {
    spec
      .given([opened, strength, opportunity, proposed])
      .when({ type: "ReviseStrategy", matrixId: m, strategyId: "x1", priority: 2 })
      .thenRecords([{ type: "StrategyRevised", data: { strategyId: "x1", changes: { priority: 2 } } }]);
  });

  it("ChangeStrategyStatus records the move from and to; a skipped step is refused", () => {
    spec
      .given([opened, strength, opportunity, proposed])
      .when({ type: "ChangeStrategyStatus", matrixId: m, strategyId: "x1", status: "ADOPTED" })
      .thenRecords([adopted]);
    spec
      .given([opened, strength, opportunity, proposed])
      .when({ type: "ChangeStrategyStatus", matrixId: m, strategyId: "x1", status: "DONE" })
      .thenRefuses("INVALID_TRANSITION");
  });

  it("AddInitiative records the initiative under its quadrant with its strategies", () => {
    spec
      .given([opened, strength, opportunity, proposed])
      .when({ type: "AddInitiative", matrixId: m, initiativeId: "i1", title: "Laboratoire", quadrant: "SO", strategyIds: ["x1", "x1"] })
      .thenRecords([initiative]);
    spec
      .given([opened])
      .when({ type: "AddInitiative", matrixId: m, initiativeId: "i1", title: "x", quadrant: "SO", strategyIds: ["nope"] })
      .thenRefuses("NOT_FOUND");
  });

  it("ChangeInitiativeStatus records the move from and to", () => {
    spec
      .given([opened, strength, opportunity, proposed, initiative])
      .when({ type: "ChangeInitiativeStatus", matrixId: m, initiativeId: "i1", status: "ADOPTED" })
      .thenRecords([{ type: "InitiativeStatusChanged", data: { initiativeId: "i1", from: "PROPOSED", to: "ADOPTED" } }]);
    spec.given([opened]).when({ type: "ChangeInitiativeStatus", matrixId: m, initiativeId: "i9", status: "ADOPTED" }).thenRefuses("NOT_FOUND");
  });
});

describe("matrix decider, the action plan: given / when / then", () => {
  const catalogued = (id: string, kind: "STRENGTH" | "OPPORTUNITY" | "THREAT", key: string): MatrixEvent => ({
    type: "FactorAdded",
    data: { id, kind, label: id, description: null, weight: 1, rating: 3, domain: null, catalogueKey: key },
  });
  const o1 = catalogued("o1", "OPPORTUNITY", "O1");
  const t1 = catalogued("t1", "THREAT", "T1");

  it("AddFactor with a catalogue key alone takes the catalogue's label and description; a key already in the matrix is refused", () => {
    const entry = catalogueEntries("FACTOR").find((e) => e.key === "S2")!;
    spec
      .given([opened])
      .when({ type: "AddFactor", matrixId: m, factorId: "f", kind: "STRENGTH", catalogueKey: "S2" })
      .thenRecords([
        {
          type: "FactorAdded",
          data: { id: "f", kind: "STRENGTH", label: entry.label, description: entry.description, weight: 1, rating: 3, domain: null, catalogueKey: "S2" },
        },
      ]);
    spec.given([opened]).when({ type: "AddFactor", matrixId: m, factorId: "f", kind: "STRENGTH" }).thenRefuses("BAD_USER_INPUT", { field: "label" });
    spec
      .given([opened, strength])
      .when({ type: "AddFactor", matrixId: m, factorId: "f", kind: "STRENGTH", label: "Encore S1", catalogueKey: "S1" })
      .thenRefuses("BAD_USER_INPUT", { field: "catalogueKey" });
    spec
      .given([opened, strength, like(strength, { id: "s2", catalogueKey: null })])
      .when({ type: "ReviseFactor", matrixId: m, factorId: "s2", catalogueKey: "S1" })
      .thenRefuses("BAD_USER_INPUT", { field: "catalogueKey" });
    // A removed factor no longer holds its key.
    spec
      .given([opened, strength, { type: "FactorRemoved", data: { factorId: "s1" } }])
      .when({ type: "AddFactor", matrixId: m, factorId: "f", kind: "STRENGTH", label: "S1 de retour", catalogueKey: "S1" })
      .thenRecords([
        {
          type: "FactorAdded",
          data: {
            id: "f",
            kind: "STRENGTH",
            label: "S1 de retour",
            description: null,
            weight: 1,
            rating: 3,
            domain: null,
            catalogueKey: "S1",
          },
        },
      ]);
  });

  it("a catalogued strategy must sit on its own cell; ReviseStrategy corrects or clears the key, and a factor's key under one is kept", () => {
    const onCell = { type: "ProposeStrategy", matrixId: m, strategyId: "x", internalFactorId: "s1", title: "Stratégie" } as const;
    spec
      .given([opened, strength, o1, t1])
      .when({ ...onCell, externalFactorId: "t1", catalogueKey: "SO-S1-O1" })
      .thenRefuses("BAD_USER_INPUT", {
        field: "catalogueKey",
      });
    spec
      .given([opened, strength, o1, t1])
      .when({ ...onCell, externalFactorId: "t1", catalogueKey: "ST-S1-T1" })
      .thenRecords([
        {
          type: "StrategyProposed",
          data: {
            id: "x",
            quadrant: "ST",
            internalFactorId: "s1",
            externalFactorId: "t1",
            title: "Stratégie",
            description: null,
            priority: null,
            catalogueKey: "ST-S1-T1",
            ...NO_ACCOUNTABILITY,
          },
        },
      ]);
    const wrong: MatrixEvent = like(proposed, { catalogueKey: null });
    spec
      .given([opened, strength, o1, wrong])
      .when({
        type: "ReviseStrategy",
        matrixId: m,
        strategyId: "x1",
        catalogueKey: "SO-S1-O1",
        lead: " Claire Martin ",
        dueDate: "2027-06-30",
        budget: 12000,
        progress: 40,
      })
      .thenRecords([
        {
          type: "StrategyRevised",
          data: { strategyId: "x1", changes: { catalogueKey: "SO-S1-O1", lead: "Claire Martin", dueDate: "2027-06-30", budget: 12000, progress: 40 } },
        },
      ]);
    const keyed: MatrixEvent = { type: "StrategyRevised", data: { strategyId: "x1", changes: { catalogueKey: "SO-S1-O1" } } };
    spec
      .given([opened, strength, o1, wrong, keyed])
      .when({ type: "ReviseStrategy", matrixId: m, strategyId: "x1", catalogueKey: "" })
      .thenRecords([{ type: "StrategyRevised", data: { strategyId: "x1", changes: { catalogueKey: null } } }]);
    spec
      .given([opened, strength, o1, wrong, keyed])
      .when({ type: "ReviseFactor", matrixId: m, factorId: "s1", catalogueKey: "S2" })
      .thenRefuses("INVALID_TRANSITION");
    for (const [field, value] of [
      ["dueDate", "2027-02-30"],
      ["dueDate", "30/06/2027"],
      ["progress", 101],
      ["budget", -1],
    ] as const) {
      spec
        .given([opened, strength, o1, wrong])
        .when({ type: "ReviseStrategy", matrixId: m, strategyId: "x1", [field]: value })
        .thenRefuses("BAD_USER_INPUT", { field });
    }
  });

  it("an initiative serves strategies of its quadrant still in the plan; it is revised, re-linked and removed with a record of each", () => {
    const wt: MatrixEvent = like(proposed, { id: "x2", quadrant: "WT" });
    const addTo = (strategyIds: string[]) =>
      ({ type: "AddInitiative", matrixId: m, initiativeId: "i9", title: "Hackathon", quadrant: "SO", strategyIds }) as const;
    spec
      .given([opened, strength, opportunity, proposed, wt])
      .when(addTo(["x2"]))
      .thenRefuses("BAD_USER_INPUT", { field: "strategyIds" });
    const abandoned: MatrixEvent = { type: "StrategyStatusChanged", data: { strategyId: "x1", from: "PROPOSED", to: "ABANDONED" } };
    spec
      .given([opened, strength, opportunity, proposed, abandoned])
      .when(addTo(["x1"]))
      .thenRefuses("BAD_USER_INPUT", { field: "strategyIds" });
    spec
      .given([opened, strength, opportunity, proposed])
      .when({ ...addTo(["x1"]), description: "Deux jours avec les agents", lead: "Paul Durand", budget: 3000 })
      .thenRecords([
        {
          type: "InitiativeAdded",
          data: {
            id: "i9",
            title: "Hackathon",
            description: "Deux jours avec les agents",
            quadrant: "SO",
            catalogueKey: null,
            strategyIds: ["x1"],
            lead: "Paul Durand",
            dueDate: null,
            budget: 3000,
            progress: null,
          },
        },
      ]);
    const second: MatrixEvent = like(proposed, { id: "x3" });
    spec
      .given([opened, strength, opportunity, proposed, second, initiative])
      .when({ type: "ReviseInitiative", matrixId: m, initiativeId: "i1", title: "Laboratoire d'innovation", strategyIds: ["x3"], progress: 25 })
      .thenRecords([
        { type: "InitiativeRevised", data: { initiativeId: "i1", changes: { title: "Laboratoire d'innovation", progress: 25, strategyIds: ["x3"] } } },
      ]);
    spec
      .given([opened, strength, opportunity, proposed, initiative])
      .when({ type: "ReviseInitiative", matrixId: m, initiativeId: "i1", title: "Laboratoire", strategyIds: ["x1"] })
      .thenRecords([]);
    spec
      .given([opened, strength, opportunity, proposed, wt, initiative])
      .when({ type: "ReviseInitiative", matrixId: m, initiativeId: "i1", strategyIds: ["x2"] })
      .thenRefuses("BAD_USER_INPUT", { field: "strategyIds" });
    // A link made while the strategy was in the plan stays when it is abandoned later; a new link to it is refused.
    const x1Abandoned: MatrixEvent = { type: "StrategyStatusChanged", data: { strategyId: "x1", from: "PROPOSED", to: "ABANDONED" } };
    spec
      .given([opened, strength, opportunity, proposed, second, initiative, x1Abandoned])
      .when({ type: "ReviseInitiative", matrixId: m, initiativeId: "i1", strategyIds: ["x1", "x3"] })
      .thenRecords([{ type: "InitiativeRevised", data: { initiativeId: "i1", changes: { strategyIds: ["x1", "x3"] } } }]);
    spec
      .given([opened, strength, opportunity, proposed, second, like(initiative, { strategyIds: ["x3"] }), x1Abandoned])
      .when({ type: "ReviseInitiative", matrixId: m, initiativeId: "i1", strategyIds: ["x1", "x3"] })
      .thenRefuses("BAD_USER_INPUT", { field: "strategyIds" });
    const removed: MatrixEvent = { type: "InitiativeRemoved", data: { initiativeId: "i1" } };
    spec
      .given([opened, strength, opportunity, proposed, initiative])
      .when({ type: "RemoveInitiative", matrixId: m, initiativeId: "i1" })
      .thenRecords([removed]);
    spec
      .given([opened, strength, opportunity, proposed, initiative, removed])
      .when({ type: "RemoveInitiative", matrixId: m, initiativeId: "i1" })
      .thenRefuses("INVALID_TRANSITION");
    spec
      .given([opened, strength, opportunity, proposed, initiative, removed])
      .when({ type: "ReviseInitiative", matrixId: m, initiativeId: "i1", title: "x" })
      .thenRefuses("INVALID_TRANSITION");
    spec
      .given([opened, strength, opportunity, proposed, initiative, removed])
      .when({ type: "ChangeInitiativeStatus", matrixId: m, initiativeId: "i1", status: "ADOPTED" })
      .thenRefuses("INVALID_TRANSITION");
  });

  it("ReorderFactors records a kind's new order, listing each of its live factors once; the same order records nothing", () => {
    const s2: MatrixEvent = like(strength, { id: "s2", catalogueKey: null });
    const s3: MatrixEvent = like(strength, { id: "s3", catalogueKey: null });
    const given = spec.given([opened, strength, opportunity, s2, s3]);
    given
      .when({ type: "ReorderFactors", matrixId: m, kind: "STRENGTH", factorIds: ["s3", "s1", "s2"] })
      .thenRecords([{ type: "FactorsReordered", data: { kind: "STRENGTH", factorIds: ["s3", "s1", "s2"] } }]);
    given.when({ type: "ReorderFactors", matrixId: m, kind: "STRENGTH", factorIds: ["s1", "s2", "s3"] }).thenRecords([]);
    for (const factorIds of [
      ["s3", "s1"],
      ["s3", "s1", "s1"],
      ["s3", "s1", "s2", "o1"],
    ]) {
      given.when({ type: "ReorderFactors", matrixId: m, kind: "STRENGTH", factorIds }).thenRefuses("BAD_USER_INPUT", { field: "factorIds" });
    }
  });

  it("SetIndicator adds an indicator with its first value, revises it, and records each new value apart", () => {
    const given = spec.given([opened, strength, opportunity, proposed]);
    const set = { type: "SetIndicator", matrixId: m, subjectId: "x1", newIndicatorId: "n1" } as const;
    given.when({ ...set, name: "Agents formés", unit: "agents", baseline: 0, target: 120, value: 35 }).thenRecords([
      { type: "IndicatorAdded", data: { id: "n1", subjectId: "x1", name: "Agents formés", unit: "agents", baseline: 0, target: 120 } },
      { type: "IndicatorMeasured", data: { indicatorId: "n1", value: 35 } },
    ]);
    given.when({ ...set, unit: "agents" }).thenRefuses("BAD_USER_INPUT", { field: "name" });
    given.when({ ...set, subjectId: "nope", name: "x" }).thenRefuses("NOT_FOUND", { field: "subjectId" });
    const added: MatrixEvent = { type: "IndicatorAdded", data: { id: "n1", subjectId: "x1", name: "Agents formés", unit: "agents", baseline: 0, target: 120 } };
    spec
      .given([opened, strength, opportunity, proposed, added])
      .when({ ...set, indicatorId: "n1", newIndicatorId: "unused", target: 150, name: "Agents formés", value: 60 })
      .thenRecords([
        { type: "IndicatorRevised", data: { indicatorId: "n1", changes: { target: 150 } } },
        { type: "IndicatorMeasured", data: { indicatorId: "n1", value: 60 } },
      ]);
    spec
      .given([opened, strength, opportunity, proposed, initiative, added])
      .when({ ...set, subjectId: "i1", indicatorId: "n1", value: 1 })
      .thenRefuses("NOT_FOUND", { field: "indicatorId" });
  });

  it("OpenMatrix from the catalogue records its fourteen factors in its order; from another matrix, what is still live and open, under new ids", () => {
    const ids = Object.fromEntries(catalogueEntries("FACTOR").map((e) => [e.key, `n-${e.key}`]));
    const open = { type: "OpenMatrix", matrixId: "m2", collectivityId: "c1", title: "Diagnostic 2027" } as const;
    const fromCatalogue = decideMatrix({ ...open, start: { from: "CATALOGUE", ids } }, null);
    expect(fromCatalogue.map((e) => (e.type === "FactorAdded" ? e.data.catalogueKey : e.type))).toEqual([
      "MatrixOpened",
      ...catalogueEntries("FACTOR").map((e) => e.key),
    ]);
    expect(fromCatalogue.length).toBe(15);
    expect(CATALOGUE_SOURCE).toMatch(/ADT-INET/);

    const source = [
      opened,
      strength,
      opportunity,
      like(opportunity, { id: "gone" }),
      proposed,
      adopted,
      like(proposed, { id: "x2" }),
      { type: "StrategyStatusChanged", data: { strategyId: "x2", from: "PROPOSED", to: "ABANDONED" } },
      initiative,
      { type: "IndicatorAdded", data: { id: "n1", subjectId: "x1", name: "Agents formés", unit: null, baseline: 0, target: 10 } },
      { type: "IndicatorMeasured", data: { indicatorId: "n1", value: 4 } },
      { type: "FactorRemoved", data: { factorId: "gone" } },
    ].reduce<Matrix | null>(
      (state, event, i) =>
        evolveMatrix(state, {
          ...(event as MatrixEvent),
          streamId: "matrix-m1",
          version: i + 1,
          position: `p${i}`,
          occurredAt: new Date(0),
          actor: "a",
          reason: null,
        }),
      null,
    )!;
    const copyIds = { s1: "S", o1: "O", x1: "X", x2: "X2", i1: "I", n1: "N" };
    expect(decideMatrix({ ...open, start: { from: "MATRIX", source, ids: copyIds } }, null)).toEqual([
      { type: "MatrixOpened", data: { matrixId: "m2", collectivityId: "c1", title: "Diagnostic 2027" } },
      like(strength, { id: "S" }),
      like(opportunity, { id: "O" }),
      like(proposed, { id: "X", internalFactorId: "S", externalFactorId: "O" }),
      { type: "StrategyStatusChanged", data: { strategyId: "X", from: "PROPOSED", to: "ADOPTED" } },
      like(initiative, { id: "I", strategyIds: ["X"] }),
      { type: "IndicatorAdded", data: { id: "N", subjectId: "X", name: "Agents formés", unit: null, baseline: 0, target: 10 } },
    ]);
    expect(() => decideMatrix({ ...open, collectivityId: "c2", start: { from: "MATRIX", source, ids: copyIds } }, null)).toThrow(/same collectivity/);
  });

  it("evolve keeps the order of entry and of reordering, hides removed initiatives, and keeps every measured value", () => {
    const s2: MatrixEvent = like(strength, { id: "a-late", catalogueKey: null });
    const events: MatrixEvent[] = [
      opened,
      like(opportunity, { id: "z-first" }),
      strength,
      s2,
      { type: "FactorsReordered", data: { kind: "STRENGTH", factorIds: ["a-late", "s1"] } },
      like(proposed, { id: "z", externalFactorId: "z-first" }),
      like(proposed, { id: "a", externalFactorId: "z-first" }),
      like(initiative, { id: "z-i", strategyIds: [] }),
      like(initiative, { id: "a-i", strategyIds: [] }),
      { type: "InitiativeRemoved", data: { initiativeId: "z-i" } },
      { type: "IndicatorAdded", data: { id: "n1", subjectId: "z", name: "Agents formés", unit: null, baseline: 0, target: 10 } },
      { type: "IndicatorMeasured", data: { indicatorId: "n1", value: 4 } },
      { type: "IndicatorMeasured", data: { indicatorId: "n1", value: 7 } },
    ];
    const state = events.reduce<Matrix | null>(
      (current, event, i) =>
        evolveMatrix(current, {
          ...event,
          streamId: "matrix-m1",
          version: i + 1,
          position: `p${i}`,
          occurredAt: new Date(Date.UTC(2027, 0, i + 1)),
          actor: "a",
          reason: null,
        }),
      null,
    )!;
    expect(factorsInOrder(state).map((f) => f.id)).toEqual(["z-first", "a-late", "s1"]);
    expect(strategiesInOrder(state).map((s) => s.id)).toEqual(["z", "a"]);
    expect(initiativesInOrder(state).map((i) => i.id)).toEqual(["a-i"]);
    expect(state.initiatives["z-i"]?.removed).toBe(true);
    expect(state.indicators.n1?.measurements).toEqual([
      { value: 4, at: "2027-01-12T00:00:00.000Z" },
      { value: 7, at: "2027-01-13T00:00:00.000Z" },
    ]);
  });

  it("OpenMatrix from commands decides each on the matrix as the ones before left it, and a refusal says which", () => {
    const open = { type: "OpenMatrix", matrixId: "m3", collectivityId: "c1", title: "Import" } as const;
    const commands = [
      { type: "AddFactor", matrixId: "m3", factorId: "s", kind: "STRENGTH", catalogueKey: "S1" },
      { type: "AddFactor", matrixId: "m3", factorId: "o", kind: "OPPORTUNITY", label: "Appels" },
      { type: "ProposeStrategy", matrixId: "m3", strategyId: "x", internalFactorId: "s", externalFactorId: "o", title: "Répondre" },
      { type: "ChangeStrategyStatus", matrixId: "m3", strategyId: "x", status: "ADOPTED" },
    ] as const;
    expect(decideMatrix({ ...open, start: { from: "COMMANDS", commands: [...commands] } }, null).map((e) => e.type)).toEqual([
      "MatrixOpened",
      "FactorAdded",
      "FactorAdded",
      "StrategyProposed",
      "StrategyStatusChanged",
    ]);
    const again = { type: "AddFactor", matrixId: "m3", factorId: "s2", kind: "STRENGTH", label: "Encore", catalogueKey: "S1" } as const;
    expect(() => decideMatrix({ ...open, start: { from: "COMMANDS", commands: [...commands, again] } }, null)).toThrow(
      expect.objectContaining({ code: "BAD_USER_INPUT", extensions: expect.objectContaining({ field: "catalogueKey", step: 4 }) }),
    );
  });
});
