import { createSchema, createYoga } from "graphql-yoga";
import { describe, expect, it } from "vitest";
import { maskContractError, useContractErrorCodes } from "../../src/graphql/plugins/contract-errors.ts";
import { useRateLimit } from "../../src/graphql/plugins/rate-limit.ts";
import { RateLimit } from "../../src/graphql/rate-limit.ts";
import { createLogger } from "../../src/logger.ts";

// A toy schema, served by yoga.fetch without a socket: each plugin alone, in milliseconds.
const schema = createSchema({
  typeDefs: "type Query { hello: String, broken: String }",
  resolvers: {
    Query: {
      hello: () => "bonjour",
      broken: () => {
        throw new Error("base indisponible: 10.0.0.7");
      },
    },
  },
});
const ask = (yoga: { fetch: (url: string, init: RequestInit) => Promise<Response> | Response }, query: string, headers: Record<string, string> = {}) =>
  Promise.resolve(
    yoga.fetch("http://yoga/graphql", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query }) }),
  );

describe("Yoga plugins", () => {
  it("contract error codes: a malformed request is BAD_USER_INPUT, graphql's own code kept as the reason; an internal error is masked", async () => {
    const yoga = createYoga({
      schema,
      logging: false,
      plugins: [useContractErrorCodes()],
      maskedErrors: { maskError: maskContractError(createLogger("silent")) },
    });
    const parse = (await (await ask(yoga, "{ hello ")).json()) as any;
    expect(parse.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "GRAPHQL_PARSE_FAILED" });
    const invalid = (await (await ask(yoga, "{ nope }")).json()) as any;
    expect(invalid.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "GRAPHQL_VALIDATION_FAILED" });
    const broken = (await (await ask(yoga, "{ broken }")).json()) as any;
    expect(broken.errors[0]).toMatchObject({ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } });
    expect(JSON.stringify(broken)).not.toContain("10.0.0.7");
  });

  it("rate limit: the request over the limit is answered 429 RATE_LIMITED, per caller", async () => {
    const rateLimit = await RateLimit.create({ perMinute: 2, keyPrefix: "test" });
    const yoga = createYoga({
      schema,
      logging: false,
      plugins: [useRateLimit({ rateLimit, callerOf: async (request) => request.headers.get("x-caller") ?? "nobody" })],
    });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await ask(yoga, "{ hello }", { "x-caller": "a" })).status);
    expect(statuses).toEqual([200, 200, 429]);
    const refused = await ask(yoga, "{ hello }", { "x-caller": "a" });
    expect(((await refused.json()) as any).errors[0].extensions.code).toBe("RATE_LIMITED");
    expect(refused.headers.get("retry-after")).toBe("60");
    expect((await ask(yoga, "{ hello }", { "x-caller": "b" })).status).toBe(200);
  });
});
