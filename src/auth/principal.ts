import type { MatrixVisibility } from "../domain/types.ts";

export type Role = "ADMIN" | "EDITOR" | "OBSERVER";

/** Who is calling: the token's role, the collectivity an EDITOR works for, and the subject recorded as actor. */
export interface Principal {
  tokenId: string;
  role: Role;
  collectivityId: string | null;
  subject: string;
  /** When the token stops working; open subscriptions end then too. */
  expiresAt?: Date | null;
}

export type AccessErrorCode = "UNAUTHENTICATED" | "FORBIDDEN";

export class AccessError extends Error {
  constructor(
    readonly code: AccessErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "AccessError";
  }
}

export function requirePrincipal(principal: Principal | null): Principal {
  if (!principal) throw new AccessError("UNAUTHENTICATED", "a valid bearer token is required");
  return principal;
}

export const canEdit = (principal: Principal, collectivityId: string): boolean =>
  principal.role === "ADMIN" || (principal.role === "EDITOR" && principal.collectivityId === collectivityId);

export function requireEditor(principal: Principal | null, collectivityId: string): Principal {
  const who = requirePrincipal(principal);
  if (!canEdit(who, collectivityId)) {
    throw new AccessError("FORBIDDEN", "this token may not change this collectivity");
  }
  return who;
}

export function requireAdmin(principal: Principal | null): Principal {
  const who = requirePrincipal(principal);
  if (who.role !== "ADMIN") throw new AccessError("FORBIDDEN", "this operation needs an ADMIN token");
  return who;
}

/**
 * Who reads a matrix in full: its own editors and admins always; once it is
 * published, every signed-in member if it is NETWORK, anyone (without a
 * token) if it is PUBLIC. A draft and an AGGREGATES_ONLY matrix stay with
 * their editors: the rest of the network only sees them in benchmarks.
 */
export function canSeeMatrix(principal: Principal | null, matrix: { collectivityId: string; visibility: MatrixVisibility | null }): boolean {
  if (matrix.visibility === "PUBLIC") return true;
  if (!principal) return false;
  return matrix.visibility === "NETWORK" || canEdit(principal, matrix.collectivityId);
}
