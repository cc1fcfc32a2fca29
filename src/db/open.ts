import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { EmbeddedPostgres } from "./embedded.ts";

/**
 * PGlite is a database inside one process: two processes opening one data
 * folder each write their own view of it, and what one writes is lost to
 * the other. So the process that opens it records itself in this file, and
 * any other process finds it there (with the API's address, once serving).
 */
export interface EmbeddedOwner {
  pid: number;
  /** The GraphQL endpoint of the process holding the folder, once it serves. */
  url?: string;
}

export class EmbeddedInUseError extends Error {
  constructor(readonly owner: EmbeddedOwner) {
    super(`the embedded database is open in process ${owner.pid}${owner.url ? ` (serving ${owner.url})` : ", which is still starting"}`);
  }
}

const ownerFile = (config: Config) => join(config.PILOTIS_DATA_DIR, "embedded.json");

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** The live process holding the embedded data folder, if another one does. */
export function embeddedOwner(config: Config): EmbeddedOwner | null {
  const file = ownerFile(config);
  if (!existsSync(file)) return null;
  const owner = JSON.parse(readFileSync(file, "utf8")) as EmbeddedOwner;
  return owner.pid !== process.pid && alive(owner.pid) ? owner : null;
}

/** Records this process as the folder's owner; created exclusively, so two processes starting at once cannot both succeed. */
function claimEmbedded(config: Config): void {
  mkdirSync(config.PILOTIS_DATA_DIR, { recursive: true });
  const claim = () => writeFileSync(ownerFile(config), JSON.stringify({ pid: process.pid } satisfies EmbeddedOwner), { flag: "wx" });
  try {
    claim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const owner = embeddedOwner(config);
    if (owner) throw new EmbeddedInUseError(owner);
    rmSync(ownerFile(config), { force: true }); // left by a process that died
    claim();
  }
}

/** openDatabase for a command-line tool: another process holding the embedded folder ends it with a clear word, not a stack. */
export async function openDatabaseForCli(config: Config): ReturnType<typeof openDatabase> {
  try {
    return await openDatabase(config);
  } catch (error) {
    if (!(error instanceof EmbeddedInUseError)) throw error;
    process.stderr.write(`${error.message}: stop it first, or point DATABASE_URL at a PostgreSQL server\n`);
    process.exit(1);
  }
}

/** Tells other processes where this one serves the API over its embedded database. */
export function announceEmbeddedUrl(config: Config, url: string): void {
  writeFileSync(ownerFile(config), JSON.stringify({ pid: process.pid, url } satisfies EmbeddedOwner));
}

export interface OpenedDatabase {
  url: string;
  poolSize: number;
  embedded: EmbeddedPostgres | null;
}

/**
 * Where the database is: DATABASE_URL, or PGlite kept under PILOTIS_DATA_DIR
 * (loaded only then). Throws EmbeddedInUseError when another live process
 * holds that folder.
 */
export async function openDatabase(config: Config): Promise<OpenedDatabase> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, poolSize: config.PILOTIS_DB_POOL_SIZE, embedded: null };
  claimEmbedded(config);
  const { startEmbeddedPostgres } = await import("./embedded.ts");
  const embedded = await startEmbeddedPostgres(join(config.PILOTIS_DATA_DIR, "pgdata")).catch((error) => {
    rmSync(ownerFile(config), { force: true });
    throw error;
  });
  return {
    url: embedded.url,
    poolSize: 1,
    embedded: {
      url: embedded.url,
      async stop() {
        await embedded.stop();
        rmSync(ownerFile(config), { force: true });
      },
    },
  };
}

/** openDatabase, said in the log first: on the embedded database it takes a second or two. */
export function openDatabaseSaying(config: Config, logger: Logger): Promise<OpenedDatabase> {
  logger.info(config.DATABASE_URL ? "connecting to the database" : `opening the embedded database in ${config.PILOTIS_DATA_DIR}`);
  return openDatabase(config);
}
