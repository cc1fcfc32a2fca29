export type DomainErrorCode = "BAD_USER_INPUT" | "NOT_FOUND" | "CONFLICT" | "INVALID_TRANSITION";

/** A refusal the user can act on; the API turns it into a GraphQL error with this code. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const badInput = (field: string, message: string) => new DomainError("BAD_USER_INPUT", message, { field });
export const notFound = (what: string, id: string) => new DomainError("NOT_FOUND", `no ${what} with id ${id}`, { id });
export const invalidTransition = (message: string) => new DomainError("INVALID_TRANSITION", message);
