import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app.ts";

// importMatrix over HTTP, with the GraphQL multipart request spec: the app's
// own exports (XLSX and CSV) and an ODS laid out as they are import back to
// the same content; a bad file is refused whole, naming where, in French.

let app: TestApp;
let base: string;
let collectivityId: string;
let source: string;

const CONTENT = `query($id: ID!) { matrix(id: $id) {
  status
  factors { kind label description weight rating catalogueKey }
  strategies { title description status priority catalogueKey lead dueDate budget progress internalFactor { label removed } externalFactor { label }
               indicators { name unit baseline target value } }
  initiatives { title description quadrant status catalogueKey lead dueDate budget progress strategies { title } indicators { name value } }
} }`;

/** Sends a file to importMatrix as the multipart request spec says. */
async function importFile(bytes: Uint8Array, name: string, title = "Atelier importé", token = app.adminToken) {
  const form = new FormData();
  form.append(
    "operations",
    JSON.stringify({
      query: `mutation($input: ImportMatrixInput!) { importMatrix(input: $input) { matrix { id status title } } }`,
      variables: { input: { collectivityId, title, file: null } },
    }),
  );
  form.append("map", JSON.stringify({ 0: ["variables.input.file"] }));
  form.append("0", new Blob([bytes as Uint8Array<ArrayBuffer>]), name);
  const response = await fetch(app.url, { method: "POST", body: form, headers: { authorization: `Bearer ${token}`, "x-graphql-yoga-csrf": "1" } });
  const body = (await response.json()) as { data?: { importMatrix: { matrix: { id: string; status: string; title: string } } }; errors?: any[] };
  if (!body.errors) await app.caughtUp();
  return body;
}

async function exported(matrixId: string, format: "xlsx" | "csv"): Promise<Uint8Array> {
  const response = await fetch(`${base}/exports/matrices/${matrixId}.${format}`, { headers: { authorization: `Bearer ${app.adminToken}` } });
  expect(response.status).toBe(200);
  return new Uint8Array(await response.arrayBuffer());
}

const content = async (id: string) => (await app.ok(CONTENT, { id })).matrix;

/** An ODS file holding these tables, as LibreOffice writes one: a zip with its mimetype first, cells typed, repeats folded. */
async function ods(tables: { name: string; rows: (string | number | null)[][] }[]): Promise<Uint8Array> {
  const xml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  const cell = (value: string | number | null) =>
    value === null
      ? "<table:table-cell/>"
      : typeof value === "number"
        ? `<table:table-cell office:value-type="float" office:value="${value}"><text:p>${String(value).replace(".", ",")}</text:p></table:table-cell>`
        : `<table:table-cell office:value-type="string"><text:p>${xml(value)}</text:p></table:table-cell>`;
  const body = tables
    .map(
      (t) =>
        `<table:table table:name="${xml(t.name)}">${t.rows.map((r) => `<table:table-row>${r.map(cell).join("")}<table:table-cell table:number-columns-repeated="1010"/></table:table-row>`).join("")}<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>`,
    )
    .join("");
  const zip = new JSZip();
  zip.file("mimetype", "application/vnd.oasis.opendocument.spreadsheet", { compression: "STORE" });
  zip.file(
    "content.xml",
    `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>${body}</office:spreadsheet></office:body></office:document-content>`,
  );
  return zip.generateAsync({ type: "uint8array" });
}

