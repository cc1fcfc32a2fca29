/**
 * Runs every check; a check that throws, answers false or takes longer than
 * `timeoutMs` makes the process not ready. The bound matters: a Redis client
 * that retries forever queues a PING during an outage instead of failing it,
 * and a probe that never answers tells an orchestrator nothing.
 */
export async function readiness(checks: Record<string, () => Promise<boolean>>, timeoutMs = 1000) {
  const bounded = (check: () => Promise<boolean>) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    return Promise.race([check().catch(() => false), late]).finally(() => clearTimeout(timer));
  };
  const results = await Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await bounded(check)] as const));
  return { ready: results.every(([, ok]) => ok), checks: Object.fromEntries(results) };
}
