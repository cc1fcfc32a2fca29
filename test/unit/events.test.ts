import { describe, expect, it } from "vitest";
import { type Event, eventReader, type RecordedEvent } from "../../src/domain/events.ts";

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
