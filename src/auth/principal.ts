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

/** A matrix never published is seen only by those who may edit it. */
export const canSeeMatrix = (principal: Principal, matrix: { collectivityId: string; publishedAt: string | null }): boolean =>
  matrix.publishedAt !== null || canEdit(principal, matrix.collectivityId);
