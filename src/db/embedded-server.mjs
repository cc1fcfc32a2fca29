// PGlite and its socket server in a thread of their own (see embedded.ts):
// its start (WebAssembly compiled, the template unpacked: two seconds and
// more) runs on one core while the service's modules load on the other, and
// its queries never hold the API's event loop. Plain JavaScript: a worker
// thread of Node 20 does not load TypeScript through tsx.
import { readFile } from "node:fs/promises";
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { unaccent } from "@electric-sql/pglite/contrib/unaccent";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

/** @type {{ dataDir: string | undefined; templatePath: string | undefined }} */
const { dataDir, templatePath } = workerData;

/** The migrated template as PGlite loads it; none when it was not built (an install without scripts). */
async function template() {
  if (!templatePath) return undefined;
  try {
    return new Blob([await readFile(templatePath)]);
  } catch {
    return undefined;
  }
}

const loadDataDir = await template();
// The extensions the territory's search needs (migration territory_search creates them).
const db = await PGlite.create({ dataDir, extensions: { pg_trgm, unaccent }, ...(loadDataDir && { loadDataDir }) });
const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 4 });
await server.start();
parentPort.postMessage({ listening: server.getServerConn() });

parentPort.on("message", async (/** @type {"dump" | "stop"} */ message) => {
  if (message === "dump") {
    const dump = await db.dumpDataDir("gzip");
    parentPort.postMessage({ dump: new Uint8Array(await dump.arrayBuffer()) });
  } else if (message === "stop") {
    await server.stop();
    await db.close();
    parentPort.close();
  }
});
