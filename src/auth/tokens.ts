import { createHash, randomBytes, randomUUID } from "node:crypto";
import { LRUCache } from "lru-cache";
import type { Db } from "../db/client.ts";
import { badInput } from "../domain/errors.ts";
import type { ApiToken } from "../generated/prisma/client.ts";
import type { Principal, Role } from "./principal.ts";

const PREFIX = "pil_";

// Tokens are 256 random bits: a plain SHA-256 is enough to keep a stolen
// table useless, and it keeps lookups to one indexed equality.
export const hashToken = (token: string): string => createHash("sha256").update(token).digest("hex");

export interface IssuedToken {
  token: string;
  principal: Principal;
  /** The row as stored (its secret only as a hash). */
  row: ApiToken;
}

export interface TokenRequest {
  role: Role;
  collectivityId?: string | null;
  subject?: string | null;
  expiresAt?: Date | null;
  /** The token id of whoever issued it, and the command id they gave. */
  issuedBy?: string | null;
  commandId?: string | null;
}

/** Checks a request for a token; the same rules for the API and the command line. */
export function validateTokenRequest(request: TokenRequest, now = new Date()): void {
  if (request.role === "EDITOR" && !request.collectivityId) throw badInput("collectivityId", "an EDITOR token needs a collectivity");
  if (request.role !== "EDITOR" && request.collectivityId) throw badInput("collectivityId", "only an EDITOR token belongs to a collectivity");
  if (request.subject != null && (request.subject.trim() === "" || request.subject.length > 200)) {
    throw badInput("subject", "subject must be 1 to 200 characters");
  }
  if (request.expiresAt && request.expiresAt.getTime() <= now.getTime()) throw badInput("expiresAt", "expiresAt must be in the future");
}

/** Stores a new token (its hash only) and returns the secret, shown this once. */
export async function issueToken(db: Db, request: TokenRequest): Promise<IssuedToken> {
  validateTokenRequest(request);
  const id = randomUUID();
  const token = `${PREFIX}${randomBytes(32).toString("base64url")}`;
  const subject = request.subject?.trim() || `${request.role.toLowerCase()}:${id.slice(0, 8)}`;
  const expiresAt = request.expiresAt ?? null;
  const row = await db.apiToken.create({
    data: {
      id,
      tokenHash: hashToken(token),
      role: request.role,
      collectivityId: request.collectivityId ?? null,
      subject,
      expiresAt,
      issuedBy: request.issuedBy ?? null,
      commandId: request.commandId ?? null,
    },
  });
  return { token, row, principal: { tokenId: id, role: request.role, collectivityId: request.collectivityId ?? null, subject, expiresAt } };
}

/** The principal behind a bearer token, or null when it is unknown, revoked or expired. */
export async function authenticate(db: Db, token: string, now = new Date()): Promise<Principal | null> {
  if (!token.startsWith(PREFIX)) return null;
  const row = await db.apiToken.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
  return { tokenId: row.id, role: row.role, collectivityId: row.collectivityId, subject: row.subject, expiresAt: row.expiresAt };
}

/** How long a looked-up token is trusted without asking the database again; revocations evict it sooner (see revocations.ts). */
export const TOKEN_CACHE_MS = 10_000;
/** lastUsedAt is written at most this often per token and process. */
export const LAST_USED_EVERY_MS = 60_000;

/**
 * authenticate() with a short memory, so that a busy client costs one token
 * lookup per TOKEN_CACHE_MS rather than one per request. Unknown tokens are
 * remembered too, so guessing does not reach the database each time.
 */
export class TokenAuthenticator {
  private readonly cache = new LRUCache<string, { principal: Principal | null }>({ max: 10_000, ttl: TOKEN_CACHE_MS });
  private readonly lastUsed = new LRUCache<string, number>({ max: 10_000, ttl: LAST_USED_EVERY_MS });

  constructor(
    private readonly db: Db,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  async authenticate(token: string): Promise<Principal | null> {
    const hit = this.cache.get(token);
    let principal = hit ? hit.principal : await authenticate(this.db, token);
    if (principal?.expiresAt && principal.expiresAt.getTime() <= Date.now()) principal = null;
    if (!hit) this.cache.set(token, { principal });
    if (principal) this.touch(principal.tokenId);
    return principal;
  }

  /** Forgets a token at once, so that its next request asks the database. */
  evict(tokenId: string): void {
    for (const [token, entry] of this.cache.entries()) if (entry.principal?.tokenId === tokenId) this.cache.delete(token);
  }

  private touch(tokenId: string): void {
    if (this.lastUsed.has(tokenId)) return;
    this.lastUsed.set(tokenId, Date.now());
    this.db.apiToken.update({ where: { id: tokenId }, data: { lastUsedAt: new Date() } }).catch(this.onError);
  }
}
