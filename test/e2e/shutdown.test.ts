import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { issueToken } from "../../src/auth/tokens.ts";
import { createDatabase } from "../../src/db/client.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

let database: TestDatabase;
let token: string;
beforeAll(async () => {
  database = await createTestDatabase();
  const connection = createDatabase({ url: database.url, poolSize: 1 });
  token = (await issueToken(connection.prisma, { role: "ADMIN", subject: "test-admin" })).token;
  await connection.close();
});
afterAll(async () => database.drop());

it("on SIGTERM, stops taking requests, finishes the one in flight, and exits 0", async () => {
  const root = fileURLToPath(new URL("../..", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      PILOTIS_DB_POOL_SIZE: String(database.poolSize),
      PORT: "0",
      HOST: "127.0.0.1",
      PILOTIS_DEMO_DATA: "false",
      PILOTIS_STALE_TIMEOUT_MS: "1500",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk;
      const url = /"url":"([^"]+)"/.exec(output)?.[1];
      if (url && output.includes("npm run token")) resolve(url);
    });
    child.once("exit", (code) => reject(new Error(`exited ${code} before listening: ${output}`)));
  });
  const url = await listening;
  // An external database: no secret in what the service prints.
  expect(output).not.toMatch(/pil_/);

  // A read that waits for a position nobody will write: in flight for 1.5 s.
  const inFlight = fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: `{ matrix(id: "m", minPosition: "7fffffffffffffff-0000000000000001") { id } }` }),
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  child.kill("SIGTERM");
  const res = await inFlight;
  const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
  expect(body.errors?.[0]?.extensions?.code).toBe("STALE");
  const [code] = await once(child, "exit");
  expect(code).toBe(0);
  await expect(fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).rejects.toThrow();
});
