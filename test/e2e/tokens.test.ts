import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.ts";
import { subscribeSse } from "../support/sse.ts";
import { collect, wsClient } from "../support/ws.ts";

let app: TestApp;
let other: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  // A second API process on the same database, as a second replica would be.
  other = await startTestApp({}, { database: app.database });
});
afterAll(async () => {
  await other?.close();
  await app?.close();
});

const ISSUE = `mutation($input: IssueTokenInput!) { issueToken(input: $input) { token apiToken { id role subject expiresAt revokedAt collectivity { id } } } }`;
const REVOKE = `mutation($input: RevokeTokenInput!) { revokeToken(input: $input) { id revokedAt } }`;
const ME = `{ me { id role subject lastUsedAt } }`;

async function issue(input: Record<string, unknown>, token = app.adminToken) {
  const data = await app.ok(ISSUE, { input }, token);
  return { token: data.issueToken.token as string, id: data.issueToken.apiToken.id as string, apiToken: data.issueToken.apiToken };
}

async function collectivity() {
  const c = await app.ok(`mutation { registerCollectivity(input: { name: "Commune aux jetons", kind: COMMUNE, population: 900 }) { collectivity { id } } }`);
  return c.registerCollectivity.collectivity.id as string;
}

const code = (result: { errors?: { extensions?: Record<string, any> }[] }) => result.errors?.[0]?.extensions?.code;