beforeAll(async () => {
  app = await startTestApp();
  base = app.url.replace(/\/graphql$/, "");
  collectivityId = (
    await app.ok(
      `mutation { registerCollectivity(input: { name: "Communauté de communes du Val d'Import", kind: COMMUNAUTE_DE_COMMUNES, population: 18000 }) { collectivity { id } } }`,
    )
  ).registerCollectivity.collectivity.id;
  // A matrix with something of everything the layout carries.
  const opened = (
    await app.ok(`mutation($input: OpenMatrixInput!) { openMatrix(input: $input) { matrix { id factors { id catalogueKey } } } }`, {
      input: { collectivityId, title: "Diagnostic 2026", fromCatalogue: true },
    })
  ).openMatrix.matrix;
  source = opened.id;
  const key = (k: string) => opened.factors.find((f: { catalogueKey: string }) => f.catalogueKey === k).id;
  const run = (mutation: string, input: Record<string, unknown>) =>
    app.ok(`mutation($input: ${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input!) { ${mutation}(input: $input) { position } }`, {
      input: { matrixId: source, ...input },
    });
  const propose = async (internal: string, external: string, input: Record<string, unknown>) =>
    (
      await app.ok(`mutation($input: ProposeStrategyInput!) { proposeStrategy(input: $input) { strategy { id } } }`, {
        input: { matrixId: source, internalFactorId: key(internal), externalFactorId: key(external), ...input },
      })
    ).proposeStrategy.strategy.id;
  await run("reviseFactor", { factorId: key("S2"), weight: 2.5, rating: 4, description: "Budget « pérenne »; voté" });
  await run("addFactor", { kind: "THREAT", label: "Départs à la retraite", weight: 0.75 });
  const done = await propose("S1", "O1", { title: "Laboratoire d'innovation", catalogueKey: "SO-S1-O1", priority: 1, description: "Un lieu, deux agents" });
  await run("reviseStrategy", { strategyId: done, lead: "Claire Martin", dueDate: "2027-06-30", budget: 15000.5, progress: 100 });
  for (const status of ["ADOPTED", "IN_PROGRESS", "DONE"]) await run("changeStrategyStatus", { strategyId: done, status, reason: "Bureau" });
  const open = await propose("W1", "T1", { title: "Clarifier les rôles" });
  await run("changeStrategyStatus", { strategyId: open, status: "ADOPTED" });
  const dropped = await propose("S3", "T2", { title: "Abandonnée" });
  await run("changeStrategyStatus", { strategyId: dropped, status: "ABANDONED", reason: "Hors sujet" });
  const initiative = (
    await app.ok(`mutation($input: AddInitiativeInput!) { addInitiative(input: $input) { initiative { id } } }`, {
      input: {
        matrixId: source,
        title: "Hackathon des agents",
        quadrant: "SO",
        strategyIds: [done],
        catalogueKey: "TOOL-SO-02",
        description: "Deux jours",
        lead: "Paul Durand",
        budget: 3000,
      },
    })
  ).addInitiative.initiative.id;
  await run("reviseInitiative", { initiativeId: initiative, progress: 40 });
  await run("changeInitiativeStatus", { initiativeId: initiative, status: "ADOPTED" });
  await run("setIndicator", { subjectId: done, name: "Agents formés", unit: "agents", baseline: 0, target: 120, value: 35 });
  await run("setIndicator", { subjectId: initiative, name: "Participants", value: 42 });
  await run("removeFactor", { factorId: key("T3"), reason: "Plus d'actualité" });
  await run("reorderFactors", { kind: "OPPORTUNITY", factorIds: ["O3", "O1", "O2"].map(key) });
});
afterAll(async () => app?.close());

