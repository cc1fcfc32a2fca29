import { AsyncLocalStorage } from "node:async_hooks";
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { GraphQLError } from "graphql";
import { createYoga } from "graphql-yoga";
import { cachedAuthenticator } from "../auth/tokens.ts";
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { Context } from "./context.ts";
import { toContractError } from "./errors.ts";
import { RateLimiter } from "./rate-limit.ts";
import { schema } from "./schema.ts";

export const requestIds = new AsyncLocalStorage<string>();

type Services = Omit<Context, "principal" | "requestId">;

const BEARER = /^Bearer\s+(\S+)$/i;

export function createGraphQLHandler(services: Services, config: Config, logger: Logger) {
  const limiter = new RateLimiter(config.PILOTIS_RATE_LIMIT_PER_MINUTE);
  const authenticate = cachedAuthenticator(services.db);

  return createYoga<{ requestId?: string }, Context>({
    schema,
    graphqlEndpoint: "/graphql",
    landingPage: false,
    graphiql: { title: "Pilotis", headers: JSON.stringify({ Authorization: "Bearer <token printed at start>" }) },
    logging: false,
    context: async ({ request, requestId }) => {
      const id = requestId ?? requestIds.getStore() ?? crypto.randomUUID();
      const token = BEARER.exec(request.headers.get("authorization") ?? "")?.[1] ?? null;
      const principal = token ? await authenticate(token) : null;
      if (!limiter.take(principal?.tokenId ?? request.headers.get("x-forwarded-for") ?? "anonymous")) {
        throw new GraphQLError("too many requests from this token, slow down", {
          extensions: { code: "RATE_LIMITED", http: { status: 429 } },
        });
      }
      return { ...services, principal, requestId: id };
    },
    maskedErrors: {
      // Duck-typed on purpose: graphql may be loaded both as ESM and CJS, so
      // an error built by Yoga need not be an instance of our GraphQLError.
      maskError(error) {
        const wrapper = error as { originalError?: unknown; path?: readonly (string | number)[]; extensions?: { code?: unknown } };
        const original = wrapper.originalError ?? null;
        const mapped = toContractError(original ?? error, wrapper.path);
        if (mapped) return mapped;
        const inner = original as { extensions?: { code?: unknown } } | null;
        if (inner?.extensions?.code) return original as Error;
        if (!original && error instanceof Error && "extensions" in error) return error;
        const requestId = requestIds.getStore() ?? null;
        logger.error({ err: original ?? error, requestId, path: wrapper.path }, "internal error");
        return new GraphQLError("Internal server error", {
          path: wrapper.path,
          extensions: { code: "INTERNAL_SERVER_ERROR", requestId },
        });
      },
    },
    plugins: [
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
