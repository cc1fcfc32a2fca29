import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importTerritory } from "../../src/territory/import.ts";
import { recordTerritoryChanges } from "../../src/territory/sync.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { chromiumInstalled, launchChromium, SHARED_CHROMIUM, seriousViolations, type Watch, watchedPage } from "../support/browser.ts";
import { admin, buildMatrix, registerCommune } from "../support/network.ts";

// The web app in a real Chromium, against the real server: signing in,
// building a matrix from empty to published, two browsers on one matrix,
// time travel, the report as a PDF, the benchmark page on a network with
// known answers; on every page, no request to another host, no console
// error and no serious accessibility violation.

let app: TestApp;
let browser: Browser;
let origin: string;
const contexts: BrowserContext[] = [];
const watches: Watch[] = [];

/** A browser of its own, signed in through a one-time link as the grant says. */
async function signedIn(grant: Parameters<TestApp["services"]["signInCodes"]["create"]>[0]): Promise<Page> {
  const context = await browser.newContext({ locale: "fr-FR", timezoneId: "Europe/Paris" });
  contexts.push(context);
  const { page, watch } = await watchedPage(context, origin);
  watches.push(watch);
  await page.goto(`${origin}/connexion?code=${app.services.signInCodes.create(grant)}`);
  await page.waitForURL(`${origin}/`);
  return page;
}

