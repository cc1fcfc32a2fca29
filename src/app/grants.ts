import { AccessError, type Principal, type Role, requireEditor, requirePrincipal } from "../auth/principal.ts";
import type { SignInGrant } from "../auth/sign-in-codes.ts";
import { validateTokenRequest } from "../auth/tokens.ts";
import type { Db } from "../db/client.ts";
import { badInput, notFound } from "../domain/errors.ts";
import { checkReason } from "../domain/validation.ts";
import type { PersonGrant } from "../generated/prisma/client.ts";

// Which role a person signing in with OpenID Connect gets, by e-mail: one
// grant per address. Admins grant any role; an editor grants EDITOR on their
// own collectivity and revokes its grants. Revoking a grant also ends the
// person's open sessions (their tokens carry the address as subject).

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const normalEmail = (email: string): string => email.trim().toLowerCase();

export interface GrantRoleInput {
  email: string;
  role: Role;
  collectivityId?: string | null;
  reason?: string | null;
}

export class GrantService {
  constructor(
    private readonly db: Db,
    private readonly collectivityExists: (id: string) => Promise<boolean>,
    /** Told of each token revoked here, so that it takes effect in every process. */
    private readonly onRevoked: (tokenId: string) => void,
  ) {}

  private checkEmail(email: string): string {
    const normal = normalEmail(email);
    if (normal.length > 200 || !EMAIL.test(normal)) throw badInput("email", "email must be an e-mail address");
    return normal;
  }

  /** Who may grant this: admins anything; an editor EDITOR on their own collectivity. */
  private authorize(principal: Principal | null, role: Role, collectivityId: string | null): Principal {
    const who = requirePrincipal(principal);
    if (who.role === "ADMIN") return who;
    if (role !== "EDITOR" || !collectivityId) throw new AccessError("FORBIDDEN", "an editor grants EDITOR on their own collectivity only");
    return requireEditor(who, collectivityId);
  }

  async grant(principal: Principal | null, input: GrantRoleInput): Promise<PersonGrant> {
    const email = this.checkEmail(input.email);
    const collectivityId = input.collectivityId ?? null;
    validateTokenRequest({ role: input.role, collectivityId });
    const who = this.authorize(principal, input.role, collectivityId);
    if (collectivityId && !(await this.collectivityExists(collectivityId))) throw notFound("collectivity", collectivityId);
    // An editor may not take over an address an admin granted more to.
    const existing = await this.db.personGrant.findUnique({ where: { email } });
    if (existing && !existing.revokedAt && who.role !== "ADMIN" && existing.role !== "EDITOR") {
      throw new AccessError("FORBIDDEN", "this address holds a grant only an admin may change");
    }
    const reason = input.reason == null ? null : checkReason(input.reason);
    const fields = { role: input.role, collectivityId, grantedBy: who.subject, grantedAt: new Date(), reason, revokedAt: null };
    return this.db.personGrant.upsert({ where: { email }, create: { email, ...fields }, update: fields });
  }

  async revoke(principal: Principal | null, input: { email: string; reason?: string | null }): Promise<PersonGrant> {
    const email = this.checkEmail(input.email);
    const existing = await this.db.personGrant.findUnique({ where: { email } });
    if (!existing) throw notFound("grant", email);
    this.authorize(principal, existing.role, existing.collectivityId);
    if (existing.revokedAt) return existing;
    const reason = input.reason == null ? existing.reason : checkReason(input.reason);
    const revoked = await this.db.personGrant.update({ where: { email }, data: { revokedAt: new Date(), reason } });
    const sessions = await this.db.apiToken.findMany({ where: { subject: email, revokedAt: null }, select: { id: true } });
    await this.db.apiToken.updateMany({ where: { id: { in: sessions.map((s) => s.id) } }, data: { revokedAt: new Date(), revokeReason: "accès retiré" } });
    for (const session of sessions) this.onRevoked(session.id);
    return revoked;
  }

  /** Grants of a collectivity (its editors and admins), or every grant (admins). */
  async list(principal: Principal | null, collectivityId: string | null): Promise<PersonGrant[]> {
    const who = requirePrincipal(principal);
    if (collectivityId) requireEditor(who, collectivityId);
    else if (who.role !== "ADMIN") throw new AccessError("FORBIDDEN", "only admins list every grant");
    return this.db.personGrant.findMany({ where: { revokedAt: null, ...(collectivityId ? { collectivityId } : {}) }, orderBy: { email: "asc" } });
  }

  /** What a person signing in with this verified address may do, or null without a live grant. */
  async signInGrant(email: string): Promise<SignInGrant | null> {
    const grant = await this.db.personGrant.findUnique({ where: { email: normalEmail(email) } });
    if (!grant || grant.revokedAt) return null;
    return { role: grant.role, collectivityId: grant.collectivityId, subject: grant.email };
  }
}
