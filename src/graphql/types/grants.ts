import { builder } from "../builder.ts";
import { Collectivity } from "./collectivity.ts";
import { RoleEnum } from "./tokens.ts";

const PersonGrant = builder.prismaObject("PersonGrant", {
  description: "The role a person gets when signing in with OpenID Connect under this e-mail address",
  fields: (t) => ({
    email: t.exposeString("email"),
    role: t.field({ type: RoleEnum, resolve: (grant) => grant.role }),
    collectivity: t.field({
      type: Collectivity,
      nullable: true,
      description: "The collectivity an EDITOR grant may change",
      resolve: (grant, _args, ctx) => (grant.collectivityId ? ctx.queries.collectivity(grant.collectivityId, ctx.principal) : null),
    }),
    grantedBy: t.exposeString("grantedBy", { description: "Who granted it, as their sign-in names them" }),
    grantedAt: t.expose("grantedAt", { type: "DateTime" }),
    reason: t.exposeString("reason", { nullable: true }),
    revokedAt: t.expose("revokedAt", { type: "DateTime", nullable: true }),
  }),
});

const GrantRoleInput = builder.inputType("GrantRoleInput", {
  fields: (t) => ({
    email: t.string({ required: true, description: "Compared without case" }),
    role: t.field({ type: RoleEnum, required: true }),
    collectivityId: t.id({ description: "Required for EDITOR, refused otherwise" }),
    reason: t.string(),
  }),
});

const RevokeRoleInput = builder.inputType("RevokeRoleInput", {
  fields: (t) => ({
    email: t.string({ required: true }),
    reason: t.string(),
  }),
});

builder.queryFields((t) => ({
  grants: t.field({
    type: [PersonGrant],
    description: "Live grants of a collectivity (its editors and admins), or of the whole network (admins)",
    args: { collectivityId: t.arg.id() },
    resolve: (_root, args, ctx) => ctx.grants.list(ctx.principal, args.collectivityId == null ? null : String(args.collectivityId)),
  }),
}));

builder.mutationFields((t) => ({
  grantRole: t.field({
    type: PersonGrant,
    description:
      "Gives a person (by e-mail) a role for signing in with OpenID Connect, replacing any earlier grant. Admins grant any role; an editor grants EDITOR on their own collectivity.",
    args: { input: t.arg({ type: GrantRoleInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      ctx.grants.grant(ctx.principal, { ...input, collectivityId: input.collectivityId == null ? null : String(input.collectivityId) }),
  }),
  revokeRole: t.field({
    type: PersonGrant,
    description: "Withdraws a person's grant and ends their open sessions. Admins, or an editor for a grant on their own collectivity.",
    args: { input: t.arg({ type: RevokeRoleInput, required: true }) },
    resolve: (_root, { input }, ctx) => ctx.grants.revoke(ctx.principal, input),
  }),
}));
