import { DomainError } from "../../src/domain/errors.ts";

/** The DomainError a domain call throws; fails the test when it throws nothing or something else. */
export function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a DomainError");
}
