/** Runs every check; a check that throws or answers false makes the process not ready. */
export async function readiness(checks: Record<string, () => Promise<boolean>>) {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => [name, await check().catch(() => false)] as const),
  );
  return { ready: results.every(([, ok]) => ok), checks: Object.fromEntries(results) };
}
