import { existsSync, readFileSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

// The web app's built files (web/dist, made by `npm install` or
// `npm run web:build`), served by the API process: one origin, so the
// session cookie and the API need no CORS, and no request leaves for
// another host (the Content-Security-Policy says so to the browser too).

export const WEB_DIST = fileURLToPath(new URL("../../web/dist/", import.meta.url));

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
};

/** Pages of the web app: each is the same document, which routes in the browser. */
const PAGES = [/^\/$/, /^\/collectivites\/[^/]+$/, /^\/matrices\/[^/]+$/, /^\/matrices\/[^/]+\/rapport$/, /^\/parangonnage$/, /^\/connexion$/];

export const isPage = (path: string): boolean => PAGES.some((page) => page.test(path));

export const PAGE_HEADERS = {
  "content-security-policy":
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
};

const COMPRESSIBLE = new Set([".html", ".js", ".css", ".svg", ".json", ".webmanifest"]);

/** Files as sent, raw and gzipped: built files change only with a new build, which restarts the process. */
const cache = new Map<string, { raw: Buffer; gzip: Buffer | null }>();

function contentOf(file: string) {
  let entry = cache.get(file);
  if (!entry) {
    const raw = readFileSync(file);
    entry = { raw, gzip: COMPRESSIBLE.has(extname(file)) ? gzipSync(raw, { level: 9 }) : null };
    cache.set(file, entry);
  }
  return entry;
}

function send(req: IncomingMessage, res: ServerResponse, file: string, cacheControl: string): void {
  const { raw, gzip } = contentOf(file);
  const zipped = gzip !== null && /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
  res.writeHead(200, {
    "content-type": TYPES[extname(file)] ?? "application/octet-stream",
    "cache-control": cacheControl,
    vary: "accept-encoding",
    ...(zipped && { "content-encoding": "gzip" }),
    ...PAGE_HEADERS,
  });
  res.end(zipped ? gzip : raw);
}

/**
 * Serves a built file or a page of the web app, gzipped when the browser
 * accepts it; false when the path is neither. Vite names assets by their
 * content's hash, so they are cached for good; the page itself never is, so
 * a new version shows at once.
 */
export function serveWeb(path: string, req: IncomingMessage, res: ServerResponse): boolean {
  if (isPage(path)) {
    const index = join(WEB_DIST, "index.html");
    if (!existsSync(index)) {
      res.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
      res.end("L'application web n'est pas construite : lancez « npm run web:build ».\n");
      return true;
    }
    send(req, res, index, "no-store");
    return true;
  }
  const file = normalize(join(WEB_DIST, decodeURIComponent(path)));
  if (!file.startsWith(WEB_DIST) || file.endsWith(sep) || !existsSync(file) || !statSync(file).isFile()) return false;
  send(req, res, file, path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache");
  return true;
}
