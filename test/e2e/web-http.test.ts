import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.ts";
import { admin, buildMatrix, registerCommune } from "../support/network.ts";

// The routes beside GraphQL, over HTTP: the one-time sign-in link and the
// session it opens, CSRF on requests riding on the cookie, the exports, and
// GraphiQL without any other host.

let app: TestApp;
let base: string;
let matrixId: string;
let collectivityId: string;

beforeAll(async () => {
  app = await startTestApp();
  base = app.url.replace(/\/graphql$/, "");
  const { commands } = app.services;
  collectivityId = await registerCommune(commands, "Saint-Étienne-de-Fontbellon", 2800);
  matrixId = await buildMatrix(commands, collectivityId, {
    factors: ["S1", "O1", { kind: "WEAKNESS", weight: 0.35, rating: 2 }],
    strategies: [["SO-S1-O1", "IN_PROGRESS"]],
    status: "PUBLISHED",
    visibility: "AGGREGATES_ONLY",
  });
  await commands.onMatrix(
    "x",
    { matrixId },
    { type: "ChangeStrategyStatus", matrixId, strategyId: "s0", status: "DONE" },
    {},
    { reason: "Livrée; « en avance »" },
    admin,
  );
  await app.caughtUp();
});
afterAll(async () => app?.close());

/** Signs in through a fresh one-time link; returns the session cookie. */
async function signIn(grant: Parameters<TestApp["services"]["signInCodes"]["create"]>[0]): Promise<string> {
  const code = app.services.signInCodes.create(grant);
  const response = await fetch(`${base}/connexion?code=${code}`, { redirect: "manual" });
  expect(response.status).toBe(303);
  expect(response.headers.get("location")).toBe("/");
  const cookie = response.headers.get("set-cookie")!;
  expect(cookie).toMatch(/HttpOnly/);
  expect(cookie).toMatch(/SameSite=Lax/);
  return cookie.split(";")[0]!;
}

describe("signing in with a one-time link", () => {
  it("opens a session once; the link then refuses, in French", async () => {
    const code = app.services.signInCodes.create({ role: "ADMIN", subject: "admin (local)" });
    const first = await fetch(`${base}/connexion?code=${code}`, { redirect: "manual" });
    expect(first.status).toBe(303);
    const again = await fetch(`${base}/connexion?code=${code}`, { redirect: "manual" });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("Ce lien de connexion n'est plus valable");
  });

  it("the session answers GraphQL with its CSRF token, refuses without it, and ends at sign-out", async () => {
    const cookie = await signIn({ role: "EDITOR", collectivityId, subject: "claire.martin@exemple.fr" });
    const session = await (await fetch(`${base}/session`, { headers: { cookie } })).json();
    expect(session).toMatchObject({ signedIn: true, role: "EDITOR", collectivityId, subject: "claire.martin@exemple.fr" });
    const ask = (headers: Record<string, string>) =>
      fetch(app.url, {
        method: "POST",
        headers: { "content-type": "application/json", cookie, ...headers },
        body: JSON.stringify({ query: "{ me { subject role } }" }),
      });
    const refused = await ask({});
    expect(refused.status).toBe(403);
    expect((await refused.json()).errors[0].message).toContain("anti-CSRF");
    expect((await ask({ "x-pilotis-csrf": "forged" })).status).toBe(403);
    const answered = await ask({ "x-pilotis-csrf": session.csrf });
    expect((await answered.json()).data.me).toEqual({ subject: "claire.martin@exemple.fr", role: "EDITOR" });

    const out = await fetch(`${base}/deconnexion`, { method: "POST", redirect: "manual", headers: { cookie, "x-pilotis-csrf": session.csrf } });
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    expect(await (await fetch(`${base}/session`, { headers: { cookie } })).json()).toEqual({ signedIn: false, oidc: false });
  });
});

