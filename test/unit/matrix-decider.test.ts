import { describe, it } from "vitest";
import { decideMatrix, evolveMatrix, type MatrixEvent } from "../../src/domain/matrix.ts";
import { deciderSpecification } from "../support/decider.ts";

const spec = deciderSpecification({ decide: decideMatrix, evolve: evolveMatrix });
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
  },
};
const adopted: MatrixEvent = { type: "StrategyStatusChanged", data: { strategyId: "x1", from: "PROPOSED", to: "ADOPTED" } };
const initiative: MatrixEvent = { type: "InitiativeAdded", data: { id: "i1", title: "Laboratoire", quadrant: "SO", catalogueKey: null, strategyIds: ["x1"] } };

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
