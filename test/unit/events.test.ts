import { describe, expect, it } from "vitest";
import { readCollectivityEvent } from "../../src/domain/collectivity.ts";
import { type Event, eventReader, type RecordedEvent } from "../../src/domain/events.ts";
import { MATRIX_EVENT_TYPES, readMatrixEvent } from "../../src/domain/matrix.ts";
import { eventLabel } from "../../src/shared/french.ts";

type Old = Event<"Counted", { n: number; unit: string }> | Event<"Reset", Record<string, never>>;

const recorded = (type: string, data: unknown): RecordedEvent => ({
  type,
  data,
  streamId: "test-1",
  version: 1,
  position: "0000000000000001-0000000000000001",
  occurredAt: new Date(0),
  actor: "t",
  reason: null,
});

describe("reading stored events", () => {
  const read = eventReader<Old>(
    "test",
    { Counted: true, Reset: true },
    {
      // An older writer left the unit out: it was always "pièces".
      Counted: (event) => ({ ...event, data: { unit: "pièces", ...(event.data as object) } }),
    },
  );

  it("upcasts what an older version wrote, and leaves today's form as it is", () => {
    expect(read(recorded("Counted", { n: 3 })).data).toEqual({ n: 3, unit: "pièces" });
    expect(read(recorded("Counted", { n: 3, unit: "lots" })).data).toEqual({ n: 3, unit: "lots" });
    expect(read(recorded("Reset", {})).type).toBe("Reset");
  });

  it("refuses a type this version does not know, rather than fold it as something else", () => {
    expect(() => read(recorded("Exploded", {}))).toThrow(/Exploded, which is no test event/);
    expect(() => read(recorded("toString", {}))).toThrow(/no test event/);
  });
});

describe("matrix events written before the action plan", () => {
  it("read with no lead, due date, budget or progress, and an initiative with no description", () => {
    const strategy = {
      id: "x",
      quadrant: "SO",
      internalFactorId: "s",
      externalFactorId: "o",
      title: "t",
      description: null,
      priority: null,
      catalogueKey: null,
    };
    expect(readMatrixEvent(recorded("StrategyProposed", strategy)).data).toEqual({ ...strategy, lead: null, dueDate: null, budget: null, progress: null });
    const initiative = { id: "i", title: "t", quadrant: "SO", catalogueKey: null, strategyIds: ["x"] };
    expect(readMatrixEvent(recorded("InitiativeAdded", initiative)).data).toEqual({
      ...initiative,
      description: null,
      lead: null,
      dueDate: null,
      budget: null,
      progress: null,
    });
    // Today's form is read as written.
    const today = { ...initiative, description: "d", lead: "Claire", dueDate: "2027-06-30", budget: 10, progress: 5 };
    expect(readMatrixEvent(recorded("InitiativeAdded", today)).data).toEqual(today);
  });
});

describe("the history a person reads", () => {
  it("names every matrix event in French", () => {
    expect(Object.keys(MATRIX_EVENT_TYPES).filter((type) => eventLabel(type) === type)).toEqual([]);
  });
});

describe("collectivity events written before the official territory", () => {
  it("read with no INSEE code, département or EPCI", () => {
    const old = { id: "c", name: "Aubenas", kind: "COMMUNE", population: 12_000, officialCode: null, financialPotentialPerCapita: null, regionCode: "84" };
    expect(readCollectivityEvent(recorded("CollectivityRegistered", old)).data).toEqual({ ...old, inseeCode: null, departementCode: null, epciCode: null });
  });
});
