import { parseArgs } from "node:util";
import { issueToken } from "../auth/tokens.ts";
import type { Role } from "../auth/principal.ts";
import { loadConfig } from "../config.ts";
import { createDatabase } from "../db/client.ts";
import { migrate } from "../db/migrator.ts";
import { openDatabase } from "../db/open.ts";

const USAGE = "usage: npm run token -- --role ADMIN|EDITOR|OBSERVER [--collectivity ID] [--subject NAME]";

const { values } = parseArgs({
  options: { role: { type: "string" }, collectivity: { type: "string" }, subject: { type: "string" } },
});
const role = values.role?.toUpperCase();
if (role !== "ADMIN" && role !== "EDITOR" && role !== "OBSERVER") {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
if ((role === "EDITOR") !== Boolean(values.collectivity)) {
  process.stderr.write(`an EDITOR token needs --collectivity ID, and only an EDITOR token takes one\n${USAGE}\n`);
  process.exit(2);
}

const config = loadConfig();
const database = await openDatabase(config);
const connection = createDatabase({ url: database.url, poolSize: 1 });
const db = connection.prisma;
try {
  await migrate(database.url);
  const { token, principal } = await issueToken(db, {
    role: role as Role,
    collectivityId: values.collectivity ?? null,
    subject: values.subject ?? null,
  });
  process.stderr.write(`${principal.role} token for ${principal.subject}${principal.collectivityId ? ` (collectivity ${principal.collectivityId})` : ""}:\n`);
  process.stdout.write(`${token}\n`);
} finally {
  await connection.close();
  await database.embedded?.stop();
}