describe("exports of a matrix", () => {
  it("answer 401 without a token or session, and 404 to a reader who may not read the matrix", async () => {
    expect((await fetch(`${base}/exports/matrices/${matrixId}.xlsx`)).status).toBe(401);
    expect((await fetch(`${base}/exports/matrices/${matrixId}.csv`)).status).toBe(401);
    // AGGREGATES_ONLY: another collectivity's editor does not read it.
    const other = await registerCommune(app.services.commands, "Vals-les-Bains", 3500);
    const cookie = await signIn({ role: "EDITOR", collectivityId: other, subject: "x@exemple.fr" });
    expect((await fetch(`${base}/exports/matrices/${matrixId}.csv`, { headers: { cookie } })).status).toBe(404);
  });

  it("XLSX holds the summary and the sheets Facteurs, Stratégies, Initiatives, Indicateurs, Historique, in French", async () => {
    const cookie = await signIn({ role: "EDITOR", collectivityId, subject: "claire.martin@exemple.fr" });
    const response = await fetch(`${base}/exports/matrices/${matrixId}.xlsx`, { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toContain(`matrice-${matrixId}.xlsx`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(["Synthèse", "Facteurs", "Stratégies", "Initiatives", "Indicateurs", "Historique"]);
    expect(workbook.getWorksheet("Synthèse")!.getRow(1).values).toEqual([undefined, "Collectivité", "Saint-Étienne-de-Fontbellon"]);
    const factors = workbook.getWorksheet("Facteurs")!;
    expect(factors.getRow(1).values).toEqual([undefined, "Réf.", "Type", "Libellé", "Description", "Poids", "Note", "Clé du catalogue", "Retiré"]);
    expect(factors.rowCount).toBe(4);
    expect(factors.getRow(4).getCell(1).value).toBe("F3");
    expect(factors.getRow(4).getCell(2).value).toBe("Faiblesse");
    expect(factors.getRow(4).getCell(5).value).toBe(0.35);
    const strategies = workbook.getWorksheet("Stratégies")!;
    expect(strategies.getRow(2).getCell(2).value).toBe("Forces × Opportunités");
    // Its factors by their references in the Facteurs sheet.
    expect([strategies.getRow(2).getCell(3).value, strategies.getRow(2).getCell(4).value]).toEqual(["F1", "F2"]);
    expect(strategies.getRow(2).getCell(7).value).toBe("réalisée");
    expect(strategies.getRow(2).getCell(15).value).toBe("Livrée; « en avance »");
    const history = workbook.getWorksheet("Historique")!;
    const decisions = history.getColumn(2).values.slice(2);
    expect(decisions[0]).toBe("Matrice ouverte");
    expect(decisions).toContain("Statut de stratégie modifié");
    expect(decisions.at(-1)).toBe("Statut de stratégie modifié");
    expect(history.getRow(history.rowCount).getCell(3).value).toMatch(/en cours → réalisée$/);
  });

  it("CSV is UTF-8 with a BOM, `;` separated, with decimal commas and quoted fields, for a bearer token too", async () => {
    const response = await fetch(`${base}/exports/matrices/${matrixId}.csv`, { headers: { authorization: `Bearer ${app.adminToken}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).split("\r\n");
    expect(lines[0]).toBe("Collectivité;Saint-Étienne-de-Fontbellon");
    expect(lines).toContain("Réf.;Type;Libellé;Description;Poids;Note;Clé du catalogue;Retiré");
    expect(lines.find((l) => l.startsWith("F3;"))).toBe("F3;Faiblesse;WEAKNESS 2;;0,35;2;;non");
    // The reason holds a `;`: quoted, so that it stays one field.
    expect(lines.some((l) => l.endsWith(';"Livrée; « en avance »"'))).toBe(true);
  });
});

describe("the web app's files", () => {
  it("every page route answers the app's page, under a CSP that allows this origin only; assets come gzipped and cached for good", async () => {
    for (const path of ["/", "/collectivites/x", "/matrices/x", "/matrices/x/rapport", "/parangonnage", "/connexion"]) {
      const page = await fetch(`${base}${path}`);
      expect(page.status, path).toBe(200);
      expect(page.headers.get("content-security-policy"), path).toMatch(/^default-src 'self';/);
      expect(page.headers.get("cache-control"), path).toBe("no-store");
      expect(await page.text(), path).toContain('<div id="app">');
    }
    const html = await (await fetch(`${base}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const zipped = await fetch(`${base}${script}`, { headers: { "accept-encoding": "gzip" } });
    expect(zipped.headers.get("content-encoding")).toBe("gzip");
    expect(zipped.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const plain = await fetch(`${base}${script}`, { headers: { "accept-encoding": "identity" } });
    expect(plain.headers.get("content-encoding")).toBeNull();
    // fetch decodes the gzipped body: both are the same script.
    expect(await zipped.text()).toBe(await plain.text());
  });

  it("serves nothing outside the built folder, and no page for an unknown path", async () => {
    for (const path of ["/%2e%2e/package.json", "/assets/../../package.json", "/nulle-part"]) {
      const response = await fetch(`${base}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).not.toContain('"name": "pilotis"');
    }
  });
});

describe("GraphiQL", () => {
  it("is served with its code inline: no script, style or font from another host", async () => {
    const html = await (await fetch(app.url, { headers: { accept: "text/html" } })).text();
    expect(html).toContain("renderYogaGraphiQL");
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
    expect(html).not.toMatch(/unpkg\.com|jsdelivr|cdnjs|googleapis/);
  });
});