/** Polls until `check` holds, failing after `ms`: bounds what a watcher needs a moment for. */
async function eventually(check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("tokens", () => {
  it("an admin issues a token, shown once; its holder reads itself with me, and its last use is recorded", async () => {
    const c = await collectivity();
    const editor = await issue({ role: "EDITOR", collectivityId: c, subject: "agente@commune.fr" });
    expect(editor.token).toMatch(/^pil_/);
    expect(editor.apiToken).toMatchObject({ role: "EDITOR", subject: "agente@commune.fr", expiresAt: null, revokedAt: null, collectivity: { id: c } });
    const me = (await app.ok(ME, {}, editor.token)).me;
    expect(me).toMatchObject({ id: editor.id, role: "EDITOR", subject: "agente@commune.fr" });
    await eventually(async () => (await app.ok(ME, {}, editor.token)).me.lastUsedAt !== null, 5000);
    expect((await app.ok(ME, {}, null)).me).toBeNull();
  });

  it("refuses bad requests with the field named, and writes nothing", async () => {
    const c = await collectivity();
    const observer = await issue({ role: "OBSERVER", subject: "observateur" });
    const count = async () => (await app.ok(`{ tokens(includeRevoked: true) { totalCount } }`)).tokens.totalCount;
    const before = await count();
    const refused = async (input: Record<string, unknown>, token = app.adminToken) => (await app.gql(ISSUE, { input }, token)).errors?.[0];
    expect(await refused({ role: "EDITOR", subject: "x" })).toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: "collectivityId" } });
    expect(await refused({ role: "ADMIN", collectivityId: c, subject: "x" })).toMatchObject({
      extensions: { code: "BAD_USER_INPUT", field: "collectivityId" },
    });
    expect(await refused({ role: "OBSERVER", subject: "x", expiresAt: new Date(Date.now() - 1000).toISOString() })).toMatchObject({
      extensions: { code: "BAD_USER_INPUT", field: "expiresAt" },
    });
    expect(await refused({ role: "OBSERVER", subject: "  " })).toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: "subject" } });
    expect(await refused({ role: "EDITOR", collectivityId: "inconnue", subject: "x" })).toMatchObject({ extensions: { code: "NOT_FOUND" } });
    expect(await refused({ role: "ADMIN", subject: "x" }, observer.token)).toMatchObject({ extensions: { code: "FORBIDDEN" } });
    expect(code(await app.gql(`{ tokens { totalCount } }`, {}, observer.token))).toBe("FORBIDDEN");
    expect(await count()).toBe(before);
  });

  it("a replayed commandId issues no second secret", async () => {
    await issue({ role: "OBSERVER", subject: "service-a", commandId: "jeton-1" });
    const again = await app.gql(ISSUE, { input: { role: "OBSERVER", subject: "service-a", commandId: "jeton-1" } });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "commandId" });
  });

  it("lists tokens page by page, the revoked ones only when asked", async () => {
    const issued = [];
    for (let i = 0; i < 3; i++) issued.push(await issue({ role: "OBSERVER", subject: `liste-${i}` }));
    await app.ok(REVOKE, { input: { tokenId: issued[1]!.id, reason: "Départ de l'agent" } });
    const all: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (
        await app.ok(
          `query($a: String) { tokens(first: 2, after: $a, includeRevoked: true) { edges { cursor node { id revokedAt } } pageInfo { hasNextPage endCursor } totalCount } }`,
          { a: after },
        )
      ).tokens;
      all.push(...page.edges.map((e: any) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(new Set(all).size).toBe(all.length);
    // Oldest first: the three just issued close the list, in their order.
    expect(all.slice(-3)).toEqual(issued.map((t) => t.id));
    const live = (await app.ok(`{ tokens(first: 100) { edges { node { id } } } }`)).tokens.edges.map((e: any) => e.node.id);
    expect(live).toContain(issued[0]!.id);
    expect(live).not.toContain(issued[1]!.id);
  });

  it("pages back from the newest with last and before, counts its queries, and refuses a cursor it did not issue", async () => {
    const issued = [];
    for (let i = 0; i < 4; i++) issued.push((await issue({ role: "OBSERVER", subject: `recul-${i}` })).id);
    const PAGE = `query($l: Int, $b: String) { tokens(last: $l, before: $b, includeRevoked: true) { edges { node { id } } pageInfo { hasPreviousPage startCursor } totalCount } }`;
    const ids = (page: any) => page.tokens.edges.map((e: any) => e.node.id);
    const { data: newest, count } = await app.checkouts(PAGE, { l: 2 });
    expect(ids(newest)).toEqual(issued.slice(2));
    expect(newest.tokens.pageInfo.hasPreviousPage).toBe(true);
    // The page and its count; the caller's token comes from the process's cache.
    expect(count).toBeLessThanOrEqual(2);
    const before = await app.ok(PAGE, { l: 2, b: newest.tokens.pageInfo.startCursor });
    expect(ids(before)).toEqual(issued.slice(0, 2));
    expect(before.tokens.totalCount).toBe(newest.tokens.totalCount);

    const forged = await app.gql(`{ tokens(after: "${issued[0]}") { edges { cursor } } }`);
    expect(forged.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT" });
    const cursor = newest.tokens.pageInfo.startCursor;
    const both = await app.gql(`{ tokens(after: "${cursor}", before: "${cursor}") { edges { cursor } } }`);
    expect(both.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT" });
    const huge = await app.gql(`{ tokens(first: 101) { edges { cursor } } }`);
    expect(huge.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "first" });
  });

  it("revoking takes effect at once here, in another API process within its poll, and only an admin or the holder may", async () => {
    const victim = await issue({ role: "OBSERVER", subject: "à révoquer" });
    const bystander = await issue({ role: "OBSERVER", subject: "témoin" });
    expect((await other.ok(ME, {}, victim.token)).me.id).toBe(victim.id); // cached by the other process
    const denied = await app.gql(REVOKE, { input: { tokenId: victim.id } }, bystander.token);
    expect(code(denied)).toBe("NOT_FOUND");
    const revoked = await app.ok(REVOKE, { input: { tokenId: victim.id, reason: "Fuite" } }, victim.token);
    expect(revoked.revokeToken.revokedAt).not.toBeNull();
    expect(code(await app.gql(`{ collectivities { totalCount } }`, {}, victim.token))).toBe("UNAUTHENTICATED");
    // Well within the other process's 10 s cache: the revocation reached it.
    await eventually(async () => code(await other.gql(`{ collectivities { totalCount } }`, {}, victim.token)) === "UNAUTHENTICATED", 5000);
    expect((await other.ok(ME, {}, bystander.token)).me.id).toBe(bystander.id);
  });

  it("revocation ends the token's open subscriptions, over SSE and WebSocket, in every process", async () => {
    const c = await collectivity();
    const holder = await issue({ role: "OBSERVER", subject: "abonné" });
    const query = `subscription($c: ID!) { collectivityEvents(collectivityId: $c) { type } }`;
    const sse = await subscribeSse(other.url, holder.token, query, { c });
    const client = wsClient(app.url, holder.token);
    const ws = collect(client, query, { c });
    await new Promise((r) => setTimeout(r, 300));
    await app.ok(REVOKE, { input: { tokenId: holder.id } });
    const last = await sse.next(10_000);
    expect(last.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    await sse.ended;
    await ws.waitFor(1, 10_000);
    expect(ws.received[0]?.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    ws.dispose();
    await client.dispose();
  });

  it("an expired token is refused and its subscriptions end", async () => {
    const c = await collectivity();
    const brief = await issue({ role: "OBSERVER", subject: "éphémère", expiresAt: new Date(Date.now() + 3000).toISOString() });
    const sse = await subscribeSse(app.url, brief.token, `subscription($c: ID!) { collectivityEvents(collectivityId: $c) { type } }`, { c });
    const last = await sse.next(10_000);
    expect(last.errors?.[0]?.message).toMatch(/expired/);
    expect(code(await app.gql(`{ collectivities { totalCount } }`, {}, brief.token))).toBe("UNAUTHENTICATED");
  });
});
