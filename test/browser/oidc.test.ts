import type { Server } from "node:http";
import Provider from "oidc-provider";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.ts";
import { chromiumInstalled, launchChromium } from "../support/browser.ts";
import { registerCommune } from "../support/network.ts";
import { freePort } from "../support/redis.ts";

// Signing in with OpenID Connect against a real provider (oidc-provider, a
// certified implementation) started here, with its development login form:
// the whole authorization code flow with PKCE, in Chromium.

let app: TestApp;
let browser: Browser;
let provider: Server;
let origin: string;

describe.skipIf(!chromiumInstalled)("signing in with OpenID Connect", () => {
  let collectivityId: string;

  beforeAll(async () => {
    const [appPort, providerPort] = [await freePort(), await freePort()];
    origin = `http://127.0.0.1:${appPort}`;
    const issuer = `http://127.0.0.1:${providerPort}`;
    const oidc = new Provider(issuer, {
      clients: [
        {
          client_id: "pilotis",
          client_secret: "un-secret-de-test",
          redirect_uris: [`${origin}/connexion/oidc/retour`],
          grant_types: ["authorization_code"],
          response_types: ["code"],
          token_endpoint_auth_method: "client_secret_post",
        },
      ],
      // Whoever types a login at the development form is that address, verified.
      findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id, email: id, email_verified: true }) }),
      claims: { email: ["email", "email_verified"] },
      pkce: { required: () => true },
      features: { devInteractions: { enabled: true } },
      cookies: { keys: ["cle-de-test"] },
    });
    provider = oidc.listen(providerPort, "127.0.0.1");
    app = await startTestApp({
      PORT: String(appPort),
      PILOTIS_OIDC_ISSUER: issuer,
      PILOTIS_OIDC_CLIENT_ID: "pilotis",
      PILOTIS_OIDC_CLIENT_SECRET: "un-secret-de-test",
    });
    collectivityId = await registerCommune(app.services.commands, "Annonay", 16_000);
    await app.services.grants.grant((await app.services.authenticator.authenticate(app.adminToken))!, {
      email: "marie.dupont@annonay.fr",
      role: "EDITOR",
      collectivityId,
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await new Promise((resolve) => provider?.close(resolve));
  });

  /** From Pilotis' sign-in page through the provider's login and consent, back to Pilotis. */
  async function signInAs(email: string) {
    const context = await browser.newContext({ locale: "fr-FR" });
    const page = await context.newPage();
    await page.goto(`${origin}/connexion`);
    await page.getByRole("link", { name: "Se connecter avec ProConnect" }).click();
    await page.locator("input[name=login]").fill(email);
    await page.locator("input[name=password]").fill("peu importe");
    await page.locator("button[type=submit]").click();
    // The provider asks once to share the address with Pilotis.
    await page.locator("button[type=submit]").click();
    await page.waitForURL((url) => url.origin === origin);
    return { page, context };
  }

  it("a person with a grant comes back signed in, under their address, with the grant's role", async () => {
    const { page, context } = await signInAs("Marie.Dupont@annonay.fr");
    await expect.poll(() => page.getByText("Connecté : marie.dupont@annonay.fr").count()).toBe(1);
    const cookies = await context.cookies(origin);
    const session = cookies.find((c) => c.name === "pilotis_session")!;
    expect(session.httpOnly).toBe(true);
    expect(session.sameSite).toBe("Lax");
    // The flow's own cookie is gone once used.
    expect(cookies.find((c) => c.name === "pilotis_oidc")).toBeUndefined();
    const who = await page.evaluate(async () => (await fetch("/session")).json());
    expect(who).toMatchObject({ signedIn: true, role: "EDITOR", collectivityId, subject: "marie.dupont@annonay.fr" });
    await context.close();
  });

  it("a person without a grant is told, in French, whom to ask", async () => {
    const { page, context } = await signInAs("inconnu@ailleurs.fr");
    expect(await page.locator("body").textContent()).toContain("Aucun accès n'est ouvert à Pilotis pour l'adresse inconnu@ailleurs.fr");
    expect((await context.cookies(origin)).find((c) => c.name === "pilotis_session")).toBeUndefined();
    await context.close();
  });

  it("a return without the flow's cookie (a forged or replayed redirect) is refused", async () => {
    const response = await fetch(`${origin}/connexion/oidc/retour?code=forge&state=forge`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("La connexion n'a pas abouti");
  });
});
