// The labels and formats the server's exports use too: one source for both.
export * from "../../src/shared/french.ts";

/** For searching: lower case, without accents, hyphens or apostrophes. */
export const folded = (s: string): string =>
  s
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .replace(/[-'’]/g, " ")
    .toLowerCase();
