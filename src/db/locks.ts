/**
 * Every advisory lock Pilotis takes, in one place, so that no two share a key
 * by accident. Keys in two parts are `hashtext(space), hashtext(name)`; the
 * appenders' lock is taken in SQL (migration log_horizon) as (1885957231, 1),
 * and the migrator's as the single key MIGRATION_LOCK.
 */
export const LOCK_SPACES = {
  /** One batch of one projection at a time, across processes (session lock). */
  projection: "pilotis-projection",
  /** One rebuild of one projection at a time. */
  rebuild: "pilotis-rebuild",
  /** One refresher of the benchmark groups at a time (name: ""). */
  benchmarkGroups: "pilotis-benchmark-groups",
  /** First-start work (the demo) done once when replicas start together (name: ""). */
  firstStart: "pilotis-first-start",
  /** Held by a process loading the demo until the benchmarks projection has it whole: every process holds releases meanwhile (name: ""). */
  bulkLoad: "pilotis-bulk-load",
} as const;

export type LockSpace = keyof typeof LOCK_SPACES;

/** The migrator's key: any constant shared by every Pilotis process. */
export const MIGRATION_LOCK = 72_707_115;

/** SQL and parameters that take, try or release a lock of `space` for `name` on a session. */
export const lockSql = {
  take: (space: LockSpace, name = "") => ({ text: "SELECT pg_advisory_lock(hashtext($1), hashtext($2))", values: [LOCK_SPACES[space], name] }),
  try: (space: LockSpace, name = "") => ({ text: "SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS locked", values: [LOCK_SPACES[space], name] }),
  release: (space: LockSpace, name = "") => ({ text: "SELECT pg_advisory_unlock(hashtext($1), hashtext($2))", values: [LOCK_SPACES[space], name] }),
  /** Whether no session holds the lock, without keeping it: a shared lock for the statement's own transaction only. */
  free: (space: LockSpace, name = "") => ({
    text: "SELECT pg_try_advisory_xact_lock_shared(hashtext($1), hashtext($2)) AS free",
    values: [LOCK_SPACES[space], name],
  }),
  /** `try` with the key written as literals, for a message of several statements (such a message takes no parameters). */
  tryInline: (space: LockSpace, name: string, escapeLiteral: (text: string) => string) =>
    `SELECT pg_try_advisory_lock(hashtext(${escapeLiteral(LOCK_SPACES[space])}), hashtext(${escapeLiteral(name)})) AS locked`,
};
