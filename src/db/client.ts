import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.ts";

export type Db = PrismaClient;

export interface DbOptions {
  url: string;
  poolSize: number;
}

/**
 * Prisma through node-postgres. The app's own sessions may never sit idle in
 * a transaction for long: that would hold back the xmin horizon the global
 * log reader waits on.
 */
export function createDb({ url, poolSize }: DbOptions): Db {
  const adapter = new PrismaPg({
    connectionString: url,
    max: poolSize,
    idle_in_transaction_session_timeout: 10_000,
  });
  return new PrismaClient({ adapter });
}
