import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { bearerToken } from "../../auth/bearer.ts";
import type { TokenAuthenticator } from "../../auth/tokens.ts";
import { clientAddress, type RateLimit } from "../rate-limit.ts";

/** Who a request counts against: its token, or, without a valid one, its client's address. */
export async function callerOf(
  authenticator: TokenAuthenticator,
  trustedProxies: readonly string[],
  headers: Headers,
  remoteAddress: string | undefined,
): Promise<string> {
  const token = bearerToken(headers.get("authorization"));
  const principal = token ? await authenticator.authenticate(token) : null;
  return principal ? `token:${principal.tokenId}` : `address:${clientAddress(remoteAddress, headers.get("x-forwarded-for"), trustedProxies)}`;
}

export const rateLimited = () => new GraphQLError("too many requests from this token, slow down", { extensions: { code: "RATE_LIMITED" } });

/**
 * HTTP requests over the limit get 429 and RATE_LIMITED before anything is
 * parsed. (Operations over WebSocket are counted one by one where the socket
 * takes them: src/graphql/websocket.ts.)
 */
export function useRateLimit(options: {
  rateLimit: RateLimit;
  callerOf: (request: Request, remoteAddress: string | undefined) => Promise<string>;
}): Plugin<Record<string, unknown>, { remoteAddress?: string }> {
  return {
    async onRequest({ request, serverContext, endResponse, fetchAPI }) {
      if (await options.rateLimit.take(await options.callerOf(request, serverContext?.remoteAddress))) return;
      endResponse(
        new fetchAPI.Response(JSON.stringify({ errors: [rateLimited().toJSON()] }), {
          status: 429,
          headers: { "content-type": "application/json", "retry-after": "60" },
        }),
      );
    },
  };
}
