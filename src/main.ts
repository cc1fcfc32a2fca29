import { loadConfig } from "./config.ts";
import { openDatabaseSaying } from "./db/open.ts";
import { createLogger } from "./logger.ts";

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
// Said before the service's modules load (about 2 s): a first start never begins with silence.
logger.info("starting Pilotis");
// The database opens while the modules load: each takes a second or two at
// a first embedded start, and their waits (PGlite's files, tsx's loader
// thread) interleave on one event loop.
const opening = openDatabaseSaying(config, logger);
const { startPilotis } = await import("./runtime.ts");

const pilotis = await startPilotis(config, logger, opening);
logger.info({ url: pilotis.server.url, database: config.DATABASE_URL ? "external" : "embedded" }, "Pilotis is listening");

if (pilotis.adminToken) {
  const site = pilotis.server.url.replace(/\/graphql$/, "");
  const code = pilotis.services.signInCodes.create({ role: "ADMIN", subject: "admin (local)" });
  process.stdout.write(`
Pilotis is running at ${site}/ (the web app) and ${pilotis.server.url} (GraphiQL in a browser).
Sign in to the web app as the local admin with this one-time link: ${site}/connexion?code=${code}
Admin token: ${pilotis.adminToken}

Try:
  curl -s ${pilotis.server.url} \\
    -H 'content-type: application/json' \\
    -H 'authorization: Bearer ${pilotis.adminToken}' \\
    -d '{"query":"{ collectivities(first: 5) { totalCount edges { node { name kind matrices { title status scores { internal external } } } } } }"}'

`);
} else {
  process.stdout.write(
    `\nPilotis is running at ${pilotis.server.url}. No token is printed for an external database: create the first admin one with\n  npm run token -- --role ADMIN --subject you@example.fr\n\n`,
  );
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down");
  try {
    await pilotis.close();
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, "shutdown failed");
    process.exit(1);
  }
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
