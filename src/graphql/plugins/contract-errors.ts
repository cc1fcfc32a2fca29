import { type ExecutionResult, GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Logger } from "../../logger.ts";
import { toContractError } from "../errors.ts";
import { requestIds } from "../request-ids.ts";

// Errors carry the contract's codes (extensions.code): BAD_USER_INPUT for any
// malformed request, the domain's codes for refusals, and a masked
// INTERNAL_SERVER_ERROR, logged with the request id, for everything else.

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

export function useContractErrorCodes(): Plugin {
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

/** Yoga's maskError: the contract's code for every error, and a masked, logged internal error otherwise. */
export function maskContractError(logger: Logger) {
  // Duck-typed on purpose: graphql may be loaded both as ESM and CJS, so an
  // error built by Yoga need not be an instance of our GraphQLError.
  return (error: unknown): Error => {
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
    return new GraphQLError("Internal server error", { path, extensions: { code: "INTERNAL_SERVER_ERROR", requestId } });
  };
}
