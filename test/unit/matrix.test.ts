import { describe, expect, it } from "vitest";
import { canMoveTo, decideMatrix, evolveMatrix, type Matrix, type MatrixCommand, type MatrixEvent } from "../../src/domain/matrix.ts";
import { type FactorKind, STRATEGY_STATUSES, type StrategyStatus } from "../../src/domain/types.ts";
import { InMemoryStream } from "../support/fold.ts";
import { refusal } from "../support/refusal.ts";

function openMatrix() {
  const s = new InMemoryStream<Matrix, MatrixCommand, MatrixEvent>(decideMatrix, evolveMatrix, "matrix-m1");
  s.run({ type: "OpenMatrix", matrixId: "m1", collectivityId: "c1", title: "Diagnostic" });
  return s;
}

const add = (s: ReturnType<typeof openMatrix>, factorId: string, kind: FactorKind, extra: Partial<MatrixCommand> = {}) =>
  s.run({ type: "AddFactor", matrixId: "m1", factorId, kind, label: `Facteur ${factorId}`, ...extra } as MatrixCommand);

function withFactors() {
  const s = openMatrix();
  add(s, "s1", "STRENGTH");
  add(s, "w1", "WEAKNESS");
  add(s, "o1", "OPPORTUNITY");
  add(s, "t1", "THREAT");
  return s;
}

const propose = (s: ReturnType<typeof openMatrix>, strategyId: string, internalFactorId: string, externalFactorId: string, extra = {}) =>
  s.run({ type: "ProposeStrategy", matrixId: "m1", strategyId, internalFactorId, externalFactorId, title: `Stratégie ${strategyId}`, ...extra });

const status = (s: ReturnType<typeof openMatrix>, strategyId: string, to: StrategyStatus, reason?: string) =>
  s.run({ type: "ChangeStrategyStatus", matrixId: "m1", strategyId, status: to }, { actor: "alice", reason });

describe("matrix lifecycle", () => {
  it("opens as a DRAFT, renames, publishes, archives", () => {
    const s = openMatrix();
    expect(s.state).toMatchObject({ id: "m1", collectivityId: "c1", status: "DRAFT", version: 1, publishedAt: null });
    s.run({ type: "RenameMatrix", matrixId: "m1", title: "Nouveau titre" });
    s.run({ type: "PublishMatrix", matrixId: "m1" });
    expect(s.state).toMatchObject({ title: "Nouveau titre", status: "PUBLISHED" });
    expect(s.state?.publishedAt).not.toBeNull();
    s.run({ type: "ArchiveMatrix", matrixId: "m1" });
    expect(s.state?.status).toBe("ARCHIVED");
    expect(s.state?.version).toBe(4);
  });

  it("refuses every change once archived", () => {
    const s = withFactors();
    s.run({ type: "ArchiveMatrix", matrixId: "m1" });
    for (const command of [
      { type: "RenameMatrix", matrixId: "m1", title: "x" },
      { type: "PublishMatrix", matrixId: "m1" },
      { type: "ArchiveMatrix", matrixId: "m1" },
      { type: "AddFactor", matrixId: "m1", factorId: "f9", kind: "THREAT", label: "x" },
      { type: "RemoveFactor", matrixId: "m1", factorId: "s1" },
    ] as MatrixCommand[]) {
      expect(refusal(() => s.run(command)).code).toBe("INVALID_TRANSITION");
    }
  });

  it("publishes only a draft, and says NOT_FOUND for a matrix never opened", () => {
    const s = openMatrix();
    s.run({ type: "PublishMatrix", matrixId: "m1" });
    expect(refusal(() => s.run({ type: "PublishMatrix", matrixId: "m1" })).code).toBe("INVALID_TRANSITION");
    expect(refusal(() => decideMatrix({ type: "PublishMatrix", matrixId: "zz" }, null)).code).toBe("NOT_FOUND");
  });

  it("renaming to the same title writes nothing; an empty title is refused", () => {
    const s = openMatrix();
    expect(s.run({ type: "RenameMatrix", matrixId: "m1", title: " Diagnostic " })).toEqual([]);
    expect(refusal(() => s.run({ type: "RenameMatrix", matrixId: "m1", title: "  " })).extensions.field).toBe("title");
  });
});

