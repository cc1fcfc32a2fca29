import { describe, expect, it } from "vitest";
import { type CollectivityCommand, decideCollectivity, evolveCollectivity } from "../../src/domain/collectivity.ts";
import { isValidSiren } from "../../src/domain/siren.ts";
import { InMemoryStream } from "../support/fold.ts";
import { refusal } from "../support/refusal.ts";

const register = (overrides: Partial<Extract<CollectivityCommand, { type: "RegisterCollectivity" }>> = {}): CollectivityCommand => ({
  type: "RegisterCollectivity",
  collectivityId: "c1",
  name: "Commune de Test",
  kind: "COMMUNE",
  population: 1200,
  ...overrides,
});

const stream = () => new InMemoryStream(decideCollectivity, evolveCollectivity);

describe("SIREN", () => {
  it("accepts nine digits with a valid Luhn checksum", () => {
    expect(isValidSiren("732829320")).toBe(true);
    expect(isValidSiren("200000008")).toBe(true);
  });
  it("refuses a wrong checksum, a wrong length or letters", () => {
    expect(isValidSiren("732829321")).toBe(false);
    expect(isValidSiren("73282932")).toBe(false);
    expect(isValidSiren("7328293200")).toBe(false);
    expect(isValidSiren("73282932A")).toBe(false);
  });
});

describe("registering a collectivity", () => {
  it("records the profile, trimmed", () => {
    const s = stream();
    s.run(register({ name: "  Ville-Test ", officialCode: "732 829 320", financialPotentialPerCapita: 900, regionCode: "84" }));
    expect(s.state).toMatchObject({
      id: "c1",
      name: "Ville-Test",
      kind: "COMMUNE",
      population: 1200,
      officialCode: "732829320",
      financialPotentialPerCapita: 900,
      regionCode: "84",
      version: 1,
    });
  });

  it.each([
    [{ population: 0 }, "population"],
    [{ population: -5 }, "population"],
    [{ population: 1.5 }, "population"],
    [{ name: "   " }, "name"],
    [{ officialCode: "123456789" }, "officialCode"],
    [{ financialPotentialPerCapita: -1 }, "financialPotentialPerCapita"],
    [{ regionCode: "Bretagne" }, "regionCode"],
  ])("refuses %o naming the field", (overrides, field) => {
    const error = refusal(() => decideCollectivity(register(overrides), null));
    expect(error.code).toBe("BAD_USER_INPUT");
    expect(error.extensions.field).toBe(field);
  });

  it("cannot register the same collectivity twice", () => {
    const s = stream();
    s.run(register());
    expect(refusal(() => s.run(register())).code).toBe("CONFLICT");
  });
});

describe("updating a profile", () => {
  it("records only what changed", () => {
    const s = stream();
    s.run(register());
    const events = s.run({ type: "UpdateCollectivityProfile", collectivityId: "c1", name: "Commune de Test", population: 1300 });
    expect(events.map((e) => e.data)).toEqual([{ population: 1300 }]);
    expect(s.state?.population).toBe(1300);
    expect(s.state?.version).toBe(2);
  });

  it("writes nothing when nothing changes", () => {
    const s = stream();
    s.run(register());
    expect(s.run({ type: "UpdateCollectivityProfile", collectivityId: "c1", population: 1200 })).toEqual([]);
  });

  it("refuses an empty update and an unknown collectivity", () => {
    const s = stream();
    s.run(register());
    expect(refusal(() => s.run({ type: "UpdateCollectivityProfile", collectivityId: "c1" })).code).toBe("BAD_USER_INPUT");
    expect(refusal(() => decideCollectivity({ type: "UpdateCollectivityProfile", collectivityId: "x", population: 3 }, null)).code).toBe("NOT_FOUND");
  });
});

describe("a merger into a commune nouvelle", () => {
  const into = { inseeCode: "01015", name: "Arboys en Bugey", officialCode: "200040350" };

  it("is recorded once, with the commune nouvelle's code, name and SIREN; again only if the directory says another", () => {
    const s = stream();
    s.run(register({ directory: null }));
    expect(s.state?.mergedInto).toBeNull();
    const events = s.run({ type: "RecordMerger", collectivityId: "c1", into });
    expect(events.map((e) => [e.type, e.data])).toEqual([["CollectivityMerged", into]]);
    expect(s.state).toMatchObject({ mergedInto: into, version: 2, name: "Commune de Test" });
    expect(s.run({ type: "RecordMerger", collectivityId: "c1", into })).toEqual([]);
    const later = { ...into, name: "Arboys-en-Bugey" };
    expect(s.run({ type: "RecordMerger", collectivityId: "c1", into: later }).map((e) => e.data)).toEqual([later]);
  });

  it("refuses an unknown collectivity, a bad SIREN and a merger into itself", () => {
    expect(refusal(() => decideCollectivity({ type: "RecordMerger", collectivityId: "x", into }, null)).code).toBe("NOT_FOUND");
    const s = stream();
    const directory = {
      inseeCode: "01453",
      name: "Arbignieu",
      officialCode: null,
      kind: "COMMUNE" as const,
      population: 90,
      departementCode: "01",
      regionCode: "84",
      epciCode: null,
    };
    s.run(register({ name: null, kind: null, population: null, directory }));
    expect(refusal(() => s.run({ type: "RecordMerger", collectivityId: "c1", into: { ...into, officialCode: "123" } })).extensions.field).toBe("officialCode");
    expect(refusal(() => s.run({ type: "RecordMerger", collectivityId: "c1", into: { ...into, inseeCode: "01453" } })).extensions.field).toBe("into.inseeCode");
  });
});
