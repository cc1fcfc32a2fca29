import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

// Debian's Chromium, driven by playwright-core (Playwright's own browser
// download cannot work on these machines; see ENVIRONMENT.md).

export const CHROMIUM = process.env.PILOTIS_CHROMIUM ?? "/usr/bin/chromium";
export const chromiumInstalled = existsSync(CHROMIUM);

if (!chromiumInstalled && process.env.CI === "true") throw new Error(`CI=true but Chromium is missing at ${CHROMIUM} (apt-get install chromium)`);
if (!chromiumInstalled) {
  process.stderr.write(
    `\n${"!".repeat(78)}\n!! Chromium is missing at ${CHROMIUM}: the browser tests are SKIPPED.\n!! Install it with: apt-get install -y chromium\n${"!".repeat(78)}\n\n`,
  );
}

// As root, without sandbox; and no background traffic to Google's hosts, which this machine refuses.
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Where the test run's one Chromium listens (test/support/global-setup.ts starts it); unset outside a test run. */
export const SHARED_CHROMIUM = "PILOTIS_TEST_CHROMIUM_WS";

export const launchChromiumServer = () => chromium.launchServer({ executablePath: CHROMIUM, args: ARGS });

/**
 * A browser: the test run's shared Chromium when there is one (closing it
 * then only disconnects), else one of its own (scripts, the bench).
 */
export function launchChromium(): Promise<Browser> {
  const shared = process.env[SHARED_CHROMIUM];
  return shared ? chromium.connect(shared) : chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** What a page did that it should not: a request to another host, a console error, an uncaught exception. */
export interface Watch {
  foreignRequests: string[];
  errors: string[];
}

export async function watchedPage(context: BrowserContext, origin: string): Promise<{ page: Page; watch: Watch }> {
  const page = await context.newPage();
  const watch: Watch = { foreignRequests: [], errors: [] };
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.protocol.startsWith("http") && url.origin !== origin) watch.foreignRequests.push(request.url());
  });
  page.on("console", (message) => {
    if (message.type() === "error") watch.errors.push(message.text());
  });
  page.on("pageerror", (error) => watch.errors.push(error.message));
  return { page, watch };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's serious and critical violations on the page as it stands. */
export async function seriousViolations(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  // Evaluated through the DevTools protocol: the page's own CSP rightly forbids inline scripts.
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v: { impact: string }) => v.impact === "serious" || v.impact === "critical")
      .map((v: { id: string; impact: string; nodes: { target: string[] }[] }) => ({
        id: v.id,
        impact: v.impact,
        nodes: v.nodes.map((n) => n.target.join(" ")),
      }));
  });
}
