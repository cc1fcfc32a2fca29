import { PothosValidationError } from "@pothos/core";
import { GraphQLError } from "graphql";
import { NotReadyError, StaleError } from "../app/errors.ts";
import { AccessError } from "../auth/principal.ts";
import { DomainError } from "../domain/errors.ts";

/**
 * The contract's error codes for errors the user can act on; null for
 * anything else, which the server masks and logs.
 */
export function toContractError(error: unknown, path?: readonly (string | number)[]): GraphQLError | null {
  const options = (extensions: Record<string, unknown>) => ({ path, extensions });
  if (error instanceof DomainError) return new GraphQLError(error.message, options({ code: error.code, ...error.extensions }));
  if (error instanceof AccessError) return new GraphQLError(error.message, options({ code: error.code }));
  if (error instanceof StaleError) {
    return new GraphQLError(error.message, options({ code: "STALE", minPosition: error.minPosition, reached: error.reached }));
  }
  if (error instanceof NotReadyError) return new GraphQLError(error.message, options({ code: "STALE" }));
  // Pothos' connection arguments: a cursor it did not issue, before with after…
  if (error instanceof PothosValidationError) return new GraphQLError(error.message, options({ code: "BAD_USER_INPUT" }));
  return null;
}
