import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.ts";
import { createTestDatabase } from "../support/database.ts";
import { REDIS_URL, redisAnswers } from "../support/redis.ts";
import { collect, wsClient } from "../support/ws.ts";

const redisUp = await redisAnswers();
if (!redisUp && process.env.CI === "true") throw new Error(`CI=true but Redis does not answer at ${REDIS_URL}`);
if (!redisUp) process.stderr.write(`\n!! Redis does not answer at ${REDIS_URL}: the shared rate-limit test is SKIPPED\n\n`);

const apps: TestApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0).reverse()) await app.close();
});
const start = async (env: Record<string, string>, database?: TestApp["database"]) => {
  const app = await startTestApp(env, database ? { database } : {});
  apps.push(app);
  return app;
};

const CATALOGUE = `{ catalogue { key } }`;
const anonymous = (app: TestApp, forwardedFor: string) =>
  fetch(app.url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
    body: JSON.stringify({ query: CATALOGUE }),
  }).then((r) => r.status);

describe("rate limits", () => {
  it("key anonymous callers on their socket address: X-Forwarded-For is believed only from a trusted proxy", async () => {
    const direct = await start({ PILOTIS_RATE_LIMIT_PER_MINUTE: "2" });
    expect([await anonymous(direct, "203.0.113.1"), await anonymous(direct, "203.0.113.2"), await anonymous(direct, "203.0.113.3")]).toEqual([200, 200, 429]);
    const proxied = await start({ PILOTIS_RATE_LIMIT_PER_MINUTE: "2", PILOTIS_TRUSTED_PROXIES: "127.0.0.1" });
    expect([await anonymous(proxied, "203.0.113.1"), await anonymous(proxied, "203.0.113.2"), await anonymous(proxied, "198.51.100.7, 203.0.113.3")]).toEqual([
      200, 200, 200,
    ]);
    expect([await anonymous(proxied, "203.0.113.1"), await anonymous(proxied, "203.0.113.1")]).toEqual([200, 429]);
  });

  it.skipIf(!redisUp)("with Redis, are shared by every API process and survive a restart", async () => {
    const database = await createTestDatabase();
    const env = { REDIS_URL, PILOTIS_QUEUE_PREFIX: `rate-${randomUUID()}`, PILOTIS_RATE_LIMIT_PER_MINUTE: "4" };
    try {
      const one = await start(env, database);
      const two = await start(env, database);
      const token = await one.token("OBSERVER");
      const status = async (app: TestApp) => (await app.gql(CATALOGUE, {}, token)).status;
      expect([await status(one), await status(two), await status(one)]).toEqual([200, 200, 200]);
      await apps
        .splice(0)
        .reverse()
        .reduce((p, app) => p.then(() => app.close()), Promise.resolve());
      const again = await start(env, database);
      expect([await status(again), await status(again)]).toEqual([200, 429]);
    } finally {
      for (const app of apps.splice(0).reverse()) await app.close();
      await database.drop();
    }
  });

  it("over WebSocket, a limited operation gets RATE_LIMITED and the socket stays open", async () => {
    const app = await start({ PILOTIS_RATE_LIMIT_PER_MINUTE: "3" });
    const client = wsClient(app.url, app.adminToken);
    const closed: number[] = [];
    client.on("closed", (event) => closed.push((event as { code: number }).code));
    // An open subscription keeps the (lazy) client's socket open between operations.
    const held = collect(client, `subscription { benchmarkUpdated { suppressed } }`, {});
    const ask = async () => {
      const op = collect(client, CATALOGUE, {});
      await op.waitFor(1, 5000);
      return op.received[0] ?? { errors: op.errors };
    };
    expect((await ask()).data.catalogue.length).toBeGreaterThan(0);
    expect((await ask()).data.catalogue.length).toBeGreaterThan(0);
    const limited = await ask();
    expect(JSON.stringify(limited)).toContain("RATE_LIMITED");
    expect(closed).toEqual([]);
    expect(held.errors).toEqual([]);
    held.dispose();
    await client.dispose();
  });
});
