import { createHash, randomBytes, randomUUID } from "node:crypto";
import { LRUCache } from "lru-cache";
import type { Db } from "../db/client.ts";
import type { Principal, Role } from "./principal.ts";

const PREFIX = "pil_";

// Tokens are 256 random bits: a plain SHA-256 is enough to keep a stolen
// table useless, and it keeps lookups to one indexed equality.
export const hashToken = (token: string): string => createHash("sha256").update(token).digest("hex");

export interface IssuedToken {
  token: string;
  principal: Principal;
}

export async function issueToken(
  db: Db,
  options: { role: Role; collectivityId?: string | null; subject?: string | null },
): Promise<IssuedToken> {
  if (options.role === "EDITOR" && !options.collectivityId) throw new Error("an EDITOR token needs a collectivity id");
  if (options.role !== "EDITOR" && options.collectivityId) throw new Error("only EDITOR tokens belong to a collectivity");
  const id = randomUUID();
  const token = `${PREFIX}${randomBytes(32).toString("base64url")}`;
  const subject = options.subject?.trim() || `${options.role.toLowerCase()}:${id.slice(0, 8)}`;
  await db.apiToken.create({
    data: { id, tokenHash: hashToken(token), role: options.role, collectivityId: options.collectivityId ?? null, subject },
  });
  return { token, principal: { tokenId: id, role: options.role, collectivityId: options.collectivityId ?? null, subject } };
}

/** The principal behind a bearer token, or null when it is unknown or revoked. */
export async function authenticate(db: Db, token: string): Promise<Principal | null> {
  if (!token.startsWith(PREFIX)) return null;
  const row = await db.apiToken.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!row || row.revokedAt) return null;
  return { tokenId: row.id, role: row.role, collectivityId: row.collectivityId, subject: row.subject };
}

/** How long a looked-up token is trusted without asking the database again; a revocation takes effect within it. */
export const TOKEN_CACHE_MS = 10_000;

/**
 * authenticate() with a short memory, so that a busy client costs one token
 * lookup per TOKEN_CACHE_MS rather than one per request. Unknown tokens are
 * remembered too, so guessing does not reach the database each time.
 */
export function cachedAuthenticator(db: Db): (token: string) => Promise<Principal | null> {
  const cache = new LRUCache<string, { principal: Principal | null }>({ max: 10_000, ttl: TOKEN_CACHE_MS });
  return async (token) => {
    const hit = cache.get(token);
    if (hit) return hit.principal;
    const principal = await authenticate(db, token);
    cache.set(token, { principal });
    return principal;
  };
}