describe.skipIf(!chromiumInstalled)("the web app in Chromium", () => {
  let collectivityId: string;
  let shownMatrix: string;

  beforeAll(async () => {
    app = await startTestApp();
    origin = app.url.replace(/\/graphql$/, "");
    browser = await launchChromium();
    const { commands } = app.services;
    collectivityId = await registerCommune(commands, "Saint-Étienne-de-Fontbellon", 2800);
    shownMatrix = await buildMatrix(commands, collectivityId, {
      factors: ["S1", "W1", "O1", "T1"],
      strategies: [
        ["SO-S1-O1", "IN_PROGRESS"],
        ["WT-W1-T1", "ADOPTED"],
      ],
      status: "PUBLISHED",
    });
    await app.caughtUp();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await app?.close();
    // Whatever each test did, no page reached another host or logged an error.
    expect(watches.flatMap((w) => w.foreignRequests)).toEqual([]);
    expect(watches.flatMap((w) => w.errors)).toEqual([]);
  });

  it("runs in the test run's one Chromium, which every browser test file shares", () => {
    expect(process.env[SHARED_CHROMIUM]).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\//);
    expect(browser.isConnected()).toBe(true);
  });

  it("signs in through the one-time link and lists the network, accents ignored in search, its own collectivity first", async () => {
    await registerCommune(app.services.commands, "Aubenas", 12_000);
    await app.caughtUp();
    const page = await signedIn({ role: "EDITOR", collectivityId, subject: "claire.martin@exemple.fr" });
    await expect.poll(() => page.locator(".card h2").allTextContents()).toEqual(["Saint-Étienne-de-Fontbellon", "Aubenas"]);
    await expect.poll(() => page.getByText("Connecté : claire.martin@exemple.fr").count()).toBe(1);
    await page.getByLabel("Rechercher une collectivité").fill("etienne fontbellon");
    await expect.poll(() => page.locator(".card h2").allTextContents()).toEqual(["Saint-Étienne-de-Fontbellon"]);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("shows a matrix in French: four SWOT columns, the four crossed grids with the seed's questions, statuses, scores against 2.5", async () => {
    const page = await signedIn({ role: "OBSERVER", subject: "observateur@exemple.fr" });
    await page.goto(`${origin}/matrices/${shownMatrix}`);
    await expect.poll(() => page.locator(".swot h3").allTextContents()).toEqual(["Forces", "Faiblesses", "Opportunités", "Menaces"]);
    expect(await page.locator(".cross h3").allTextContents()).toEqual([
      "Forces × Opportunités",
      "Faiblesses × Opportunités",
      "Forces × Menaces",
      "Faiblesses × Menaces",
    ]);
    expect(await page.getByText("Comment exploiter les forces reconnues afin de tirer profit de ces opportunités ?").count()).toBe(1);
    expect(await page.locator(".strategy .badge").allTextContents()).toEqual(["en cours", "adoptée"]);
    expect(await page.locator(".score").first().textContent()).toMatch(/Score interne \(IFE\) : \d(,\d+)? \((au-dessus|en dessous) du point médian 2,5\)/);
    // An observer reads; it does not edit.
    expect(await page.locator("form.inline-form").count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    for (const path of [`/collectivites/${collectivityId}`, `/matrices/${shownMatrix}/rapport`, "/parangonnage"]) {
      await page.goto(`${origin}${path}`);
      await page.locator("h1").first().waitFor();
      expect({ path, violations: await seriousViolations(page) }).toEqual({ path, violations: [] });
    }
  });

  it("builds a matrix from empty to published in the page, as the API then reads it, and a change in one browser appears in another", async () => {
    const { commands } = app.services;
    const matrixId = (await commands.openMatrix({ collectivityId, title: "Diagnostic 2027" }, {}, admin)).ids.matrixId!;
    await app.caughtUp();
    const editor = await signedIn({ role: "EDITOR", collectivityId, subject: "claire.martin@exemple.fr" });
    const watcher = await signedIn({ role: "EDITOR", collectivityId, subject: "paul.durand@exemple.fr" });
    await editor.goto(`${origin}/matrices/${matrixId}`);
    await watcher.goto(`${origin}/matrices/${matrixId}`);
    await watcher.locator(".swot").waitFor();

    await editor.getByLabel("Nouvelle force").fill("Des élus porteurs d'innovation");
    await editor.getByRole("button", { name: "Ajouter" }).first().click();
    await expect.poll(() => editor.locator(".swot-column.strength .factor-label").allTextContents()).toEqual(["Des élus porteurs d'innovation"]);
    // The other browser sees it without reload.
    await expect.poll(() => watcher.locator(".swot-column.strength .factor-label").allTextContents()).toEqual(["Des élus porteurs d'innovation"]);

    await editor.getByLabel("Nouvelle opportunité").fill("Des financements européens");
    await editor.locator(".swot-column.opportunity button").click();
    await expect
      .poll(() => editor.getByRole("button", { name: /Proposer une stratégie : Des élus porteurs d'innovation × Des financements européens/ }).count())
      .toBe(1);
    await editor.getByRole("button", { name: /Proposer une stratégie : Des élus porteurs d'innovation × Des financements européens/ }).click();
    await editor.getByLabel("Intitulé de la stratégie").fill("Monter un laboratoire d'innovation territoriale");
    await editor.getByRole("button", { name: "Proposer", exact: true }).click();
    await expect.poll(() => editor.locator(".strategy-title").allTextContents()).toEqual(["Monter un laboratoire d'innovation territoriale"]);

    await editor.locator(".strategy").getByLabel("Nouveau statut").selectOption({ label: "adoptée" });
    await editor.locator(".strategy").getByLabel("Raison").fill("Votée en bureau communautaire");
    await editor.getByRole("button", { name: "Décider" }).click();
    await expect.poll(() => editor.locator(".strategy .badge").allTextContents()).toEqual(["adoptée"]);
    await expect.poll(() => watcher.locator(".strategy .badge").allTextContents()).toEqual(["adoptée"]);
    // Its history grows with each decision made elsewhere: the five so far, the latest last, each once.
    await expect.poll(() => watcher.locator(".history li").count()).toBe(5);
    expect(await watcher.locator(".history li").last().textContent()).toContain("« Votée en bureau communautaire »");

    await editor.getByLabel("Qui pourra la lire").selectOption("NETWORK");
    await editor.getByRole("button", { name: "Publier" }).click();
    await expect.poll(() => editor.locator(".meta").textContent()).toMatch(/^publiée · visibilité réseau/);

    const read = await app.gql(
      `query($id: ID!) { matrix(id: $id) { status visibility factors { kind label } strategies { title status decisions { status reason actor } } } }`,
      { id: matrixId },
      app.adminToken,
    );
    expect(read.data.matrix).toEqual({
      status: "PUBLISHED",
      visibility: "NETWORK",
      // In the order of entry.
      factors: [
        { kind: "STRENGTH", label: "Des élus porteurs d'innovation" },
        { kind: "OPPORTUNITY", label: "Des financements européens" },
      ],
      strategies: [
        {
          title: "Monter un laboratoire d'innovation territoriale",
          status: "ADOPTED",
          decisions: [
            { status: "PROPOSED", reason: null, actor: "claire.martin@exemple.fr" },
            { status: "ADOPTED", reason: "Votée en bureau communautaire", actor: "claire.martin@exemple.fr" },
          ],
        },
      ],
    });
  });

  it("an editor revises a factor (decimal comma), removes one, decides on an initiative and widens the visibility, each with its reason", async () => {
    const { commands } = app.services;
    const matrixId = await buildMatrix(commands, collectivityId, { factors: ["S1", "W1", "O1"], status: "PUBLISHED", visibility: "NETWORK" });
    await app.caughtUp();
    const page = await signedIn({ role: "EDITOR", collectivityId, subject: "claire.martin@exemple.fr" });
    await page.goto(`${origin}/matrices/${matrixId}`);

    const s1 = page.locator("details", { hasText: "Modifier « S1 »" });
    await s1.locator("summary").click();
    await s1.getByLabel("Poids").fill("0,4");
    await s1.getByLabel("Note").selectOption("4");
    await s1.getByLabel("Raison").fill("Revu en comité de direction");
    await s1.getByRole("button", { name: "Enregistrer" }).click();
    await expect.poll(() => page.locator(".swot-column.strength .factor-figures").first().textContent()).toBe("poids 0,4 · note 4");

    const w1 = page.locator("details", { hasText: "Modifier « W1 »" });
    await w1.locator("summary").click();
    await w1.getByLabel("Raison").fill("Doublon de S1");
    await w1.getByRole("button", { name: "Retirer ce facteur" }).click();
    await expect.poll(() => page.locator(".swot-column.weakness .factor-label").count()).toBe(0);

    await page.getByLabel("Nouvelle initiative").fill("Budget participatif");
    await page
      .locator("form", { has: page.getByLabel("Nouvelle initiative") })
      .getByRole("button", { name: "Ajouter" })
      .click();
    const initiative = page.locator(".initiatives li", { hasText: "Budget participatif" });
    await initiative.getByLabel("Nouveau statut").selectOption({ label: "adoptée" });
    await initiative.getByLabel("Raison").fill("Inscrit au budget 2027");
    await initiative.getByRole("button", { name: "Décider" }).click();
    await expect.poll(() => initiative.locator(".badge").textContent()).toBe("adoptée");

    await page.getByLabel("Qui peut la lire").selectOption("PUBLIC");
    await page.locator("#visibility-reason").fill("Rapport public annuel");
    await page.getByRole("button", { name: "Changer la visibilité" }).click();
    await expect.poll(() => page.locator(".meta").textContent()).toMatch(/^publiée · visibilité publique/);

    const read = await app.gql(
      `query($id: ID!) { matrix(id: $id) { visibility factors { label weight rating } initiatives { title status decisions { reason } }
        history(first: 50) { edges { node { type reason actor } } } } }`,
      { id: matrixId },
      app.adminToken,
    );
    const m = read.data.matrix;
    expect(m.visibility).toBe("PUBLIC");
    expect(m.factors).toEqual([
      { label: "S1", weight: 0.4, rating: 4 },
      { label: "O1", weight: expect.any(Number), rating: expect.any(Number) },
    ]);
    expect(m.initiatives).toEqual([{ title: "Budget participatif", status: "ADOPTED", decisions: [{ reason: null }, { reason: "Inscrit au budget 2027" }] }]);
    const decided = m.history.edges.map((e: any) => e.node).filter((e: any) => e.actor === "claire.martin@exemple.fr");
    expect(decided.map((e: any) => [e.type, e.reason])).toEqual([
      ["FactorRevised", "Revu en comité de direction"],
      ["FactorRemoved", "Doublon de S1"],
      ["InitiativeAdded", null],
      ["InitiativeStatusChanged", "Inscrit au budget 2027"],
      ["MatrixVisibilityChanged", "Rapport public annuel"],
    ]);
  });

  it("fits a 390-pixel phone and a 1366×768 laptop without horizontal scrolling, and every control is reachable by keyboard", async () => {
    const page = await signedIn({ role: "EDITOR", collectivityId, subject: "claire.martin@exemple.fr" });
    for (const viewport of [
      { width: 390, height: 844 },
      { width: 1366, height: 768 },
    ]) {
      await page.setViewportSize(viewport);
      for (const path of ["/", `/matrices/${shownMatrix}`, `/matrices/${shownMatrix}/rapport`, "/parangonnage", `/collectivites/${collectivityId}`]) {
        await page.goto(`${origin}${path}`);
        await page.locator("h1").first().waitFor();
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect({ path, viewport: viewport.width, width }).toEqual({ path, viewport: viewport.width, width: viewport.width });
      }
    }
    await page.goto(`${origin}/matrices/${shownMatrix}`);
    await page.locator(".swot").waitFor();
    const reached = new Set<string>();
    for (let i = 0; i < 120; i++) {
      await page.keyboard.press("Tab");
      reached.add(
        await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          return el ? (el.getAttribute("aria-label") ?? el.id ?? "") || (el.textContent ?? "").trim() : "";
        }),
      );
    }
    for (const control of ["Aller au contenu", "add-STRENGTH", "Proposer une stratégie : S1 × O1", "Forces × Opportunités", "curseur"]) {
      expect([...reached], control).toContain(control);
    }
  });

  it("the action plan in the page: a matrix from the catalogue, a strategy's lead, due date, budget, progress and indicator, an initiative revised and removed, a workbook imported", async () => {
    const page = await signedIn({ role: "EDITOR", collectivityId, subject: "claire.martin@exemple.fr" });
    await page.goto(`${origin}/collectivites/${collectivityId}`);
    await page.getByLabel("Intitulé de la nouvelle matrice").fill("Diagnostic du plan");
    expect(await page.getByLabel("partir du catalogue (ses quatorze facteurs)").isChecked()).toBe(true);
    expect({ path: "collectivité, éditeur", violations: await seriousViolations(page) }).toEqual({ path: "collectivité, éditeur", violations: [] });
    await page.getByRole("button", { name: "Ouvrir la matrice" }).click();
    await page.waitForURL(/\/matrices\/[^/]+$/);
    const matrixId = page.url().split("/").at(-1)!;
    await expect.poll(() => page.locator(".swot-column.strength .factor-label").count()).toBe(4);
    expect(await page.locator(".swot .factor-label").count()).toBe(14);
    // The catalogue's order, then one factor moved up a place.
    const strengths = await page.locator(".swot-column.strength .factor-label").allTextContents();
    await page.getByRole("button", { name: `Monter « ${strengths[1]} »` }).click();
    await expect.poll(() => page.locator(".swot-column.strength .factor-label").allTextContents()).toEqual([strengths[1], strengths[0], ...strengths.slice(2)]);

    const cell = /Proposer une stratégie : Autonomie organisationnelle locale × /;
    await page.getByRole("button", { name: cell }).first().click();
    await page.locator("button.suggestion").first().click();
    await page.getByRole("button", { name: "Proposer", exact: true }).click();
    await expect.poll(() => page.locator(".strategy-title").count()).toBe(1);
    const title = (await page.locator(".strategy-title").textContent())!;

    await page.getByText(`Plan d'action de « ${title} »`).click();
    await page.getByLabel("Référent").first().fill("Claire Martin");
    await page.getByLabel("Échéance").first().fill("2027-06-30");
    await page.getByLabel("Budget (€)").first().fill("15 000");
    await page.getByLabel("Avancement (%)").first().fill("40");
    await page.locator(".strategy .edit-plan").first().getByRole("button", { name: "Enregistrer" }).click();
    await expect
      .poll(() => page.locator(".strategy .accountability").textContent())
      .toBe("référent : Claire Martin · échéance : 30/06/2027 · budget : 15 000 € · avancement : 40 % 40 %");

    await page.getByText(`Indicateurs de « ${title} »`).click();
    await page.getByLabel("Nom", { exact: true }).fill("Agents formés");
    await page.getByLabel("Unité", { exact: true }).fill("agents");
    await page.getByLabel("Cible", { exact: true }).fill("120");
    await page.getByLabel("Valeur mesurée").first().fill("35");
    await page.locator(".strategy .edit-plan").nth(1).getByRole("button", { name: "Enregistrer" }).click();
    await expect.poll(() => page.locator(".strategy .indicators li").textContent()).toContain("Agents formés : 35 agents (cible 120 agents)");
    await page.getByText(`Indicateurs de « ${title} »`).click();
    await page.getByLabel("Valeur mesurée").first().fill("60");
    await page.locator(".strategy .edit-plan").nth(1).getByRole("button", { name: "Enregistrer" }).click();
    await expect.poll(() => page.locator(".strategy .indicators li").textContent()).toContain("Agents formés : 60 agents");
    expect(await page.locator(".indicator-chart").getAttribute("aria-label")).toMatch(/^Agents formés : 35 agents le .*, 60 agents le .* ; cible 120 agents$/);
    expect(await page.locator(".indicator-chart circle").count()).toBe(2);

    const read = (
      await app.gql(
        `query($id: ID!) { matrix(id: $id) { strategies { lead dueDate budget progress indicators { values { value } } } initiatives { title } } }`,
        { id: matrixId },
        app.adminToken,
      )
    ).data.matrix;
    expect(read.strategies).toEqual([
      { lead: "Claire Martin", dueDate: "2027-06-30", budget: 15000, progress: 40, indicators: [{ values: [{ value: 35 }, { value: 60 }] }] },
    ]);

    await page.getByLabel("Nouvelle initiative").fill("Hackathon");
    await page.getByLabel("Croisement", { exact: true }).selectOption("SO");
    await page.locator("section[aria-labelledby=initiatives]").getByRole("button", { name: "Ajouter", exact: true }).click();
    await page.getByText("Modifier « Hackathon »").click();
    await page.getByLabel("Intitulé", { exact: true }).fill("Hackathon des agents");
    await page.locator(".initiative .edit-plan").first().getByRole("checkbox", { name: title }).check();
    await page.locator(".initiative .edit-plan").first().getByRole("button", { name: "Enregistrer" }).click();
    await expect.poll(() => page.locator(".initiatives strong").allTextContents()).toEqual(["Hackathon des agents"]);
    expect(await page.locator(".initiatives li").first().textContent()).toContain(`pour : ${title}`);
    expect({ path: "matrice, éditeur", violations: await seriousViolations(page) }).toEqual({ path: "matrice, éditeur", violations: [] });
    await page.getByText("Modifier « Hackathon des agents »").click();
    await page.locator(".initiative .edit-plan").first().getByLabel("Motif de la modification").fill("Doublon du projet régional");
    await page.getByRole("button", { name: "Retirer l'initiative" }).click();
    await expect.poll(() => page.locator(".initiatives li").count()).toBe(0);
    await expect
      .poll(() => page.locator(".history li").last().textContent())
      .toContain("Initiative retirée, par claire.martin@exemple.fr : « Doublon du projet régional »");

    await page.getByText("Renommer la matrice").click();
    await page.getByLabel("Nouvel intitulé").fill("Diagnostic du plan 2027");
    await page.getByLabel("Motif du changement").fill("Titre voté en bureau");
    await page.getByRole("button", { name: "Renommer" }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Diagnostic du plan 2027");
    await expect
      .poll(() => page.locator(".history li").last().textContent())
      .toContain("Matrice renommée, par claire.martin@exemple.fr : « Titre voté en bureau »");

    // A workshop's CSV: refused with the place of the problem, then accepted once corrected.
    const csv = (kind: string) => Buffer.from(`\uFEFFFacteurs\r\nType;Libellé\r\n${kind};Des agents motivés\r\n`);
    await page.goto(`${origin}/collectivites/${collectivityId}`);
    await page.getByLabel("Intitulé de la matrice importée").fill("Atelier de mars");
    await page
      .getByLabel("Classeur (XLSX, ODS ou CSV, disposé comme les exports)")
      .setInputFiles({ name: "atelier.csv", mimeType: "text/csv", buffer: csv("Chance") });
    await page.getByRole("button", { name: "Importer" }).click();
    await expect
      .poll(() => page.getByRole("alert").textContent())
      .toBe("Feuille « Facteurs », ligne 3, colonne « Type » : « Chance » n'est pas un type (Force, Faiblesse, Opportunité, Menace).");
    await page
      .getByLabel("Classeur (XLSX, ODS ou CSV, disposé comme les exports)")
      .setInputFiles({ name: "atelier.csv", mimeType: "text/csv", buffer: csv("Force") });
    await page.getByRole("button", { name: "Importer" }).click();
    await page.waitForURL(/\/matrices\/[^/]+$/);
    await expect.poll(() => page.locator(".swot-column.strength .factor-label").allTextContents()).toEqual(["Des agents motivés"]);
    expect(await page.locator("h1").textContent()).toBe("Atelier de mars");
  });

  it("the official territory: an admin finds a commune as they type, registers it, and its page shows its département, région and EPCI", async () => {
    await importTerritory(app.pool);
    const page = await signedIn({ role: "ADMIN", subject: "admin@exemple.fr" });
    await page.getByLabel("Chercher une commune ou une intercommunalité (nom, code INSEE, SIREN ou code postal)").fill("st etienne");
    await expect.poll(() => page.locator(".territory-results .territory-name").first().textContent()).toBe("Saint-Étienne");
    expect(await page.locator(".territory-results li").first().textContent()).toContain("Commune · Loire · 173 136 habitants · Saint-Étienne Métropole");
    expect({ path: "/ avec le territoire", violations: await seriousViolations(page) }).toEqual({ path: "/ avec le territoire", violations: [] });
    await page.getByRole("button", { name: "Inscrire Saint-Étienne dans le réseau" }).click();
    await page.waitForURL(/\/collectivites\/[^/]+$/);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Saint-Étienne");
    await expect
      .poll(() => page.locator(".territory").textContent())
      .toBe("Département : Loire · Région : Auvergne-Rhône-Alpes · Intercommunalité : Saint-Étienne Métropole · code INSEE 42218");
    // A neighbour merged into it by a new millésime: its page says so.
    const firminy = (await app.ok(`mutation { registerCollectivity(input: { inseeCode: "42095" }) { collectivity { id } } }`)).registerCollectivity.collectivity
      .id;
    await app.caughtUp();
    await app.pool.query("DELETE FROM territory_communes WHERE insee_code = '42095'");
    await app.pool.query("INSERT INTO territory_former_communes (insee_code, name, successor_code) VALUES ('42095', 'Firminy', '42218')");
    await recordTerritoryChanges(app.pool, app.services.commands);
    await app.caughtUp();
    await page.goto(`${origin}/collectivites/${firminy}`);
    await expect.poll(() => page.locator(".notice").textContent()).toContain("Fusionnée dans la commune nouvelle Saint-Étienne (code INSEE 42218)");
    expect({ path: "une commune fusionnée", violations: await seriousViolations(page) }).toEqual({ path: "une commune fusionnée", violations: [] });
    // Registered, it is found again with a link to its page rather than a button.
    await page.goto(`${origin}/`);
    await page.getByLabel("Chercher une commune ou une intercommunalité (nom, code INSEE, SIREN ou code postal)").fill("42218");
    await expect.poll(() => page.locator(".territory-results li").first().getByRole("link", { name: "Voir sa page" }).count()).toBe(1);
  });

  it("explains a CONFLICT and shows the fresh state", async () => {
    const { commands } = app.services;
    const matrixId = await buildMatrix(commands, collectivityId, { factors: ["S1"] });
    await app.caughtUp();
    const page = await signedIn({ role: "EDITOR", collectivityId, subject: "claire.martin@exemple.fr" });
    await page.goto(`${origin}/matrices/${matrixId}`);
    await page.locator(".swot").waitFor();
    // Elsewhere, meanwhile: the page still holds the version before it (live updates are paused by the test's timing, so the form sends the old one).
    await page.route("**/graphql", async (route) => {
      const body = route.request().postData() ?? "";
      if (body.includes("addFactor")) {
        await commands.onMatrix(
          "AddFactor",
          { matrixId },
          { type: "AddFactor", matrixId, factorId: "elsewhere", kind: "THREAT", label: "Ajoutée ailleurs" },
          {},
          {},
          admin,
        );
        await app.caughtUp();
      }
      await route.continue();
    });
    await page.getByLabel("Nouvelle faiblesse").fill("Peu de temps pour innover");
    await page.locator(".swot-column.weakness button").click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("La matrice a été modifiée entre-temps");
    await expect.poll(() => page.locator(".swot-column.threat .factor-label").allTextContents()).toEqual(["Ajoutée ailleurs"]);
    expect(await page.locator(".swot-column.weakness .factor-label").count()).toBe(0);
  });

  it("?au= shows the matrix as it stood then, with a slider over its history", async () => {
    // Its editor: before publication the matrix was a draft, which only its own editors read.
    const page = await signedIn({ role: "EDITOR", collectivityId, subject: "claire.martin@exemple.fr" });
    const history = await app.gql(
      `query($id: ID!) { matrix(id: $id) { history(first: 100) { edges { node { type occurredAt } } } } }`,
      { id: shownMatrix },
      app.adminToken,
    );
    const events = history.data.matrix.history.edges.map((e: any) => e.node);
    const firstProposal = events.find((e: any) => e.type === "StrategyProposed");
    await page.goto(`${origin}/matrices/${shownMatrix}?au=${encodeURIComponent(firstProposal.occurredAt)}`);
    await expect.poll(() => page.locator(".strategy .badge").allTextContents()).toEqual(["proposée"]);
    expect(await page.getByRole("status").first().textContent()).toContain("Vous voyez la matrice telle qu'elle était le");
    const slider = page.getByLabel(/Voir la matrice telle qu'elle était après la décision/);
    expect(await slider.getAttribute("max")).toBe(String(events.length));
    // A plain date before the matrix existed: nothing then.
    await page.goto(`${origin}/matrices/${shownMatrix}?au=2020-01-01`);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Matrice introuvable");
  });

  it("prints the report, action plan included, to an A4 PDF", async () => {
    const matrixId = shownMatrix;
    await app.ok(`mutation($input: ReviseStrategyInput!) { reviseStrategy(input: $input) { position } }`, {
      input: { matrixId, strategyId: "s1", lead: "Claire Martin", dueDate: "2027-06-30", budget: 15000, progress: 40 },
    });
    await app.ok(`mutation($input: SetIndicatorInput!) { setIndicator(input: $input) { position } }`, {
      input: { matrixId, subjectId: "s1", name: "Agents formés", unit: "agents", target: 120, value: 35 },
    });
    await app.ok(`mutation($input: AddInitiativeInput!) { addInitiative(input: $input) { position } }`, {
      input: { matrixId, title: "Hackathon des agents", quadrant: "WT", strategyIds: ["s1"], lead: "Paul Roux" },
    });
    const page = await signedIn({ role: "OBSERVER", subject: "observateur@exemple.fr" });
    await page.goto(`${origin}/matrices/${shownMatrix}/rapport`);
    await page.locator(".report .cross").first().waitFor();
    expect(await page.locator(".report-collectivity").textContent()).toBe("Saint-Étienne-de-Fontbellon");
    // Who does what by when, as the conseil reads it on paper.
    const led = page.locator("section[aria-labelledby=r-strategies] tr", { hasText: "Claire Martin" });
    expect(await led.locator(".accountability").textContent()).toBe(
      "référent : Claire Martin · échéance : 30/06/2027 · budget : 15 000 € · avancement : 40 % 40 %",
    );
    expect(await led.locator(".indicators li").textContent()).toContain("Agents formés : 35 agents (cible 120 agents)");
    const initiative = page.locator("section[aria-labelledby=r-initiatives] li");
    expect(await initiative.locator("strong").allTextContents()).toEqual(["Hackathon des agents"]);
    expect(await initiative.locator(".accountability").textContent()).toBe("référent : Paul Roux");
    expect(await initiative.textContent()).toContain(`pour : ${await led.locator("td").nth(1).textContent()}`);
    expect(await seriousViolations(page)).toEqual([]);
    const pdf = await page.pdf({ format: "A4", printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    // Grids and the strategies table start pages of their own: three pages at least.
    expect(pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g)!.length).toBeGreaterThanOrEqual(3);
    await page.emulateMedia({ media: "print" });
    expect(await page.locator(".site-header").isVisible()).toBe(false);
  });

  it("the benchmark page shows a group's known figures, follows its next release live, and says why a group is suppressed", async () => {
    const { commands } = app.services;
    // Five more communes of 2 000 to 3 499 inhabitants, all holding S1; three of them O1 too. Shared matrices count exactly.
    for (let i = 0; i < 5; i++) {
      const id = await registerCommune(commands, `Commune ${i}`, 2500 + i);
      await buildMatrix(commands, id, { factors: i < 3 ? ["S1", "O1"] : ["S1"], status: "PUBLISHED", visibility: "NETWORK" });
    }
    await app.release();
    const page = await signedIn({ role: "EDITOR", collectivityId, subject: "claire.martin@exemple.fr" });
    await page.goto(`${origin}/parangonnage`);
    const label = await app.gql(`query($id: ID!) { collectivity(id: $id) { peerGroup { label } } }`, { id: collectivityId }, app.adminToken);
    await expect.poll(() => page.locator("#chiffres").textContent()).toBe(label.data.collectivity.peerGroup.label);
    // Its own matrix and the five: six contributors, all holding S1.
    await expect.poll(() => page.locator("[aria-labelledby=chiffres] p").first().textContent()).toContain("6 contributrices");
    const prevalence = page.locator(".chart").nth(1);
    expect(await prevalence.locator("svg").getAttribute("aria-label")).toBe("Part des pairs qui retiennent chaque facteur du catalogue");
    // A seventh publication in the group: the page shows it at the next release (the app's own refresher, which
    // announces it on benchmarkUpdated; one-second windows here), without reload.
    const seventh = await registerCommune(commands, "Commune 5", 2600);
    await buildMatrix(commands, seventh, { factors: ["S1"], status: "PUBLISHED", visibility: "NETWORK" });
    await expect.poll(() => page.locator("[aria-labelledby=chiffres] p").first().textContent()).toContain("7 contributrices");
    // A commune of a stratum of its own, without a matrix: its group has a member but no contributor, and says why it shows nothing.
    const alone = await registerCommune(commands, "Grande-Ville-Seule", 60_000);
    await app.caughtUp();
    const own = await app.gql(`query($id: ID!) { collectivity(id: $id) { peerGroup { label } } }`, { id: alone }, app.adminToken);
    await page.reload();
    const small = `${own.data.collectivity.peerGroup.label} (1)`;
    await expect.poll(() => page.locator("#groupe option").allTextContents()).toContain(small);
    await page.getByLabel("Groupe de pairs").selectOption({ label: small! });
    await expect.poll(() => page.locator(".notice").textContent()).toBe("Moins de 5 collectivités contribuent : chiffres masqués pour protéger leur anonymat.");
  });

  it("the benchmark page compares by family and by place: every EPCI à fiscalité propre of a département found by typing a commune", async () => {
    // The territory is loaded by the test before; a métropole and an agglomération of the Loire join.
    for (const officialCode of ["244200770", "200065886"]) {
      await app.ok(`mutation($i: RegisterCollectivityInput!) { registerCollectivity(input: $i) { collectivity { id } } }`, { i: { officialCode } });
    }
    await app.caughtUp();
    const page = await signedIn({ role: "OBSERVER", subject: "observatoire@exemple.fr" });
    await page.goto(`${origin}/parangonnage`);
    const family = "Intercommunalités à fiscalité propre (2)";
    await expect.poll(() => page.locator("#groupe option").allTextContents()).toContain(family);
    await page.getByLabel("Groupe de pairs").selectOption({ label: family });
    await expect.poll(() => page.locator("#chiffres").textContent()).toBe("Intercommunalités à fiscalité propre");
    await page.getByLabel("Autre territoire : tapez une commune ou une intercommunalité").fill("st etienne");
    await page.getByRole("button", { name: "Département : Loire" }).first().click();
    await expect.poll(() => page.locator("#chiffres").textContent()).toBe("Intercommunalités à fiscalité propre de la Loire");
    expect(await page.getByLabel("Comparer avec les pairs de").inputValue()).toBe("D42");
    await expect.poll(() => page.locator("[aria-labelledby=chiffres] p").first().textContent()).toContain("2 collectivités dans le groupe");
    expect({ path: "/parangonnage par territoire", violations: await seriousViolations(page) }).toEqual({
      path: "/parangonnage par territoire",
      violations: [],
    });
  });
});
