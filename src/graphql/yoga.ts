import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { createYoga, useReadinessCheck } from "graphql-yoga";
import { bearerToken } from "../auth/bearer.ts";
import type { RevocationWatcher } from "../auth/revocations.ts";
import type { TokenAuthenticator } from "../auth/tokens.ts";
import type { Config } from "../config.ts";
import { CSRF_HEADER, csrfTokenOf, sessionTokenOf } from "../http/sessions.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { Context } from "./context.ts";
import { createLoaders } from "./loaders.ts";
import { maskContractError, useContractErrorCodes } from "./plugins/contract-errors.ts";
import { useEndSubscriptionsOfLostTokens } from "./plugins/lost-tokens.ts";
import { useOperationMetrics } from "./plugins/metrics.ts";
import { callerOf, useRateLimit } from "./plugins/rate-limit.ts";
import { useSubscriptionLimits } from "./plugins/subscription-limits.ts";
import type { RateLimit } from "./rate-limit.ts";
import { requestIds } from "./request-ids.ts";
import { schema } from "./schema.ts";

type Services = Omit<Context, "principal" | "requestId" | "loaders"> & { authenticator: TokenAuthenticator; revocations: RevocationWatcher; metrics: Metrics };

export function createGraphQLHandler(
  services: Services,
  config: Config,
  logger: Logger,
  { rateLimit, ready }: { rateLimit: RateLimit; ready: () => Promise<{ status: number; body: unknown }> },
) {
  const { authenticator, revocations, metrics, ...shared } = services;

  return createYoga<{ requestId?: string; remoteAddress?: string; connectionParams?: Record<string, unknown> }, Context>({
    schema,
    graphqlEndpoint: "/graphql",
    landingPage: false,
    // Same origin only unless origins are named: a page elsewhere may not read answers.
    cors: config.PILOTIS_CORS_ORIGINS.length > 0 ? { origin: config.PILOTIS_CORS_ORIGINS, credentials: true } : false,
    // GraphiQL from the package's own bundle: no CDN, so it loads where town-hall networks filter outgoing traffic.
    // Loaded at the first page asked for: its bundle cost every start 0.3 s, and few ever open it.
    renderGraphiQL: async (options) => (await import("@graphql-yoga/render-graphiql")).renderGraphiQL(options),
    graphiql: (request) => {
      // A signed-in person's GraphiQL rides on the session (server.ts turned the cookie into a bearer token): it sends the CSRF token.
      const session = sessionTokenOf(request.headers.get("cookie"));
      return {
        title: "Pilotis",
        headers: JSON.stringify(session ? { [CSRF_HEADER]: csrfTokenOf(session) } : { Authorization: "Bearer <jeton affiché au démarrage>" }),
      };
    },
    logging: false,
    // server.ts refuses a body over its limit, or without a Content-Length, before Yoga sees it, and Node's
    // parser reads no byte past that length: Yoga's own limit would only pipe every body through a TransformStream.
    maxRequestBodySize: false,
    context: async ({ request, requestId, connectionParams }) => {
      const id = requestId ?? requestIds.getStore() ?? crypto.randomUUID();
      // Over WebSocket the token travels in graphql-ws's connection parameters.
      const header = typeof connectionParams?.authorization === "string" ? connectionParams.authorization : request.headers.get("authorization");
      const token = bearerToken(header);
      const principal = token ? await authenticator.authenticate(token) : null;
      return { ...shared, principal, requestId: id, loaders: createLoaders(shared, principal) };
    },
    maskedErrors: { maskError: maskContractError(logger) },
    plugins: [
      // First, so that probes are answered before any rate limit or parsing.
      useReadinessCheck({
        endpoint: "/ready",
        check: async ({ fetchAPI }) => {
          const { status, body } = await ready();
          return new fetchAPI.Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
        },
      }),
      useRateLimit({
        rateLimit,
        callerOf: (request, remoteAddress) => callerOf(authenticator, config.PILOTIS_TRUSTED_PROXIES, request.headers, remoteAddress),
      }),
      useContractErrorCodes(),
      useOperationMetrics(metrics),
      useSubscriptionLimits({ perToken: config.PILOTIS_MAX_SUBSCRIPTIONS_PER_TOKEN, total: config.PILOTIS_MAX_SUBSCRIPTIONS }),
      useEndSubscriptionsOfLostTokens(revocations),
      useCSRFPrevention({ requestHeaders: ["x-graphql-yoga-csrf", "apollo-require-preflight"] }),
      EnvelopArmorPlugin({
        maxDepth: { n: config.PILOTIS_MAX_DEPTH },
        costLimit: { maxCost: config.PILOTIS_MAX_COST },
        maxAliases: { n: 30 },
        maxDirectives: { n: 30 },
        maxTokens: { n: 2000 },
        blockFieldSuggestion: { enabled: true },
      }),
    ],
  });
}
