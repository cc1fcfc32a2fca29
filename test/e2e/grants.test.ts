import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.ts";
import { registerCommune } from "../support/network.ts";

// Who may give a person a role for signing in with OpenID Connect, and what
// withdrawing it does. (Signing in itself is tested in a browser against a
// real provider: test/browser/oidc.test.ts.)

let app: TestApp;
let mine: string;
let theirs: string;
beforeAll(async () => {
  app = await startTestApp();
  mine = await registerCommune(app.services.commands, "Privas", 8000);
  theirs = await registerCommune(app.services.commands, "Tournon-sur-Rhône", 10_000);
});
afterAll(async () => app?.close());

const GRANT = `mutation($input: GrantRoleInput!) { grantRole(input: $input) { email role collectivity { id } grantedBy reason revokedAt } }`;
const REVOKE = `mutation($input: RevokeRoleInput!) { revokeRole(input: $input) { email revokedAt } }`;
const LIST = `query($c: ID) { grants(collectivityId: $c) { email role } }`;

describe("granting a person a role by e-mail", () => {
  it("admins grant any role; addresses compare without case; a new grant replaces the old one", async () => {
    const granted = await app.ok(GRANT, {
      input: { email: " Chef.Projet@Privas.fr ", role: "EDITOR", collectivityId: mine, reason: "Chargée de mission innovation" },
    });
    expect(granted.grantRole).toEqual({
      email: "chef.projet@privas.fr",
      role: "EDITOR",
      collectivity: { id: mine },
      grantedBy: "test-admin",
      reason: "Chargée de mission innovation",
      revokedAt: null,
    });
    await app.ok(GRANT, { input: { email: "chef.projet@privas.fr", role: "OBSERVER" } });
    expect((await app.ok(LIST, {})).grants).toEqual([{ email: "chef.projet@privas.fr", role: "OBSERVER" }]);
    expect(await app.services.grants.signInGrant("CHEF.PROJET@privas.fr")).toEqual({
      role: "OBSERVER",
      collectivityId: null,
      subject: "chef.projet@privas.fr",
    });
  });

  it("an editor grants EDITOR on their own collectivity only, and lists its grants", async () => {
    const editor = await app.token("EDITOR", mine);
    await app.ok(GRANT, { input: { email: "dgs@privas.fr", role: "EDITOR", collectivityId: mine } }, editor);
    for (const input of [
      { email: "x@tournon.fr", role: "EDITOR", collectivityId: theirs },
      { email: "x@privas.fr", role: "ADMIN" },
      { email: "x@privas.fr", role: "OBSERVER" },
    ]) {
      const refused = await app.gql(GRANT, { input }, editor);
      expect(refused.errors?.[0]?.extensions?.code, JSON.stringify(input)).toBe("FORBIDDEN");
    }
    // An address an admin made ADMIN is not an editor's to take over.
    await app.ok(GRANT, { input: { email: "elu@privas.fr", role: "ADMIN" } });
    expect((await app.gql(GRANT, { input: { email: "elu@privas.fr", role: "EDITOR", collectivityId: mine } }, editor)).errors?.[0]?.extensions?.code).toBe(
      "FORBIDDEN",
    );
    expect((await app.ok(LIST, { c: mine }, editor)).grants).toEqual([{ email: "dgs@privas.fr", role: "EDITOR" }]);
    expect((await app.gql(LIST, {}, editor)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await app.gql(LIST, { c: theirs }, editor)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("refuses a malformed address, an EDITOR grant without collectivity and an unknown collectivity, writing nothing", async () => {
    for (const [input, code] of [
      [{ email: "pas-une-adresse", role: "OBSERVER" }, "BAD_USER_INPUT"],
      [{ email: "a@b.fr", role: "EDITOR" }, "BAD_USER_INPUT"],
      [{ email: "a@b.fr", role: "EDITOR", collectivityId: "inconnue" }, "NOT_FOUND"],
    ] as const) {
      expect((await app.gql(GRANT, { input })).errors?.[0]?.extensions?.code, JSON.stringify(input)).toBe(code);
    }
    expect(await app.services.grants.signInGrant("a@b.fr")).toBeNull();
  });

  it("withdrawing a grant ends the person's open sessions at once", async () => {
    await app.ok(GRANT, { input: { email: "stagiaire@privas.fr", role: "EDITOR", collectivityId: mine } });
    const base = app.url.replace(/\/graphql$/, "");
    const grant = (await app.services.grants.signInGrant("stagiaire@privas.fr"))!;
    const link = await fetch(`${base}/connexion?code=${app.services.signInCodes.create(grant)}`, { redirect: "manual" });
    const cookie = link.headers.get("set-cookie")!.split(";")[0]!;
    expect((await (await fetch(`${base}/session`, { headers: { cookie } })).json()).signedIn).toBe(true);
    const revoked = await app.ok(REVOKE, { input: { email: "stagiaire@privas.fr", reason: "fin de stage" } });
    expect(revoked.revokeRole.revokedAt).not.toBeNull();
    expect(await (await fetch(`${base}/session`, { headers: { cookie } })).json()).toEqual({ signedIn: false, oidc: false });
    expect(await app.services.grants.signInGrant("stagiaire@privas.fr")).toBeNull();
  });
});
