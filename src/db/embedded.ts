import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
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
 * starts from the migrated template (the installed one unless `template`
 * names another, see writeTemplate), or empty when `template` is null (the
 * migrator's own tests need one).
 */
export async function startEmbeddedPostgres(dataDir?: string, options: { template?: string | null } = {}): Promise<EmbeddedPostgres> {
  const fresh = !dataDir || !existsSync(join(dataDir, "PG_VERSION"));
  const template = fresh ? (options.template === undefined ? templatePath() : options.template) : null;
  const copied = template !== null && dataDir !== undefined && copyTemplate(template, dataDir);
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const { url, stop } = await serve(dataDir, template !== null && !copied ? await readTemplate(template) : undefined);
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
// install (`npm run pglite:template`, run by postinstall), where PGlite's
// own initialisation took 1.5 to 2.7 s and the migrations 1.2 s more on
// disk, the longest steps of a first start. On disk, the template is a data
// directory copied as files (0.1-0.3 s, then 0.9 s to open it); PGlite's
// loading of the same files from a tarball took 1.7-1.9 s in all. In memory
// (tests), the tarball. Keyed by PGlite's version (its on-disk format) and by
// the migrations it holds, so that a checkout with other migrations
// initialises as usual.

const require = createRequire(import.meta.url);

/** Where the template for the installed PGlite and these migrations lives, without extension: node_modules' cache, which each install rebuilds. */
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
  return join(root, "..", "..", ".cache", "pilotis", `pglite-${version}-${migrations}`);
}

async function readTemplate(template: string): Promise<Blob | undefined> {
  try {
    return new Blob([await readFile(`${template}.tar.gz`)]);
  } catch {
    return undefined;
  }
}

/**
 * Copies the template's data directory to `dataDir`, beside it first and
 * then renamed, so that a start interrupted mid-copy leaves no half a
 * cluster behind. False when there is none to copy (not installed, or being
 * replaced this very moment): the tarball serves instead.
 */
function copyTemplate(template: string, dataDir: string): boolean {
  const aside = `${dataDir}.${process.pid}.copy`;
  try {
    // Synchronous: 0.1-0.3 s, where fs/promises' cp took 0.7 s over the template's thousand files.
    cpSync(template, aside, { recursive: true });
    // Onto nothing, or onto an empty folder (rename(2) replaces one); a folder with files in it stays and fails this.
    renameSync(aside, dataDir);
    return true;
  } catch {
    rmSync(aside, { recursive: true, force: true });
    return false;
  }
}

/**
 * Initialises and migrates a database on disk, and keeps it at `path` (the
 * installed template unless told otherwise) as the template new ones start
 * from: its data directory, and beside it a tarball for databases in
 * memory. Each is written aside and then renamed, so that a start reading
 * the template meanwhile reads the old one or the new one whole (or, for
 * the instant the folder is swapped, none: the tarball serves then).
 */
export async function writeTemplate(path = templatePath()): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  const building = `${path}.${process.pid}.new`;
  await rm(building, { recursive: true, force: true });
  const embedded = await serve(building, undefined);
  try {
    await migrate(embedded.url);
    const dump = await embedded.db.dumpDataDir("gzip");
    const tarball = `${path}.tar.gz`;
    await writeFile(`${tarball}.${process.pid}`, Buffer.from(await dump.arrayBuffer()));
    await rename(`${tarball}.${process.pid}`, tarball);
  } finally {
    await embedded.stop();
  }
  const old = `${path}.${process.pid}.old`;
  await rename(path, old).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
  });
  await rename(building, path);
  await rm(old, { recursive: true, force: true });
  // Templates of other PGlite versions or migrations serve no start of this checkout: 45 MB each.
  const current = basename(path);
  for (const entry of await readdir(dirname(path))) {
    if (entry.startsWith("pglite-") && !entry.startsWith(current)) await rm(join(dirname(path), entry), { recursive: true, force: true });
  }
  return path;
}