describe("factors", () => {
  it("adds with defaults: weight 1, rating by kind", () => {
    const s = withFactors();
    expect(s.state?.factors.s1).toMatchObject({ kind: "STRENGTH", weight: 1, rating: 3, removed: false });
    expect(s.state?.factors.w1).toMatchObject({ rating: 2 });
    expect(s.state?.factors.o1).toMatchObject({ rating: 3 });
    expect(s.state?.factors.t1).toMatchObject({ rating: 2 });
  });

  it.each([
    [{ weight: -1 }, "weight"],
    [{ rating: 0 }, "rating"],
    [{ rating: 5 }, "rating"],
    [{ rating: 2.5 }, "rating"],
    [{ label: "" }, "label"],
    [{ catalogueKey: "NOPE" }, "catalogueKey"],
    [{ catalogueKey: "W1" }, "catalogueKey"],
    [{ domain: "MAGIC" }, "domain"],
  ])("refuses %o naming the field", (extra, field) => {
    const s = openMatrix();
    const error = refusal(() => add(s, "f1", "STRENGTH", extra as Partial<MatrixCommand>));
    expect(error.code).toBe("BAD_USER_INPUT");
    expect(error.extensions.field).toBe(field);
  });

  it("accepts a catalogue key of the same kind", () => {
    const s = openMatrix();
    add(s, "f1", "STRENGTH", { catalogueKey: "S3" } as Partial<MatrixCommand>);
    expect(s.state?.factors.f1?.catalogueKey).toBe("S3");
  });

  it("revises and reweights, writing only changed fields", () => {
    const s = withFactors();
    const events = s.run({ type: "ReviseFactor", matrixId: "m1", factorId: "s1", weight: 3, rating: 3, label: "Facteur s1" });
    expect(events[0]?.data).toEqual({ factorId: "s1", changes: { weight: 3 } });
    expect(s.state?.factors.s1?.weight).toBe(3);
    expect(s.run({ type: "ReviseFactor", matrixId: "m1", factorId: "s1", weight: 3 })).toEqual([]);
    expect(refusal(() => s.run({ type: "ReviseFactor", matrixId: "m1", factorId: "s1" })).code).toBe("BAD_USER_INPUT");
    expect(refusal(() => s.run({ type: "ReviseFactor", matrixId: "m1", factorId: "nope", weight: 1 })).code).toBe("NOT_FOUND");
  });

  it("removing a factor abandons its open strategies with the same reason, and leaves done ones alone", () => {
    const s = withFactors();
    propose(s, "a", "s1", "o1");
    propose(s, "b", "s1", "t1");
    propose(s, "c", "w1", "o1");
    status(s, "b", "ADOPTED");
    status(s, "b", "IN_PROGRESS");
    status(s, "b", "DONE");
    const events = s.run({ type: "RemoveFactor", matrixId: "m1", factorId: "s1" }, { actor: "bob", reason: "Doublon" });
    expect(events.map((e) => e.type)).toEqual(["FactorRemoved", "StrategyStatusChanged"]);
    expect(s.state?.factors.s1?.removed).toBe(true);
    expect(s.state?.strategies.a?.status).toBe("ABANDONED");
    expect(s.state?.strategies.a?.decisions.at(-1)).toMatchObject({ status: "ABANDONED", actor: "bob", reason: "Doublon" });
    expect(s.state?.strategies.b?.status).toBe("DONE");
    expect(s.state?.strategies.c?.status).toBe("PROPOSED");
    expect(refusal(() => s.run({ type: "RemoveFactor", matrixId: "m1", factorId: "s1" })).code).toBe("INVALID_TRANSITION");
    expect(refusal(() => s.run({ type: "ReviseFactor", matrixId: "m1", factorId: "s1", weight: 2 })).code).toBe("INVALID_TRANSITION");
  });
});

