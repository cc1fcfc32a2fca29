import { join } from "node:path";
import type { Config } from "../config.ts";
import type { EmbeddedPostgres } from "./embedded.ts";

/** Where the database is: DATABASE_URL, or PGlite kept under PILOTIS_DATA_DIR (loaded only then). */
export async function openDatabase(config: Config): Promise<{ url: string; poolSize: number; embedded: EmbeddedPostgres | null }> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, poolSize: config.PILOTIS_DB_POOL_SIZE, embedded: null };
  const { startEmbeddedPostgres } = await import("./embedded.ts");
  const embedded = await startEmbeddedPostgres(join(config.PILOTIS_DATA_DIR, "pgdata"));
  return { url: embedded.url, poolSize: 1, embedded };
}