describe("importMatrix", () => {
  it("imports the app's own XLSX and CSV exports back to the same content, as a new DRAFT", async () => {
    const original = await content(source);
    expect(original.strategies).toHaveLength(3);
    for (const format of ["xlsx", "csv"] as const) {
      const result = await importFile(await exported(source, format), `matrice.${format}`);
      expect(result.errors, format).toBeUndefined();
      expect(result.data!.importMatrix.matrix).toMatchObject({ status: "DRAFT", title: "Atelier importé" });
      expect(await content(result.data!.importMatrix.matrix.id), format).toEqual({ ...original, status: "DRAFT" });
    }
  });

  it("imports an ODS laid out as the exports are, repeated empty cells and rows included", async () => {
    const file = await ods([
      {
        name: "Facteurs",
        rows: [
          ["Réf.", "Type", "Libellé", "Poids", "Note", "Clé du catalogue"],
          ["F1", "Force", "Des élus moteurs", 2.5, 4, "S1"],
          ["F2", "Opportunité", "Appels à projets", null, null, "O1"],
        ],
      },
      {
        name: "Stratégies",
        rows: [
          ["Réf.", "Facteur interne", "Facteur externe", "Titre", "Statut", "Clé du catalogue", "Échéance", "Budget (€)"],
          ["STRAT1", "F1", "Appels à projets", "Répondre aux appels", "en cours", "SO-S1-O1", "30/06/2027", "12 000,5"],
        ],
      },
      {
        name: "Initiatives",
        rows: [
          ["Croisement", "Titre", "Stratégies liées"],
          ["Forces × Opportunités", "Veille", "STRAT1"],
        ],
      },
    ]);
    const result = await importFile(file, "atelier.ods");
    expect(result.errors).toBeUndefined();
    const read = await content(result.data!.importMatrix.matrix.id);
    expect(read.factors).toEqual([
      { kind: "STRENGTH", label: "Des élus moteurs", description: null, weight: 2.5, rating: 4, catalogueKey: "S1" },
      { kind: "OPPORTUNITY", label: "Appels à projets", description: null, weight: 1, rating: 3, catalogueKey: "O1" },
    ]);
    expect(read.strategies[0]).toMatchObject({ title: "Répondre aux appels", status: "IN_PROGRESS", dueDate: "2027-06-30", budget: 12000.5 });
    expect(read.initiatives).toEqual([expect.objectContaining({ title: "Veille", quadrant: "SO", strategies: [{ title: "Répondre aux appels" }] })]);
  });

  it("refuses a bad file whole, naming the sheet, row and column of the first problem in French, and writes nothing", async () => {
    const csv = (lines: string[]) => new TextEncoder().encode(`\uFEFF${lines.join("\r\n")}\r\n`);
    const factors = [
      "Facteurs",
      "Réf.;Type;Libellé;Poids;Clé du catalogue",
      "F1;Force;Des élus moteurs;1;S1",
      "F2;Opportunité;Appels;1;O1",
      "F3;Menace;Départs;1;T1",
    ];
    const cases: [Uint8Array, string][] = [
      [
        csv([...factors, "", "Stratégies", "Facteur interne;Facteur externe;Titre;Clé du catalogue", "F1;F2;Bonne;SO-S1-O1", "F1;F3;Mal placée;SO-S1-O1"]),
        "Feuille « Stratégies », ligne 10, colonne « Clé du catalogue » : clé du catalogue refusée",
      ],
      [
        csv(["Facteurs", "Type;Libellé;Poids", "Force;Des élus;beaucoup"]),
        "Feuille « Facteurs », ligne 3, colonne « Poids » : « beaucoup » n'est pas un nombre",
      ],
      [csv(["Facteurs", "Type;Libellé", "Chance;Des élus"]), "Feuille « Facteurs », ligne 3, colonne « Type » : « Chance » n'est pas un type"],
      [
        csv([...factors, "", "Stratégies", "Facteur interne;Facteur externe;Titre", "F1;F9;Sans facteur"]),
        "Feuille « Stratégies », ligne 9, colonne « Facteur externe » : « F9 » ne renvoie à aucune ligne",
      ],
      [csv([...factors, "F4;Force;Encore S1;1;S1"]), "Feuille « Facteurs », ligne 6, colonne « Clé du catalogue »"],
      [csv(["Stratégies", "Facteur interne;Facteur externe;Titre"]), "pas de feuille « Facteurs »"],
      [new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), "abîmé"],
    ];
    const before = await app.eventCount();
    for (const [file, message] of cases) {
      const result = await importFile(file, "atelier.csv");
      expect(result.errors?.[0]?.extensions, message).toMatchObject({ code: "BAD_USER_INPUT", field: "file" });
      expect(result.errors![0].message).toContain(message);
    }
    expect(await app.eventCount()).toBe(before);
  });

  it("is an editor's of that collectivity only", async () => {
    const other = (
      await app.ok(`mutation { registerCollectivity(input: { name: "Commune d'ailleurs", kind: COMMUNE, population: 900 }) { collectivity { id } } }`)
    ).registerCollectivity.collectivity.id;
    const result = await importFile(await exported(source, "csv"), "matrice.csv", "Intrus", await app.token("EDITOR", other));
    expect(result.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
