import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { authenticate } from "../../src/auth/tokens.ts";
import { useEventStore } from "../support/store.ts";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const fx = useEventStore();

const { DATABASE_URL: _database, REDIS_URL: _redis, ...bare } = process.env;
const cli = (env: Record<string, string>, ...args: string[]) =>
  run(process.execPath, ["--import", "tsx", "src/cli/token.ts", ...args], { cwd: root, env: { ...bare, ...env } });
const token = (...args: string[]) => cli({ DATABASE_URL: fx.database.url }, ...args);

async function registered(id: string): Promise<string> {
  await fx.store.append({
    streamId: `collectivity-${id}`,
    streamType: "collectivity",
    expectedVersion: 0,
    metadata: { actor: "test" },
    events: [
      {
        type: "CollectivityRegistered",
        data: { id, name: "Commune du terminal", kind: "COMMUNE", population: 1000, officialCode: null, financialPotentialPerCapita: null, regionCode: null },
      },
    ],
  });
  return id;
}

describe("npm run token, on a database", () => {
  it("prints a token that authenticates with the role, collectivity, subject and expiry asked for", async () => {
    const c = await registered("c-42");
    const { stdout } = await token("--role", "EDITOR", "--collectivity", c, "--subject", "Claire (DGS)", "--expires-in", "30d");
    const principal = await authenticate(fx.db, stdout.trim());
    expect(principal).toMatchObject({ role: "EDITOR", collectivityId: c, subject: "Claire (DGS)" });
    const days = (principal!.expiresAt!.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    const admin = await token("--role", "admin");
    expect((await authenticate(fx.db, admin.stdout.trim()))?.role).toBe("ADMIN");
  });

  it("lists tokens and revokes one, which then authenticates no more", async () => {
    const { stdout: secret } = await token("--role", "OBSERVER", "--subject", "tableau de bord");
    const principal = (await authenticate(fx.db, secret.trim()))!;
    const listed = (await token("--list")).stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split("\t"));
    expect(listed.find((cols) => cols[0] === principal.tokenId)).toEqual(expect.arrayContaining(["OBSERVER", "tableau de bord", "active"]));
    await token("--revoke", principal.tokenId, "--reason", "Écran retiré");
    expect(await authenticate(fx.db, secret.trim())).toBeNull();
    expect((await token("--list")).stdout).not.toContain(principal.tokenId);
    expect((await token("--list", "--all")).stdout).toContain(principal.tokenId);
  });

  it("refuses bad arguments with exit code 2 and says how to call it", async () => {
    for (const args of [
      ["--role", "KING"],
      ["--role", "EDITOR"],
      ["--role", "OBSERVER", "--collectivity", "c"],
      ["--role", "ADMIN", "--expires-in", "soon"],
    ]) {
      const failure = await token(...args).catch((error: { code: number; stderr: string }) => error);
      expect(failure).toMatchObject({ code: 2 });
      expect((failure as { stderr: string }).stderr).toMatch(/usage/);
    }
    const unknown = await token("--role", "EDITOR", "--collectivity", "nulle-part").catch((error: { code: number; stderr: string }) => error);
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringMatching(/NOT_FOUND/) });
  });
});

describe("npm run token, beside a running embedded server", () => {
  it("issues and revokes through that server, so that its tokens work there at once", async (ctx) => {
    if (fx.database.embedded) ctx.skip(); // the suite already runs on PGlite here: one embedded server at a time is enough
    const dataDir = mkdtempSync(join(tmpdir(), "pilotis-cli-"));
    const env = { PILOTIS_DATA_DIR: dataDir, PILOTIS_DEMO_DATA: "false", PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "error" };
    const server = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], { cwd: root, env: { ...bare, ...env }, stdio: "ignore" });
    try {
      const owner = join(dataDir, "embedded.json");
      const deadline = Date.now() + 60_000;
      while (!(existsSync(owner) && JSON.parse(readFileSync(owner, "utf8")).url)) {
        if (Date.now() > deadline) throw new Error("the embedded server did not start");
        await new Promise((r) => setTimeout(r, 200));
      }
      const url = JSON.parse(readFileSync(owner, "utf8")).url as string;
      const { stdout } = await cli(env, "--role", "OBSERVER", "--subject", "à côté du serveur");
      const me = async () =>
        (await (
          await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${stdout.trim()}` },
            body: JSON.stringify({ query: "{ me { id subject } }" }),
          })
        ).json()) as any;
      const answer = await me();
      expect(answer.data.me.subject).toBe("à côté du serveur");
      expect((await cli(env, "--list")).stdout).toContain("à côté du serveur");
      const refused = await run(process.execPath, ["--import", "tsx", "src/cli/rebuild.ts"], { cwd: root, env: { ...bare, ...env } }).catch(
        (error: { code: number; stderr: string }) => error,
      );
      expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/embedded database is open in process \d+ .*stop it first/) });
      await cli(env, "--revoke", answer.data.me.id);
      expect((await me()).data.me).toBeNull();
    } finally {
      server.kill("SIGTERM");
      await new Promise((r) => server.once("exit", r));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
