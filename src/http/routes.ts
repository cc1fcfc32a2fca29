import type { IncomingMessage, ServerResponse } from "node:http";
import type { Services } from "../app/services.ts";
import { bearerToken } from "../auth/bearer.ts";
import type { Principal } from "../auth/principal.ts";
import type { RecordedEvent } from "../domain/events.ts";
import { matrixStream } from "../domain/streams.ts";
import type { Logger } from "../logger.ts";
import { matrixTables, summaryOf, toCsv, toXlsx } from "../spreadsheets/write.ts";
import { noGrantMessage, OIDC_RETURN, OIDC_START, type OidcSettings, OidcSignIn } from "./oidc.ts";
import { CSRF_HEADER, csrfMatches, csrfTokenOf, openSession, sessionCookie, sessionOf } from "./sessions.ts";
import { PAGE_HEADERS, serveWeb } from "./static-files.ts";

// Routes beside GraphQL: signing in and out, the session a page reads, the
// exports and the web app's files. Each answers in French where a person
// reads it.

export interface HttpRoutes {
  /** Answers the request when it is one of these routes; false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean>;
  /**
   * A request to /graphql that rides on the session cookie gets the
   * session's bearer token, once its CSRF token is checked; false when it was
   * refused (the response is sent).
   */
  authorizeGraphQL(req: IncomingMessage, res: ServerResponse): boolean;
}

function message(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...PAGE_HEADERS });
  res.end(`${text}\n`);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

function redirect(res: ServerResponse, to: string): void {
  res.writeHead(303, { location: to, "cache-control": "no-store" });
  res.end();
}

const EXPORT = /^\/exports\/matrices\/([^/]+)\.(xlsx|csv)$/;

