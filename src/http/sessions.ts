import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { SignInGrant } from "../auth/sign-in-codes.ts";
import { issueToken } from "../auth/tokens.ts";
import type { Db } from "../db/client.ts";

// A person's session is an API token like a program's, issued at sign-in
// with a short life and kept in an HttpOnly cookie: both resolve to the same
// principal through the same authenticator, and signing out revokes it as
// any token is revoked. Requests that ride on the cookie must also carry a
// CSRF token (the session's HMAC), which a page of another site cannot read.

export const SESSION_COOKIE = "pilotis_session";
export const CSRF_HEADER = "x-pilotis-csrf";
/** A working day and a bit: a person signs in again each morning. */
export const SESSION_HOURS = 12;

/** The session token in a Cookie header, or null. */
export function sessionTokenOf(cookies: string | null | undefined): string | null {
  for (const part of (cookies ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === SESSION_COOKIE) return decodeURIComponent(value.join("=")) || null;
  }
  return null;
}

export const sessionOf = (req: IncomingMessage): string | null => sessionTokenOf(req.headers.cookie);

/** The CSRF token of a session: derived from its secret, so nothing more is stored. */
export const csrfTokenOf = (sessionToken: string): string => createHmac("sha256", sessionToken).update("pilotis-csrf").digest("base64url");

export function csrfMatches(sessionToken: string, given: string | string[] | undefined): boolean {
  if (typeof given !== "string") return false;
  const expected = Buffer.from(csrfTokenOf(sessionToken));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Issues a session for a grant and sets its cookie on the response. */
export async function openSession(db: Db, res: ServerResponse, grant: SignInGrant, secure: boolean): Promise<void> {
  const { token } = await issueToken(db, {
    role: grant.role,
    collectivityId: grant.collectivityId ?? null,
    subject: grant.subject,
    expiresAt: new Date(Date.now() + SESSION_HOURS * 3600_000),
  });
  res.setHeader("set-cookie", sessionCookie(token, SESSION_HOURS * 3600, secure));
}

export const sessionCookie = (value: string, maxAgeSeconds: number, secure: boolean): string =>
  `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure ? "; Secure" : ""}`;
