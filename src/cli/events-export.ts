// `npm run events:export -- --out FILE`: the whole event log into a gzip'd,
// checksummed archive (src/eventstore/archive.ts), while the service runs.
import { parseArgs } from "node:util";
import { loadConfig } from "../config.ts";
import { createPool } from "../db/client.ts";
import { openDatabaseForCli } from "../db/open.ts";
import { exportEvents } from "../eventstore/archive.ts";

const { values } = parseArgs({ options: { out: { type: "string" } } });
if (!values.out) {
  process.stderr.write("usage: npm run events:export -- --out FILE\n");
  process.exit(2);
}
const database = await openDatabaseForCli(loadConfig());
const pool = createPool({ url: database.url, poolSize: 1, applicationName: "pilotis-export" });
try {
  const started = performance.now();
  const { count, sha256 } = await exportEvents(pool, values.out);
  process.stdout.write(
    `${count} events written to ${values.out} in ${((performance.now() - started) / 1000).toFixed(1)} s (sha256 of the events: ${sha256})\n`,
  );
} finally {
  await pool.end();
  await database.embedded?.stop();
}
