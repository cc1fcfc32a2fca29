// Dates as a person in France types them: a calendar day means that day in
// Europe/Paris, whatever the server's own time zone.

const PARIS = new Intl.DateTimeFormat("en-US", { timeZone: "Europe/Paris", timeZoneName: "longOffset" });

/** Minutes Paris is ahead of UTC at that instant (60 in winter, 120 in summer). */
function parisOffsetMinutes(at: Date): number {
  const name = PARIS.formatToParts(at).find((part) => part.type === "timeZoneName")?.value ?? "GMT";
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return match ? (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
}

/** The last millisecond of a calendar day (YYYY-MM-DD) in Europe/Paris. */
export function endOfParisDay(day: string): Date {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  const local = Date.UTC(year, month - 1, date, 23, 59, 59, 999);
  // Summer time changes at 02:00 or 03:00, never near midnight: the offset at the guess is the day's last.
  return new Date(local - parisOffsetMinutes(new Date(local)) * 60_000);
}
