import { randomBytes } from "node:crypto";
import type { Role } from "./principal.ts";

export interface SignInGrant {
  role: Role;
  collectivityId?: string | null;
  /** Who signs in, as decisions will name them. */
  subject: string;
}

/**
 * One-time sign-in codes, as the embedded start prints one for its local
 * admin: single use, short-lived, held by this process only (the embedded
 * start is one process).
 */
export class SignInCodes {
  private readonly codes = new Map<string, SignInGrant & { expiresAt: number }>();

  create(grant: SignInGrant, ttlMs = 24 * 3600_000): string {
    const code = randomBytes(24).toString("base64url");
    this.codes.set(code, { ...grant, expiresAt: Date.now() + ttlMs });
    return code;
  }

  consume(code: string): SignInGrant | null {
    const grant = this.codes.get(code);
    this.codes.delete(code);
    return grant && grant.expiresAt > Date.now() ? grant : null;
  }
}
