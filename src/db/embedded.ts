import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { unaccent } from "@electric-sql/pglite/contrib/unaccent";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { listMigrations, migrate } from "./migrator.ts";

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * Serves PGlite (PostgreSQL compiled to WebAssembly) on a loopback socket, so
 * node-postgres, Prisma and the migrator talk to it like to any server.
 * PGlite is a single backend: callers must use a pool of one, so that only
 * one session ever sends queries. The server still accepts a few sockets,
 * because a pool replacing a connection opens the new one before the old
 * one's socket is gone, and PGlite's default limit of one refused it.
 * `dataDir` undefined keeps everything in memory (tests). A new cluster
 * starts from the migrated template unless `fromTemplate` is false (the
 * migrator's own tests need one that is empty).
 */
export async function startEmbeddedPostgres(dataDir?: string, options: { fromTemplate?: boolean } = {}): Promise<EmbeddedPostgres> {
  const fresh = !dataDir || !existsSync(join(dataDir, "PG_VERSION"));
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const { url, stop } = await serve(dataDir, fresh && options.fromTemplate !== false ? await readTemplate() : undefined);
  return { url, stop };
}

async function serve(dataDir: string | undefined, loadDataDir: Blob | undefined) {
  // The extensions the territory's search needs (migration territory_search creates them).
  const db = await PGlite.create({ dataDir, extensions: { pg_trgm, unaccent }, ...(loadDataDir && { loadDataDir }) });
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 4 });
  await server.start();
  return {
    db,
    url: `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

// A new database starts from a copy of one initialised and migrated at
// install (`npm run pglite:template`, run by postinstall): loading it takes
// about 0.6 s, where PGlite's own initialisation took 1.5 to 2.7 s and the
// migrations 1.2 s more on disk, the longest steps of a first start. Keyed by
// PGlite's version (its on-disk format) and by the migrations it holds, so
// that a checkout with other migrations initialises as usual.

const require = createRequire(import.meta.url);

/** Where the template for the installed PGlite and these migrations lives: node_modules' cache, which each install rebuilds. */
export function templatePath(): string {
  // dist/index.cjs: the package's own folder is two levels up (its exports do not include package.json).
  const root = dirname(dirname(require.resolve("@electric-sql/pglite")));
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
  const migrations = createHash("sha256")
    .update(
      listMigrations()
        .map((m) => `${m.name}:${m.checksum}`)
        .join("\n"),
    )
    .digest("hex")
    .slice(0, 16);
  return join(root, "..", "..", ".cache", "pilotis", `pglite-${version}-${migrations}.tar.gz`);
}

async function readTemplate(): Promise<Blob | undefined> {
  try {
    return new Blob([await readFile(templatePath())]);
  } catch {
    return undefined;
  }
}

/** Initialises and migrates a database, and keeps it as the template new ones start from. */
export async function writeTemplate(): Promise<string> {
  const embedded = await serve(undefined, undefined);
  try {
    await migrate(embedded.url);
    const dump = await embedded.db.dumpDataDir("gzip");
    const path = templatePath();
    await mkdir(dirname(path), { recursive: true });
    // Written aside, then renamed: a start reading the template meanwhile reads the old one or the new one whole.
    const written = `${path}.${process.pid}`;
    await writeFile(written, Buffer.from(await dump.arrayBuffer()));
    await rename(written, path);
    return path;
  } finally {
    await embedded.stop();
  }
}
