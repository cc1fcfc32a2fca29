import { Writable } from "node:stream";
import pino from "pino";
import { expect, it } from "vitest";
import { reportFailures } from "../../src/observability/failures.ts";

it("a repeated failure is logged once per period, with how many were left unsaid", () => {
  const lines: { msg: string; unsaid: number; err: { message: string } }[] = [];
  const logger = pino(
    { level: "warn" },
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  let now = 0;
  const report = reportFailures(logger, "Redis unavailable", 10_000, () => now);
  for (let i = 0; i < 5; i++) report(new Error(`refusé ${i}`));
  now = 10_000;
  report(new Error("refusé encore"));
  expect(lines.map((l) => [l.msg, l.unsaid, l.err.message])).toEqual([
    ["Redis unavailable", 0, "refusé 0"],
    ["Redis unavailable", 4, "refusé encore"],
  ]);
});
