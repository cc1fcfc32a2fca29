/** Errors of the application layer that are not domain rules. */
export class StaleError extends Error {
  constructor(
    readonly minPosition: string,
    readonly reached: string | null,
  ) {
    super(`read models have not reached position ${minPosition} in time`);
    this.name = "StaleError";
  }
}
