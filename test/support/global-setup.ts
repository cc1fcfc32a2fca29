import { ADMIN_URL, postgresAnswers } from "./database.ts";

export default async function setup(): Promise<void> {
  if (await postgresAnswers()) return;
  if (process.env.CI === "true") throw new Error(`CI=true but PostgreSQL does not answer at ${ADMIN_URL}`);
  process.stderr.write(
    `\n${"!".repeat(78)}\n!! PostgreSQL does not answer at ${ADMIN_URL}:\n!! the storage tests run on embedded PGlite, one backend: the few tests that need\n!! several sessions at once (late commits, concurrent migrators) are skipped.\n${"!".repeat(78)}\n\n`,
  );
}
