// An embedded first start as a new user makes it: `npm start` in an empty
// data folder, from the command until the admin token is printed (the API
// serves from then on; the demo network and the territory load after it).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

type Report = (name: string, value: string, target: string) => void;

const root = new URL("..", import.meta.url).pathname;

/** Seconds from `npm start` to its first log line and to the printed token. */
async function firstStart(): Promise<{ firstLine: number; token: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), "pilotis-first-start-"));
  const env: NodeJS.ProcessEnv = { ...process.env, PILOTIS_DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "info" };
  for (const name of ["DATABASE_URL", "REDIS_URL", "PILOTIS_MIGRATION_DATABASE_URL"]) delete env[name];
  const started = performance.now();
  // Its own process group: npm, the shell and node stop together.
  const child = spawn("npm", ["start"], { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    return await new Promise((resolve, reject) => {
      let firstLine = 0;
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (!firstLine && output.includes('"msg":"starting Pilotis"')) firstLine = (performance.now() - started) / 1000;
        if (output.includes("Admin token: ")) resolve({ firstLine, token: (performance.now() - started) / 1000 });
      });
      child.once("exit", (code) => reject(new Error(`npm start exited (${code}) before printing a token:\n${output}`)));
    });
  } finally {
    process.kill(-child.pid!, "SIGTERM");
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchFirstStart(report: Report): Promise<void> {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await firstStart());
  const tokens = runs.map((r) => r.token.toFixed(1)).join(", ");
  const lines = runs.map((r) => r.firstLine.toFixed(1)).join(", ");
  report("embedded first start, `npm start` → token, 3 runs (s)", tokens, "< 5 s (issue 9)");
  report("  → first log line (s)", lines, "");
}
