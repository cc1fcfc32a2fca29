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

/** Reference data still being loaded (the territory on a first start): ask again in a moment. */
export class NotReadyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotReadyError";
  }
}
