import type { IncomingMessage, ServerResponse } from "node:http";
import * as client from "openid-client";
import type { SignInGrant } from "../auth/sign-in-codes.ts";

// Signing in with OpenID Connect, as ProConnect (the French public agents'
// identity federation) expects it: authorization code with PKCE, state and
// nonce, through openid-client. What the flow must remember between the
// two legs travels in a short-lived HttpOnly cookie of its own, so that any
// API process can finish a flow another began.

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

const FLOW_COOKIE = "pilotis_oidc";
const FLOW_SECONDS = 600;
export const OIDC_START = "/connexion/oidc";
export const OIDC_RETURN = "/connexion/oidc/retour";

interface Flow {
  verifier: string;
  state: string;
  nonce: string;
}

export interface OidcOutcome {
  /** The verified e-mail address the provider vouched for. */
  email: string;
}

function flowOf(req: IncomingMessage): Flow | null {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [key, value] = part.trim().split("=");
    if (key !== FLOW_COOKIE || !value) continue;
    try {
      return JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as Flow;
    } catch {
      return null;
    }
  }
  return null;
}

const flowCookie = (value: string, maxAge: number, secure: boolean) =>
  `${FLOW_COOKIE}=${value}; Path=${OIDC_START}; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? "; Secure" : ""}`;

export class OidcSignIn {
  private configuration: Promise<client.Configuration> | null = null;

  constructor(
    private readonly settings: OidcSettings,
    private readonly secure: boolean,
  ) {}

  /** The provider's metadata, discovered once (again after a failure). */
  private config(): Promise<client.Configuration> {
    this.configuration ??= client
      .discovery(new URL(this.settings.issuer), this.settings.clientId, this.settings.clientSecret, undefined, {
        // A provider on plain http is one started on this machine (tests, a local setup): https everywhere else.
        execute: new URL(this.settings.issuer).protocol === "http:" ? [client.allowInsecureRequests] : [],
      })
      .catch((error: unknown) => {
        this.configuration = null;
        throw error;
      });
    return this.configuration;
  }

  /** Sends the browser to the provider, remembering the flow's secrets in a cookie. */
  async start(res: ServerResponse, redirectUri: string): Promise<void> {
    const config = await this.config();
    const flow: Flow = { verifier: client.randomPKCECodeVerifier(), state: client.randomState(), nonce: client.randomNonce() };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: "openid email",
      code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: "S256",
      state: flow.state,
      nonce: flow.nonce,
    });
    res.writeHead(303, {
      location: url.href,
      "cache-control": "no-store",
      "set-cookie": flowCookie(Buffer.from(JSON.stringify(flow)).toString("base64url"), FLOW_SECONDS, this.secure),
    });
    res.end();
  }

  /** Finishes the flow the provider sent back: the verified e-mail address, or throws. */
  async finish(req: IncomingMessage, res: ServerResponse, currentUrl: URL): Promise<OidcOutcome> {
    const flow = flowOf(req);
    res.setHeader("set-cookie", flowCookie("", 0, this.secure));
    if (!flow) throw new Error("no sign-in flow in progress (its cookie is missing or expired)");
    const config = await this.config();
    const tokens = await client.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    // ProConnect gives the address at the userinfo endpoint; other providers in the ID token.
    const info = typeof claims.email === "string" ? claims : await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    if (typeof info.email !== "string") throw new Error("the provider gave no e-mail address");
    if (info.email_verified === false) throw new Error("the provider has not verified this e-mail address");
    return { email: info.email };
  }
}

/** What a refused sign-in says to the person. */
export const noGrantMessage = (email: string) =>
  `Aucun accès n'est ouvert à Pilotis pour l'adresse ${email}. Demandez à un administrateur, ou à un éditeur de votre collectivité, de vous l'ouvrir.`;

export type GrantLookup = (email: string) => Promise<SignInGrant | null>;
