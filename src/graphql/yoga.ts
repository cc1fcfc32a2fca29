import { AsyncLocalStorage } from "node:async_hooks";
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { GraphQLError } from "graphql";
import { createYoga } from "graphql-yoga";
import { authenticate } from "../auth/tokens.ts";
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

  return createYoga<{ requestId?: string }, Context>({
    schema,
    graphqlEndpoint: "/graphql",
    landingPage: false,
    graphiql: { title: "Pilotis", headers: JSON.stringify({ Authorization: "Bearer <token printed at start>" }) },
    logging: false,
    context: async ({ request, requestId }) => {
      const id = requestId ?? requestIds.getStore() ?? crypto.randomUUID();
      const token = BEARER.exec(request.headers.get("authorization") ?? "")?.[1] ?? null;
      const principal = token ? await authenticate(services.db, token) : null;
      if (!limiter.take(principal?.tokenId ?? request.headers.get("x-forwarded-for") ?? "anonymous")) {
        throw new GraphQLError("too many requests from this token, slow down", {
          extensions: { code: "RATE_LIMITED", http: { status: 429 } },
        });
      }
      return { ...services, principal, requestId: id };
    },
    maskedErrors: {
      maskError(error) {
        const original = error instanceof GraphQLError ? error.originalError : error;
        const path = error instanceof GraphQLError ? error.path : undefined;
        const mapped = toContractError(original, path);
        if (mapped) return mapped;
        if (original instanceof GraphQLError && original.extensions?.code) return original;
        if (error instanceof GraphQLError && !original) return error;
        const requestId = requestIds.getStore() ?? null;
        logger.error({ err: original ?? error, requestId, path }, "internal error");
        return new GraphQLError("Internal server error", {
          path,
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
