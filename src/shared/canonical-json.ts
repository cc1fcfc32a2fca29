/**
 * JSON text with object keys in code-unit order (not the locale's collation,
 * which may change with ICU), dates as ISO strings, and, with
 * `dropEmpty`, null and undefined members left out: a value read back from
 * jsonb (which reorders keys) compares equal to the one written, and two
 * requests that differ only in their order or in absent fields have one
 * fingerprint.
 */
export function canonicalJson(value: unknown, options: { dropEmpty?: boolean } = {}): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v instanceof Date) return v.toISOString();
    if (v && typeof v === "object") {
      return Object.fromEntries(
        Object.entries(v)
          .filter(([, x]) => !options.dropEmpty || (x !== null && x !== undefined))
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([k, x]) => [k, sorted(x)]),
      );
    }
    return v;
  };
  return JSON.stringify(sorted(value));
}
