import { describe, expect, it } from "vitest";
import { isValidSiren, sirenWithChecksum } from "../../src/domain/siren.ts";
import { canonicalJson } from "../../src/shared/canonical-json.ts";
import { endOfParisDay } from "../../src/shared/paris-time.ts";
import { mulberry32 } from "../../src/shared/random.ts";

describe("shared helpers", () => {
  it("canonical JSON orders keys by code unit, whatever the locale, and may leave empty members out", () => {
    expect(canonicalJson({ é: 1, z: 2, Z: 3, a: { y: null, b: [2, 1] } })).toBe('{"Z":3,"a":{"b":[2,1],"y":null},"z":2,"é":1}');
    expect(canonicalJson({ b: 1, a: null, c: undefined }, { dropEmpty: true })).toBe(canonicalJson({ b: 1 }));
    expect(canonicalJson({ at: new Date(Date.UTC(2026, 10, 26)) })).toBe('{"at":"2026-11-26T00:00:00.000Z"}');
  });

  it("SIREN: the Luhn digit that completes eight digits is the only one that validates", () => {
    for (const eight of ["73282932", "20000000", "21750001", "00000000"]) {
      const siren = sirenWithChecksum(eight);
      expect(isValidSiren(siren)).toBe(true);
      for (let other = 0; other < 10; other++) if (`${eight}${other}` !== siren) expect(isValidSiren(`${eight}${other}`)).toBe(false);
    }
    expect(sirenWithChecksum("73282932")).toBe("732829320");
  });

  it("mulberry32 replays the same sequence from the same seed, in [0, 1)", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const draws = Array.from({ length: 1000 }, () => a());
    expect(draws).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(draws).size).toBeGreaterThan(990);
  });
});

describe("a calendar day as a person in France means it", () => {
  it("ends at the last millisecond of that day in Europe/Paris, winter and summer time alike", () => {
    expect(endOfParisDay("2026-11-26").toISOString()).toBe("2026-11-26T22:59:59.999Z");
    expect(endOfParisDay("2026-07-14").toISOString()).toBe("2026-07-14T21:59:59.999Z");
    // The days the clocks change.
    expect(endOfParisDay("2026-03-29").toISOString()).toBe("2026-03-29T21:59:59.999Z");
    expect(endOfParisDay("2026-10-25").toISOString()).toBe("2026-10-25T22:59:59.999Z");
  });
});
