import type pg from "pg";
import type { Services } from "../../src/app/services.ts";
import { wireApplication } from "../../src/app/wiring.ts";
import type { Role } from "../../src/auth/principal.ts";
import { issueToken } from "../../src/auth/tokens.ts";
import { type Config, loadConfig, releasePolicy } from "../../src/config.ts";
import { createDatabase } from "../../src/db/client.ts";
import { requestIds } from "../../src/graphql/request-ids.ts";
import { createLogger, type Logger } from "../../src/logger.ts";
import { refreshAllGroups } from "../../src/projections/benchmark-groups.ts";
import { type RunningServer, startServer } from "../../src/server.ts";
import { createTestDatabase, type TestDatabase } from "./database.ts";
import { waitForProjections } from "./projections.ts";

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
}

export interface TestApp {
  url: string;
  services: Services;
  database: TestDatabase;
  /** The app's own connection pool: its "acquire" events count the database work a request causes. */
  pool: pg.Pool;
  adminToken: string;
  token(role: Role, collectivityId?: string): Promise<string>;
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<GraphQLResponse<T>>;
  /** Runs a mutation that must succeed and returns its data. */
  ok<T = any>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<T>;
  /**
   * Runs a query that must succeed three times and counts the pool checkouts
   * made while serving it (those in its request's async context: releases
   * every second and other background work are not its cost); the fewest
   * of the three, since a token's last use is written at most once a while.
   */
  checkouts<T = any>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<{ data: T; count: number }>;
  eventCount(): Promise<number>;
  /** Waits until every projection has applied everything readable in the log. */
  caughtUp(): Promise<void>;
  /** Catches up, waits for the next release window (tests run with one-second windows) and releases every benchmark unit due. */
  release(): Promise<void>;
  close(): Promise<void>;
}

/** The real server over HTTP on a loopback port, on its own database. */
export interface TestAppOptions {
  logger?: Logger;
  /** Share a database with other apps (several API processes); it is then not dropped on close. */
  database?: TestDatabase;
}

export async function startTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const logger = options.logger ?? createLogger("silent");
  const database = options.database ?? (await createTestDatabase());
  // Benchmark groups are refreshed without debounce, so that a test reads them right after its writes.
  // Releases every second, so that a test sees a publication in the figures without waiting for a quarter.
  const config: Config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    PILOTIS_BENCHMARK_DEBOUNCE_MS: "0",
    PILOTIS_BENCHMARK_RELEASE_SECONDS: "1",
    ...env,
  });
  const connection = createDatabase({ url: database.url, poolSize: database.poolSize });
  const db = connection.prisma;
  const { projections, services } = await wireApplication(connection, config, logger);
  const caughtUp = () => waitForProjections(connection.pool);
  const server: RunningServer = await startServer(services, config, logger);
  const adminToken = (await issueToken(db, { role: "ADMIN", subject: "test-admin" })).token;

  const checkoutsByRequest = countCheckoutsByRequest(connection.pool);

  const gql = async <T>(query: string, variables: Record<string, unknown> = {}, token: string | null = adminToken, requestId?: string) => {
    const res = await fetch(server.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(requestId ? { "x-request-id": requestId } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as GraphQLResponse<T>;
    // As a client would with minPosition: what a test reads next reflects its writes.
    if (/^\s*mutation\b/.test(query) && !body.errors) await caughtUp();
    return { ...body, status: res.status };
  };

  const ok = async (query: string, variables?: Record<string, unknown>, token?: string | null, requestId?: string) => {
    const result = await gql(query, variables, token, requestId);
    if (result.errors) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
    return result.data as never;
  };

  return {
    url: server.url,
    services,
    database,
    pool: connection.pool,
    adminToken,
    token: async (role, collectivityId) =>
      (await issueToken(db, { role, collectivityId: collectivityId ?? null, subject: `${role.toLowerCase()}-test` })).token,
    gql,
    ok,
    async checkouts(query, variables, token) {
      let data: never;
      let fewest = Number.POSITIVE_INFINITY;
      for (let run = 0; run < 3; run++) {
        const requestId = `checkouts-${crypto.randomUUID()}`;
        checkoutsByRequest.set(requestId, 0);
        try {
          data = await ok(query, variables, token, requestId);
          fewest = Math.min(fewest, checkoutsByRequest.get(requestId)!);
        } finally {
          checkoutsByRequest.delete(requestId);
        }
      }
      // Every query measured reads the database: none counted means the request's context was lost on the way.
      if (fewest === 0) throw new Error("no checkout counted for the request: its async context did not reach the pool");
      return { data: data!, count: fewest };
    },
    caughtUp,
    async release() {
      await caughtUp();
      const period = config.PILOTIS_BENCHMARK_RELEASE_SECONDS * 1000;
      await new Promise((resolve) => setTimeout(resolve, period - (Date.now() % period) + 5));
      await refreshAllGroups(connection.pool, releasePolicy(config));
    },
    async eventCount() {
      const rows = await db.$queryRawUnsafe<{ n: number }[]>("SELECT count(*)::int AS n FROM events");
      return rows[0]!.n;
    },
    async close() {
      await server.close();
      await projections.stop();
      await services.flush();
      await connection.close();
      if (!options.database) await database.drop();
    },
  };
}

/**
 * Counts the pool's checkouts by the request being served when each was
 * asked for, for the request ids present in the map returned. Counted at
 * `connect` (which `pool.query` goes through too) rather than at the
 * "acquire" event: a checkout that waits for a free client is acquired in
 * the async context of whoever released that client.
 */
function countCheckoutsByRequest(pool: pg.Pool): Map<string, number> {
  const counts = new Map<string, number>();
  const connect = pool.connect.bind(pool);
  pool.connect = ((...args: Parameters<pg.Pool["connect"]>) => {
    const id = requestIds.getStore();
    const count = id === undefined ? undefined : counts.get(id);
    if (count !== undefined) counts.set(id!, count + 1);
    return (connect as (...a: unknown[]) => unknown)(...args);
  }) as pg.Pool["connect"];
  return counts;
}
