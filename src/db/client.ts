import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client.ts";

export type Db = PrismaClient;

export interface DbOptions {
  url: string;
  poolSize: number;
  /** Shown in pg_stat_activity: which part of Pilotis holds a session. */
  applicationName?: string;
  /** An idle connection's failure (the pool replaces it): for the log. */
  onError?: (error: unknown) => void;
}

/**
 * One node-postgres pool, shared: Prisma runs over it through its driver
 * adapter, and the event store sends its hand-written SQL to it directly,
 * since going through Prisma's raw-query path cost the append about two
 * thirds of its throughput (see the README's benchmark).
 */
export interface Database {
  prisma: Db;
  pool: pg.Pool;
  close(): Promise<void>;
}

/**
 * The pool alone, for processes that need no Prisma (the projection worker,
 * rebuilds): Prisma's query compiler is a sizeable WebAssembly module.
 */
export function createPool({ url, poolSize, applicationName = "pilotis", onError = () => undefined }: DbOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    application_name: applicationName,
    // The app's own sessions may never sit idle in a transaction for long:
    // one that appended would hold back every reader of the log.
    idle_in_transaction_session_timeout: 10_000,
    // A new connection starts with no prepared statements on PostgreSQL; on
    // embedded PGlite every connection shares one backend, which still holds
    // those of the connection this one replaces.
    onConnect: async (client: pg.ClientBase) => {
      await client.query("DEALLOCATE ALL");
    },
  });
  pool.on("error", onError);
  return pool;
}

export function createDatabase(options: DbOptions): Database {
  const pool = createPool(options);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    pool,
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}