describe("strategies", () => {
  it.each([
    ["s1", "o1", "SO"],
    ["w1", "o1", "WO"],
    ["s1", "t1", "ST"],
    ["w1", "t1", "WT"],
  ])("derives the quadrant of %s x %s as %s", (internal, external, quadrant) => {
    const s = withFactors();
    propose(s, "x", internal, external);
    expect(s.state?.strategies.x).toMatchObject({ quadrant, status: "PROPOSED" });
  });

  it.each([
    ["s1", "w1"],
    ["o1", "t1"],
    ["o1", "s1"],
  ])("refuses %s x %s: not an internal x external pair", (internal, external) => {
    const s = withFactors();
    expect(refusal(() => propose(s, "x", internal, external)).code).toBe("INVALID_TRANSITION");
  });

  it("refuses unknown or removed factors, a bad priority and a catalogue key of another quadrant", () => {
    const s = withFactors();
    expect(refusal(() => propose(s, "x", "nope", "o1")).code).toBe("NOT_FOUND");
    expect(refusal(() => propose(s, "x", "s1", "o1", { priority: 6 })).extensions.field).toBe("priority");
    expect(refusal(() => propose(s, "x", "s1", "o1", { catalogueKey: "WT-W1-T1" })).extensions.field).toBe("catalogueKey");
    s.run({ type: "ReviseFactor", matrixId: "m1", factorId: "s1", catalogueKey: "S1" });
    s.run({ type: "ReviseFactor", matrixId: "m1", factorId: "o1", catalogueKey: "O1" });
    propose(s, "y", "s1", "o1", { catalogueKey: "SO-S1-O1", priority: 1 });
    expect(s.state?.strategies.y).toMatchObject({ catalogueKey: "SO-S1-O1", priority: 1 });
    s.run({ type: "RemoveFactor", matrixId: "m1", factorId: "o1" });
    expect(refusal(() => propose(s, "z", "s1", "o1")).code).toBe("INVALID_TRANSITION");
  });

  it("allows exactly the documented status transitions", () => {
    const allowed = new Set([
      "PROPOSED>ADOPTED",
      "PROPOSED>ABANDONED",
      "ADOPTED>IN_PROGRESS",
      "ADOPTED>ABANDONED",
      "IN_PROGRESS>DONE",
      "IN_PROGRESS>ABANDONED",
      "ABANDONED>PROPOSED",
    ]);
    for (const from of STRATEGY_STATUSES) {
      for (const to of STRATEGY_STATUSES) expect(canMoveTo(from, to)).toBe(allowed.has(`${from}>${to}`));
    }
  });

  it("keeps actor, time and reason of every status change, oldest first", () => {
    const s = withFactors();
    propose(s, "a", "w1", "t1");
    status(s, "a", "ADOPTED", "Voté");
    status(s, "a", "ABANDONED", "Plus de budget");
    status(s, "a", "PROPOSED", "Relancé");
    expect(s.state?.strategies.a?.decisions.map((d) => [d.status, d.actor, d.reason])).toEqual([
      ["PROPOSED", "tester", null],
      ["ADOPTED", "alice", "Voté"],
      ["ABANDONED", "alice", "Plus de budget"],
      ["PROPOSED", "alice", "Relancé"],
    ]);
    expect(refusal(() => status(s, "a", "DONE")).code).toBe("INVALID_TRANSITION");
  });

  it("cannot reopen a strategy whose factor was removed", () => {
    const s = withFactors();
    propose(s, "a", "w1", "t1");
    s.run({ type: "RemoveFactor", matrixId: "m1", factorId: "t1" });
    expect(refusal(() => status(s, "a", "PROPOSED")).code).toBe("INVALID_TRANSITION");
  });

  it("revises title, description and priority", () => {
    const s = withFactors();
    propose(s, "a", "w1", "t1");
    s.run({ type: "ReviseStrategy", matrixId: "m1", strategyId: "a", title: "Autre", priority: 2 });
    expect(s.state?.strategies.a).toMatchObject({ title: "Autre", priority: 2 });
    expect(refusal(() => s.run({ type: "ReviseStrategy", matrixId: "m1", strategyId: "zz", title: "x" })).code).toBe("NOT_FOUND");
  });
});

describe("initiatives", () => {
  it("files a tool under a quadrant, linked to strategies of the same matrix, and moves its status", () => {
    const s = withFactors();
    propose(s, "a", "s1", "o1");
    s.run({ type: "AddInitiative", matrixId: "m1", initiativeId: "i1", title: "Prix !", quadrant: "SO", strategyIds: ["a", "a"], catalogueKey: "TOOL-SO-02" });
    expect(s.state?.initiatives.i1).toMatchObject({ quadrant: "SO", status: "PROPOSED", strategyIds: ["a"], catalogueKey: "TOOL-SO-02" });
    s.run({ type: "ChangeInitiativeStatus", matrixId: "m1", initiativeId: "i1", status: "ADOPTED" });
    expect(s.state?.initiatives.i1?.status).toBe("ADOPTED");
    expect(refusal(() => s.run({ type: "ChangeInitiativeStatus", matrixId: "m1", initiativeId: "i1", status: "DONE" })).code).toBe("INVALID_TRANSITION");
  });

  it("refuses a strategy of no such id and a tool of another quadrant", () => {
    const s = withFactors();
    expect(refusal(() => s.run({ type: "AddInitiative", matrixId: "m1", initiativeId: "i1", title: "x", quadrant: "SO", strategyIds: ["nope"] })).code).toBe(
      "NOT_FOUND",
    );
    expect(
      refusal(() => s.run({ type: "AddInitiative", matrixId: "m1", initiativeId: "i1", title: "x", quadrant: "SO", catalogueKey: "TOOL-WT-01" })).extensions
        .field,
    ).toBe("catalogueKey");
    expect(refusal(() => s.run({ type: "ChangeInitiativeStatus", matrixId: "m1", initiativeId: "zz", status: "ADOPTED" })).code).toBe("NOT_FOUND");
  });
});
