// `npm run screenshots`: the web app's main pages on the demo network, as
// PNG files in docs/screenshots/, which README shows. Runs Pilotis on a
// throw-away database (the local PostgreSQL, else embedded PGlite) and
// Debian's Chromium.
import { mkdirSync } from "node:fs";
import { loadConfig } from "../src/config.ts";
import { createLogger } from "../src/logger.ts";
import { startPilotis } from "../src/runtime.ts";
import { launchChromium } from "../test/support/browser.ts";
import { createTestDatabase } from "../test/support/database.ts";

const OUT = "docs/screenshots";
const database = await createTestDatabase({ migrated: false });
const pilotis = await startPilotis(
  loadConfig({
    DATABASE_URL: database.url,
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    PILOTIS_DB_POOL_SIZE: String(database.poolSize),
    PILOTIS_DEMO_DATA: "true",
    // Benchmarks released at once, so that the charts have figures.
    PILOTIS_BENCHMARK_RELEASE_SECONDS: "1",
  }),
  createLogger("warn"),
);
const browser = await launchChromium();
try {
  await pilotis.demoLoaded;
  const origin = pilotis.server.url.replace(/\/graphql$/, "");
  const { services } = pilotis;
  const admin = services.signInCodes.create({ role: "ADMIN", subject: "capture d'écran" });
  const directory = await services.db.collectivityDirectory.findFirst({ where: { name: { startsWith: "Communauté de communes fictive" } } });
  if (!directory) throw new Error("the demo network has no communauté de communes");
  const matrix = await services.db.matrixView.findFirst({ where: { collectivityId: directory.collectivityId, status: "PUBLISHED" } });
  if (!matrix) throw new Error("the demo collectivity has no published matrix");
  // Wait for its group's release: the projections catch up, then one window passes.
  await new Promise((resolve) => setTimeout(resolve, 5000));

  const context = await browser.newContext({ locale: "fr-FR", timezoneId: "Europe/Paris", viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`${origin}/connexion?code=${admin}`);
  await page.waitForURL(`${origin}/`);
  // An editor of the collectivity sees what its users see: its own standing, editing in place.
  const editor = services.signInCodes.create({ role: "EDITOR", collectivityId: directory.collectivityId, subject: "chargee.innovation@exemple.fr" });
  await page.goto(`${origin}/connexion?code=${editor}`);
  mkdirSync(OUT, { recursive: true });
  const shots: [string, string, string][] = [
    ["reseau", "/", ".card"],
    ["collectivite", `/collectivites/${directory.collectivityId}`, "#matrices"],
    ["matrice", `/matrices/${matrix.matrixId}`, ".cross"],
    ["rapport", `/matrices/${matrix.matrixId}/rapport`, ".report .cross"],
    ["parangonnage", "/parangonnage", "#chiffres"],
  ];
  for (const [name, path, ready] of shots) {
    await page.goto(`${origin}${path}`);
    await page.locator(ready).first().waitFor();
    await page.waitForLoadState("networkidle").catch(() => undefined);
    await page.screenshot({ path: `${OUT}/${name}.png`, fullPage: name !== "reseau" });
    process.stdout.write(`${OUT}/${name}.png\n`);
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${origin}/matrices/${matrix.matrixId}`);
  await page.locator(".cross").first().waitFor();
  await page.screenshot({ path: `${OUT}/matrice-telephone.png` });
  process.stdout.write(`${OUT}/matrice-telephone.png\n`);
} finally {
  await browser.close();
  await pilotis.close();
  await database.drop();
}