export function httpRoutes(
  services: Services,
  options: { secureCookies: boolean; publicUrl: string | null; oidc: OidcSettings | null; logger: Logger },
): HttpRoutes {
  const oidc = options.oidc ? new OidcSignIn(options.oidc, options.secureCookies) : null;
  /** Where the provider sends people back: under the public URL, else the host the browser used. */
  const siteOf = (req: IncomingMessage) => options.publicUrl?.replace(/\/$/, "") ?? `http://${req.headers.host ?? "localhost"}`;

  /** The token a request carries: its Authorization header, else its session cookie. */
  const tokenOf = (req: IncomingMessage) => bearerToken(req.headers.authorization) ?? sessionOf(req);
  const principalOf = async (req: IncomingMessage): Promise<Principal | null> => {
    const token = tokenOf(req);
    return token ? services.authenticator.authenticate(token) : null;
  };

  async function matrixHistory(matrixId: string, principal: Principal): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for (let after: string | null = null; ; ) {
      const page = await services.queries.events({ streamId: matrixStream(matrixId), after, first: services.queries.pageSize(null) }, principal);
      events.push(...page.items.map((edge) => edge.node));
      if (!page.hasNextPage) return events;
      after = page.items.at(-1)!.cursor;
    }
  }

  async function exportMatrix(req: IncomingMessage, res: ServerResponse, matrixId: string, format: "xlsx" | "csv"): Promise<void> {
    const principal = await principalOf(req);
    if (!principal) return message(res, 401, "Connectez-vous pour exporter une matrice.");
    const matrix = await services.queries.matrix(matrixId, {}, principal);
    if (!matrix) return message(res, 404, "Cette matrice n'existe pas, ou vous n'avez pas le droit de la lire.");
    const collectivity = await services.queries.collectivity(matrix.collectivityId, principal);
    const tables = matrixTables(matrix, await matrixHistory(matrixId, principal));
    const summary = summaryOf(matrix, collectivity?.name ?? "");
    const file = `matrice-${matrix.id}.${format}`;
    const headers = { "content-disposition": `attachment; filename="${file}"`, "cache-control": "no-store" };
    if (format === "csv") {
      res.writeHead(200, { "content-type": "text/csv; charset=utf-8", ...headers });
      res.end(toCsv(summary, tables));
    } else {
      res.writeHead(200, { "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ...headers });
      res.end(await toXlsx(summary, tables));
    }
  }

  return {
    async handle(req, res, path) {
      if (req.method === "GET" && path === "/connexion") {
        const code = new URL(req.url ?? "/", "http://localhost").searchParams.get("code");
        // Without a code, the page itself says how to sign in.
        if (code === null) return serveWeb(path, req, res);
        const grant = services.signInCodes.consume(code);
        if (!grant) {
          message(res, 400, "Ce lien de connexion n'est plus valable : il ne sert qu'une fois. Demandez-en un nouveau.");
          return true;
        }
        await openSession(services.db, res, grant, options.secureCookies);
        redirect(res, "/");
        return true;
      }
      if (req.method === "GET" && (path === OIDC_START || path === OIDC_RETURN)) {
        if (!oidc) {
          message(res, 404, "La connexion par ProConnect (OpenID Connect) n'est pas configurée sur ce serveur.");
          return true;
        }
        const site = siteOf(req);
        if (path === OIDC_START) {
          await oidc.start(res, `${site}${OIDC_RETURN}`);
          return true;
        }
        let email: string;
        try {
          ({ email } = await oidc.finish(req, res, new URL(req.url ?? OIDC_RETURN, site)));
        } catch (error) {
          options.logger.warn({ err: error }, "OpenID Connect sign-in failed");
          message(res, 400, "La connexion n'a pas abouti. Recommencez depuis la page de connexion.");
          return true;
        }
        const grant = await services.grants.signInGrant(email);
        if (!grant) {
          message(res, 403, noGrantMessage(email));
          return true;
        }
        await openSession(services.db, res, grant, options.secureCookies);
        redirect(res, "/");
        return true;
      }
      if (req.method === "GET" && path === "/session") {
        const token = sessionOf(req);
        const principal = token ? await services.authenticator.authenticate(token) : null;
        json(
          res,
          200,
          principal && token
            ? { signedIn: true, role: principal.role, collectivityId: principal.collectivityId, subject: principal.subject, csrf: csrfTokenOf(token) }
            : { signedIn: false, oidc: oidc !== null },
        );
        return true;
      }
      if (req.method === "POST" && path === "/deconnexion") {
        const token = sessionOf(req);
        if (token && !csrfMatches(token, req.headers[CSRF_HEADER])) {
          message(res, 403, "Requête refusée : jeton anti-CSRF absent ou faux.");
          return true;
        }
        const principal = token ? await services.authenticator.authenticate(token) : null;
        if (principal) await services.tokens.revoke(principal, { tokenId: principal.tokenId, reason: "déconnexion" });
        res.setHeader("set-cookie", sessionCookie("", 0, options.secureCookies));
        redirect(res, "/");
        return true;
      }
      const exported = EXPORT.exec(path);
      if (req.method === "GET" && exported) {
        await exportMatrix(req, res, decodeURIComponent(exported[1]!), exported[2] as "xlsx" | "csv");
        return true;
      }
      return req.method === "GET" && serveWeb(path, req, res);
    },

    authorizeGraphQL(req, res) {
      if (req.headers.authorization) return true;
      const token = sessionOf(req);
      if (!token) return true;
      // GraphiQL's page itself is a read of static HTML; every operation needs the CSRF token.
      const graphiqlPage = req.method === "GET" && req.headers.accept?.includes("text/html");
      if (!graphiqlPage && !csrfMatches(token, req.headers[CSRF_HEADER])) {
        json(res, 403, { errors: [{ message: "Requête refusée : jeton anti-CSRF absent ou faux.", extensions: { code: "FORBIDDEN" } }] });
        return false;
      }
      req.headers.authorization = `Bearer ${token}`;
      return true;
    },
  };
}
