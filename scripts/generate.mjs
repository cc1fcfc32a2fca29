// Runs `prisma generate` on machines without network access. Prisma looks for
// its native schema engine before generating and tries to download it, although
// generate never runs it; pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing
// file skips the download. Only set when unset, so machines with network keep
// Prisma's normal behaviour.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = fileURLToPath(import.meta.url);
}
const result = spawnSync("npx", ["prisma", "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
