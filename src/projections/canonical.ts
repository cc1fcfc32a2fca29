/**
 * JSON text with object keys in order, so that a value read back from jsonb
 * (which reorders keys) compares equal to the one that was written.
 */
export function canonicalJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v instanceof Date) return v.toISOString();
    if (v && typeof v === "object")
      return Object.fromEntries(
        Object.entries(v)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, x]) => [k, sorted(x)]),
      );
    return v;
  };
  return JSON.stringify(sorted(value));
}
