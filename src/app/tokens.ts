import { type Principal, type Role, requireAdmin, requirePrincipal } from "../auth/principal.ts";
import { type IssuedToken, issueToken } from "../auth/tokens.ts";
import type { Db } from "../db/client.ts";
import { badInput, notFound } from "../domain/errors.ts";
import { checkReason } from "../domain/validation.ts";
import type { ApiToken, Prisma } from "../generated/prisma/client.ts";

/** What a connection adds to a listing: its page and the fields its nodes select. */
export type TokenPage = Pick<Prisma.ApiTokenFindManyArgs, "take" | "skip" | "cursor" | "select">;

const live = (includeRevoked?: boolean | null) => (includeRevoked ? {} : { revokedAt: null });

export interface IssueTokenInput {
  role: Role;
  collectivityId?: string | null;
  subject: string;
  expiresAt?: Date | null;
  commandId?: string | null;
}

/** API tokens as the API manages them: who may see, issue and revoke which. */
export class TokenService {
  constructor(
    private readonly db: Db,
    /** Told of each revocation made here, so that it takes effect in this process at once. */
    private readonly onRevoked: (tokenId: string) => void,
    private readonly collectivityExists: (id: string) => Promise<boolean>,
  ) {}

  /** The calling token, or null without one. */
  async me(principal: Principal | null): Promise<ApiToken | null> {
    return principal ? this.db.apiToken.findUnique({ where: { id: principal.tokenId } }) : null;
  }

  /**
   * Tokens oldest first, revoked ones only when asked; ADMIN only. The page
   * (take, skip, cursor) and the nested selection come from the GraphQL
   * connection (plugin-prisma's prismaConnection); without one, all of them.
   */
  async list(principal: Principal | null, args: { includeRevoked?: boolean | null; page?: TokenPage }): Promise<ApiToken[]> {
    requireAdmin(principal);
    return this.db.apiToken.findMany({ ...args.page, where: live(args.includeRevoked), orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  }

  /** How many tokens list() pages through; ADMIN only. */
  async count(principal: Principal | null, includeRevoked?: boolean | null): Promise<number> {
    requireAdmin(principal);
    return this.db.apiToken.count({ where: live(includeRevoked) });
  }

  /** A new token; ADMIN only. A replayed commandId is refused: the secret was shown once and is not kept. */
  async issue(principal: Principal | null, input: IssueTokenInput): Promise<IssuedToken> {
    const admin = requireAdmin(principal);
    if (input.commandId != null && (input.commandId.trim() === "" || input.commandId.length > 200)) {
      throw badInput("commandId", "commandId must be 1 to 200 characters");
    }
    if (input.collectivityId && !(await this.collectivityExists(input.collectivityId))) throw notFound("collectivity", input.collectivityId);
    if (input.commandId && (await this.db.apiToken.findUnique({ where: { issuedBy_commandId: { issuedBy: admin.tokenId, commandId: input.commandId } } }))) {
      throw badInput("commandId", `commandId ${input.commandId} already issued a token, whose secret was shown once; revoke it if it was lost`);
    }
    return issueToken(this.db, { ...input, issuedBy: admin.tokenId });
  }

  /**
   * Revokes a token: an ADMIN any, anyone their own. Another's token answers
   * as an unknown one. Effective at once in this process, within about a
   * second in the others (RevocationWatcher); revoking twice keeps the first.
   */
  async revoke(principal: Principal | null, input: { tokenId: string; reason?: string | null }): Promise<ApiToken> {
    const who = requirePrincipal(principal);
    if (who.role !== "ADMIN" && who.tokenId !== input.tokenId) throw notFound("token", input.tokenId);
    const reason = input.reason == null ? null : checkReason(input.reason);
    const row = await this.db.apiToken.findUnique({ where: { id: input.tokenId } });
    if (!row) throw notFound("token", input.tokenId);
    if (row.revokedAt) return row;
    const revoked = await this.db.apiToken.update({ where: { id: input.tokenId }, data: { revokedAt: new Date(), revokeReason: reason } });
    this.onRevoked(input.tokenId);
    return revoked;
  }
}
