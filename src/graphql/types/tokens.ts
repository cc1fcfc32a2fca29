import type { ApiToken as ApiTokenRow } from "../../generated/prisma/client.ts";
import { builder } from "../builder.ts";
import { Collectivity } from "./collectivity.ts";

export const RoleEnum = builder.enumType("Role", { values: ["ADMIN", "EDITOR", "OBSERVER"] as const });

const ApiToken = builder.prismaObject("ApiToken", {
  description: "A bearer token: its secret is shown once, when issued; only its hash is kept",
  fields: (t) => ({
    id: t.exposeID("id"),
    role: t.field({ type: RoleEnum, resolve: (token) => token.role }),
    collectivity: t.field({
      type: Collectivity,
      nullable: true,
      description: "The collectivity an EDITOR token may change",
      resolve: (token, _args, ctx) => (token.collectivityId ? ctx.queries.collectivity(token.collectivityId, ctx.principal) : null),
    }),
    subject: t.exposeString("subject", { description: "Who holds it: a person's e-mail or a service's name" }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    expiresAt: t.expose("expiresAt", { type: "DateTime", nullable: true, description: "Null: does not expire" }),
    revokedAt: t.expose("revokedAt", { type: "DateTime", nullable: true }),
    lastUsedAt: t.expose("lastUsedAt", { type: "DateTime", nullable: true, description: "May lag by up to a minute" }),
  }),
});

const IssueTokenInput = builder.inputType("IssueTokenInput", {
  fields: (t) => ({
    role: t.field({ type: RoleEnum, required: true }),
    collectivityId: t.id({ description: "Required for EDITOR, refused otherwise" }),
    subject: t.string({ required: true }),
    expiresAt: t.field({ type: "DateTime", description: "Must be in the future" }),
    commandId: t.id(),
  }),
});

const IssuedToken = builder.objectRef<{ token: string; row: ApiTokenRow }>("IssuedToken").implement({
  description: "The secret is shown once, in this payload; only its hash is stored",
  fields: (t) => ({
    token: t.exposeString("token"),
    apiToken: t.field({ type: ApiToken, resolve: (issued) => issued.row }),
  }),
});

const RevokeTokenInput = builder.inputType("RevokeTokenInput", {
  fields: (t) => ({
    tokenId: t.id({ required: true }),
    reason: t.string(),
  }),
});

builder.queryFields((t) => ({
  me: t.field({
    type: ApiToken,
    nullable: true,
    description: "The calling token; null without one",
    resolve: (_root, _args, ctx) => ctx.tokens.me(ctx.principal),
  }),
  tokens: t.prismaConnection(
    {
      type: ApiToken,
      cursor: "id",
      description: "ADMIN only. Oldest first",
      args: { includeRevoked: t.arg.boolean() },
      defaultSize: (_args, ctx) => ctx.queries.pageSize(null),
      maxSize: (args, ctx) => ctx.queries.pageSize(args.first ?? args.last, args.last == null ? "first" : "last"),
      resolve: (page, _root, args, ctx) => ctx.tokens.list(ctx.principal, { page, includeRevoked: args.includeRevoked }),
      totalCount: (_connection, args, ctx) => ctx.tokens.count(ctx.principal, args.includeRevoked),
    },
    { name: "ApiTokenConnection" },
    { name: "ApiTokenEdge" },
  ),
}));

builder.mutationFields((t) => ({
  issueToken: t.field({
    type: IssuedToken,
    description: "ADMIN only",
    args: { input: t.arg({ type: IssueTokenInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      ctx.tokens.issue(ctx.principal, {
        ...input,
        collectivityId: input.collectivityId == null ? null : String(input.collectivityId),
        commandId: input.commandId == null ? null : String(input.commandId),
      }),
  }),
  revokeToken: t.field({
    type: ApiToken,
    description: "ADMIN, or the holder of that very token. Takes effect in every API process within 2 seconds, and ends that token's open subscriptions.",
    args: { input: t.arg({ type: RevokeTokenInput, required: true }) },
    resolve: (_root, { input }, ctx) => ctx.tokens.revoke(ctx.principal, { tokenId: String(input.tokenId), reason: input.reason }),
  }),
}));
