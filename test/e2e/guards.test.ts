import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.ts";

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

it("answers RATE_LIMITED with 429 once a token has used its requests", async () => {
  app = await startTestApp({ PILOTIS_RATE_LIMIT_PER_MINUTE: "3" });
  const codes: (string | undefined)[] = [];
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) {
    const result = await app.gql(`{ collectivities { totalCount } }`);
    codes.push(result.errors?.[0]?.extensions?.code);
    statuses.push(result.status);
  }
  expect(codes).toEqual([undefined, undefined, undefined, "RATE_LIMITED"]);
  expect(statuses.at(-1)).toBe(429);
  const other = await app.token("OBSERVER");
  expect((await app.gql(`{ collectivities { totalCount } }`, {}, other)).errors).toBeUndefined();
});

it("masks an internal error, and logs it with the request id the client gets", async () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  app = await startTestApp({}, { logger: pino({ level: "error" }, sink) });
  await app.services.db.$executeRawUnsafe("ALTER TABLE matrix_views RENAME TO views_elsewhere");
  const res = await fetch(app.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${app.adminToken}`, "x-request-id": "req-test-42" },
    body: JSON.stringify({ query: `{ matrix(id: "m") { id } }` }),
  });
  const body = (await res.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
  expect(res.headers.get("x-request-id")).toBe("req-test-42");
  expect(body.errors[0]).toMatchObject({ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR", requestId: "req-test-42" } });
  expect(JSON.stringify(body)).not.toMatch(/matrix_views|relation/);
  const logged = lines.find((l) => l.msg === "internal error");
  expect(logged).toMatchObject({ requestId: "req-test-42" });
  expect(JSON.stringify(logged)).toMatch(/matrix_views/);
  await app.services.db.$executeRawUnsafe("ALTER TABLE views_elsewhere RENAME TO matrix_views");
});

it("refuses a query over the cost limit before running it", async () => {
  app = await startTestApp({ PILOTIS_MAX_COST: "20" });
  const cheap = await app.gql(`{ catalogue(kind: FACTOR) { key } }`);
  expect(cheap.errors).toBeUndefined();
  const costly = await app.gql(
    `{ collectivities { edges { node { id name kind population matrices { id title status version factors { id label weight rating } } } } } }`,
  );
  expect(costly.errors?.[0]?.message).toMatch(/cost/i);
  expect(costly.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  expect(costly.data ?? null).toBeNull();
});

it("CORS: another origin is not allowed to read answers by default, only the origins configured", async () => {
  const ask = (url: string, origin: string, method = "POST") =>
    fetch(url, {
      method,
      headers: { origin, "content-type": "application/json", ...(method === "OPTIONS" ? { "access-control-request-method": "POST" } : {}) },
      body: method === "POST" ? JSON.stringify({ query: "{ catalogue { key } }" }) : undefined,
    });
  app = await startTestApp();
  for (const method of ["POST", "OPTIONS"]) {
    const res = await ask(app.url, "http://elsewhere.example", method);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
  }
  await app.close();
  app = await startTestApp({ PILOTIS_CORS_ORIGINS: "http://mairie.example, http://intranet.example" });
  const allowed = await ask(app.url, "http://intranet.example");
  expect(allowed.headers.get("access-control-allow-origin")).toBe("http://intranet.example");
  expect(allowed.headers.get("access-control-allow-credentials")).toBe("true");
  const other = await ask(app.url, "http://elsewhere.example");
  expect(other.headers.get("access-control-allow-origin")).not.toBe("http://elsewhere.example");
});
