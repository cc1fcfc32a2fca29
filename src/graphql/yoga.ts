import { AsyncLocalStorage } from "node:async_hooks";
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { type ExecutionResult, GraphQLError } from "graphql";
import { createYoga, type Plugin } from "graphql-yoga";
import type { RevocationWatcher } from "../auth/revocations.ts";
import type { TokenAuthenticator } from "../auth/tokens.ts";
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { Context } from "./context.ts";
import { toContractError } from "./errors.ts";
import { createLoaders } from "./loaders.ts";
import { useEndSubscriptionsOfLostTokens } from "./plugins/lost-tokens.ts";
import { useOperationMetrics } from "./plugins/metrics.ts";
import { useSubscriptionLimits } from "./plugins/subscription-limits.ts";
import { clientAddress, type RateLimit } from "./rate-limit.ts";
import { schema } from "./schema.ts";

export const requestIds = new AsyncLocalStorage<string>();

type Services = Omit<Context, "principal" | "requestId" | "loaders"> & { authenticator: TokenAuthenticator; revocations: RevocationWatcher; metrics: Metrics };

const BEARER = /^Bearer\s+(\S+)$/i;

interface GraphQLErrorLike {
  message: string;
  originalError?: unknown;
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

const hasCode = (error: unknown): boolean => Boolean((error as GraphQLErrorLike | null)?.extensions?.code);

// graphql-js and Yoga name malformed documents with codes of their own; the
// contract calls every invalid request BAD_USER_INPUT and keeps theirs as the reason.
const REQUEST_ERROR_CODES = new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_REQUEST"]);

function useContractErrorCodes(): Plugin {
  const remap = (result: ExecutionResult): ExecutionResult =>
    result.errors?.some((e) => REQUEST_ERROR_CODES.has(String(e.extensions?.code)))
      ? {
          ...result,
          errors: result.errors.map((e) =>
            REQUEST_ERROR_CODES.has(String(e.extensions?.code))
              ? new GraphQLError(e.message, {
                  nodes: e.nodes,
                  source: e.source,
                  positions: e.positions,
                  path: e.path,
                  extensions: { ...e.extensions, code: "BAD_USER_INPUT", reason: e.extensions?.code },
                })
              : e,
          ),
        }
      : result;
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) setResult(result.map(remap));
      else if (!(Symbol.asyncIterator in result)) setResult(remap(result as ExecutionResult));
    },
  };
}

/** A request whose variables do not fit the schema, with the offending field named where graphql-js says it. */
function badRequest(error: GraphQLErrorLike): GraphQLError {
  const at = /at "([^"]+)"/.exec(error.message)?.[1] ?? /Field "([^"]+)"/.exec(error.message)?.[1];
  const field = at?.split(".").at(-1);
  return new GraphQLError(error.message, {
    extensions: { ...error.extensions, code: "BAD_USER_INPUT", ...(field ? { field } : {}) },
  });
}

export function createGraphQLHandler(services: Services, config: Config, logger: Logger, rateLimit: RateLimit) {
  const { authenticator, revocations, metrics, ...shared } = services;

  return createYoga<{ requestId?: string; remoteAddress?: string; connectionParams?: Record<string, unknown> }, Context>({
    schema,
    graphqlEndpoint: "/graphql",
    landingPage: false,
    // Same origin only unless origins are named: a page elsewhere may not read answers.
    cors: config.PILOTIS_CORS_ORIGINS.length > 0 ? { origin: config.PILOTIS_CORS_ORIGINS, credentials: true } : false,
    graphiql: { title: "Pilotis", headers: JSON.stringify({ Authorization: "Bearer <token printed at start>" }) },
    logging: false,
    context: async ({ request, requestId, remoteAddress, connectionParams }) => {
      const id = requestId ?? requestIds.getStore() ?? crypto.randomUUID();
      // Over WebSocket the token travels in graphql-ws's connection parameters.
      const header = typeof connectionParams?.authorization === "string" ? connectionParams.authorization : request.headers.get("authorization");
      const token = BEARER.exec(header ?? "")?.[1] ?? null;
      const principal = token ? await authenticator.authenticate(token) : null;
      const caller = principal
        ? `token:${principal.tokenId}`
        : `address:${clientAddress(remoteAddress, request.headers.get("x-forwarded-for"), config.PILOTIS_TRUSTED_PROXIES)}`;
      if (!(await rateLimit.take(caller))) {
        throw new GraphQLError("too many requests from this token, slow down", {
          extensions: { code: "RATE_LIMITED", http: { status: 429 } },
        });
      }
      return { ...shared, principal, requestId: id, loaders: createLoaders(shared, principal) };
    },
    maskedErrors: {
      // Duck-typed on purpose: graphql may be loaded both as ESM and CJS, so
      // an error built by Yoga need not be an instance of our GraphQLError.
      maskError(error) {
        const { originalError, path } = error as GraphQLErrorLike;
        const mapped = toContractError(originalError ?? error, path);
        if (mapped) return mapped;
        if (hasCode(originalError)) return originalError as Error;
        if (hasCode(error)) return error as Error;
        // No path: the error came before execution, from the request itself
        // (its variables did not fit the schema). Resolver errors always have one.
        if (path === undefined && (error as Error).name === "GraphQLError") return badRequest(error as GraphQLErrorLike);
        const requestId = requestIds.getStore() ?? null;
        logger.error({ err: originalError ?? error, requestId, path }, "internal error");
        return new GraphQLError("Internal server error", {
          path,
          extensions: { code: "INTERNAL_SERVER_ERROR", requestId },
        });
      },
    },
    plugins: [
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
