// `npm run pglite:template` (run by postinstall): initialises an embedded
// PGlite data directory once and keeps it, so that a first start loads it
// instead of initialising a database (see src/db/embedded.ts).
import { writeTemplate } from "../db/embedded.ts";

const started = performance.now();
const path = await writeTemplate();
process.stdout.write(`PGlite template written to ${path} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
