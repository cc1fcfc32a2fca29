import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { authenticate } from "../../src/auth/tokens.ts";
import { useEventStore } from "../support/store.ts";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const fx = useEventStore();

const token = (...args: string[]) =>
  run(process.execPath, ["--import", "tsx", "src/cli/token.ts", ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: fx.database.url },
  });

it("`npm run token` prints a token that authenticates with the role and collectivity asked for", async () => {
  const { stdout } = await token("--role", "EDITOR", "--collectivity", "c-42", "--subject", "Claire (DGS)");
  const principal = await authenticate(fx.db, stdout.trim());
  expect(principal).toMatchObject({ role: "EDITOR", collectivityId: "c-42", subject: "Claire (DGS)" });
  const admin = await token("--role", "admin");
  expect((await authenticate(fx.db, admin.stdout.trim()))?.role).toBe("ADMIN");
});

it("refuses an unknown role and an EDITOR without a collectivity, with exit code 2", async () => {
  for (const args of [["--role", "KING"], ["--role", "EDITOR"], ["--role", "OBSERVER", "--collectivity", "c"]]) {
    const failure = await token(...args).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toMatch(/usage/);
  }
});
