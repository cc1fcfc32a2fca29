/** `?au=` as the API's asOf: a date-time as given, a plain date as the end of that day in Paris. */
export function asOfParam(au: string | null): string | null {
  if (!au) return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(au)) return Number.isNaN(Date.parse(au)) ? null : new Date(au).toISOString();
  const endUtc = new Date(`${au}T23:59:59.999Z`);
  // Paris is ahead of UTC by its offset at that moment (one hour in winter, two in summer).
  const paris = new Date(endUtc.toLocaleString("en-US", { timeZone: "Europe/Paris" }));
  const utc = new Date(endUtc.toLocaleString("en-US", { timeZone: "UTC" }));
  return new Date(endUtc.getTime() - (paris.getTime() - utc.getTime())).toISOString();
}
