// `npm run token`: issue, list and revoke API tokens. Against the database
// itself, or, when an embedded server holds the data folder (one process
// only may open PGlite), through that server's API with the local admin token.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { TokenService } from "../app/tokens.ts";
import type { Principal, Role } from "../auth/principal.ts";
import { type Config, loadConfig } from "../config.ts";
import { createDatabase } from "../db/client.ts";
import { migrate } from "../db/migrator.ts";
import { EmbeddedInUseError, openDatabase } from "../db/open.ts";
import { DomainError } from "../domain/errors.ts";
import { collectivityStream } from "../domain/streams.ts";

const USAGE = `usage: npm run token -- --role ADMIN|EDITOR|OBSERVER [--collectivity ID] [--subject NAME] [--expires-in 30d|12h|15m]
       npm run token -- --list [--all]
       npm run token -- --revoke TOKEN_ID [--reason TEXT]`;

interface TokenView {
  id: string;
  role: string;
  subject: string;
  collectivityId: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

interface TokenAdmin {
  issue(input: { role: Role; collectivityId: string | null; subject: string; expiresAt: Date | null }): Promise<{ token: string; view: TokenView }>;
  list(includeRevoked: boolean): Promise<TokenView[]>;
  revoke(tokenId: string, reason: string | null): Promise<TokenView>;
  close(): Promise<void>;
}

class UsageError extends Error {}

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

const DURATION = /^(\d+)(m|h|d)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

function expiry(text: string | undefined): Date | null {
  if (text === undefined) return null;
  const match = DURATION.exec(text);
  if (!match || Number(match[1]) === 0)
    throw new UsageError(`--expires-in takes a positive number of minutes, hours or days, such as 30d, 12h or 15m, not ${text}`);
  return new Date(Date.now() + Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
}

const iso = (date: Date | string | null) => (date === null ? null : new Date(date).toISOString());

/** Straight to the database: the command line stands for an administrator. */
async function directAdmin(database: Awaited<ReturnType<typeof openDatabase>>): Promise<TokenAdmin> {
  await migrate(database.url);
  const connection = createDatabase({ url: database.url, poolSize: 1 });
  const db = connection.prisma;
  // Running processes learn of revocations by polling the database.
  const service = new TokenService(
    db,
    () => undefined,
    async (id) => (await db.stream.count({ where: { streamId: collectivityStream(id) } })) > 0,
  );
  const cli: Principal = { tokenId: "command-line", role: "ADMIN", collectivityId: null, subject: "command line" };
  const view = (row: Awaited<ReturnType<TokenService["revoke"]>>): TokenView => ({
    ...row,
    createdAt: iso(row.createdAt)!,
    expiresAt: iso(row.expiresAt),
    revokedAt: iso(row.revokedAt),
    lastUsedAt: iso(row.lastUsedAt),
  });
  return {
    async issue(input) {
      const issued = await service.issue(cli, input);
      return { token: issued.token, view: view(issued.row) };
    },
    async list(includeRevoked) {
      return (await service.list(cli, { includeRevoked })).map(view);
    },
    async revoke(tokenId, reason) {
      return view(await service.revoke(cli, { tokenId, reason }));
    },
    async close() {
      await connection.close();
      await database.embedded?.stop();
    },
  };
}

const FIELDS = "id role subject collectivity { id } createdAt expiresAt revokedAt lastUsedAt";
type Node = Omit<TokenView, "collectivityId"> & { collectivity: { id: string } | null };
const fromNode = ({ collectivity, ...rest }: Node): TokenView => ({ ...rest, collectivityId: collectivity?.id ?? null });

/** Through the API of the embedded server that holds the data folder, as its local admin. */
function httpAdmin(config: Config, url: string): TokenAdmin {
  const adminToken = readFileSync(join(config.PILOTIS_DATA_DIR, "admin-token"), "utf8").trim();
  async function call<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string; field?: string } }[] };
    const error = body.errors?.[0];
    if (error) throw new DomainError((error.extensions?.code as DomainError["code"]) ?? "BAD_USER_INPUT", error.message, { field: error.extensions?.field });
    return body.data!;
  }
  return {
    async issue(input) {
      const data = await call<{ issueToken: { token: string; apiToken: Node } }>(
        `mutation($input: IssueTokenInput!) { issueToken(input: $input) { token apiToken { ${FIELDS} } } }`,
        { input: { ...input, expiresAt: iso(input.expiresAt) } },
      );
      return { token: data.issueToken.token, view: fromNode(data.issueToken.apiToken) };
    },
    async list(includeRevoked) {
      const views: TokenView[] = [];
      let after: string | null = null;
      for (;;) {
        const data: { tokens: { edges: { node: Node }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await call(
          `query($after: String, $all: Boolean) { tokens(first: 50, after: $after, includeRevoked: $all) { edges { node { ${FIELDS} } } pageInfo { hasNextPage endCursor } } }`,
          { after, all: includeRevoked },
        );
        views.push(...data.tokens.edges.map((edge) => fromNode(edge.node)));
        if (!data.tokens.pageInfo.hasNextPage) return views;
        after = data.tokens.pageInfo.endCursor;
      }
    },
    async revoke(tokenId, reason) {
      const data = await call<{ revokeToken: Node }>(`mutation($input: RevokeTokenInput!) { revokeToken(input: $input) { ${FIELDS} } }`, {
        input: { tokenId, reason },
      });
      return fromNode(data.revokeToken);
    },
    async close() {},
  };
}

const describe = (t: TokenView) =>
  `${t.role} token ${t.id} for ${t.subject}${t.collectivityId ? ` (collectivity ${t.collectivityId})` : ""}${t.expiresAt ? `, expires ${t.expiresAt}` : ""}`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: "string" },
      collectivity: { type: "string" },
      subject: { type: "string" },
      "expires-in": { type: "string" },
      list: { type: "boolean" },
      all: { type: "boolean" },
      revoke: { type: "string" },
      reason: { type: "string" },
    },
  });
  const role = values.role?.toUpperCase();
  const action = values.list ? "list" : values.revoke ? "revoke" : "issue";
  if (action === "issue") {
    if (role !== "ADMIN" && role !== "EDITOR" && role !== "OBSERVER") throw new UsageError("--role must be ADMIN, EDITOR or OBSERVER");
    if ((role === "EDITOR") !== Boolean(values.collectivity))
      throw new UsageError("an EDITOR token needs --collectivity ID, and only an EDITOR token takes one");
  }
  const expiresAt = expiry(values["expires-in"]);

  const config = loadConfig();
  let admin: TokenAdmin;
  try {
    admin = await directAdmin(await openDatabase(config));
  } catch (error) {
    if (!(error instanceof EmbeddedInUseError)) throw error;
    if (!error.owner.url) fail(`${error.message}; try again once it serves`, 1);
    admin = httpAdmin(config, error.owner.url);
  }
  try {
    if (action === "list") {
      for (const t of await admin.list(Boolean(values.all))) {
        process.stdout.write(
          `${[t.id, t.role, t.subject, t.collectivityId ?? "-", t.createdAt, t.expiresAt ?? "-", t.revokedAt ? `revoked ${t.revokedAt}` : "active", t.lastUsedAt ?? "never used"].join("\t")}\n`,
        );
      }
    } else if (action === "revoke") {
      const revoked = await admin.revoke(values.revoke!, values.reason ?? null);
      process.stderr.write(`revoked: ${describe(revoked)}\n`);
    } else {
      const issued = await admin.issue({
        role: role as Role,
        collectivityId: values.collectivity ?? null,
        subject: values.subject ?? `${role!.toLowerCase()} (command line)`,
        expiresAt,
      });
      process.stderr.write(`${describe(issued.view)}:\n`);
      process.stdout.write(`${issued.token}\n`);
    }
  } finally {
    await admin.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) fail(`${error.message}\n${USAGE}`, 2);
  if (error instanceof DomainError) fail(`${error.code}: ${error.message}`, error.code === "BAD_USER_INPUT" ? 2 : 1);
  fail(error instanceof Error ? error.message : String(error), 1);
});
