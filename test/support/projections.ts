import type pg from "pg";
import { lockSql } from "../../src/db/locks.ts";
import { withClient } from "../../src/db/with-client.ts";
import { PROJECTORS } from "../../src/projections/index.ts";
import { ProjectionRunner } from "../../src/projections/runner.ts";

/** Polls until no projection is behind the readable log and no benchmark group waits for its refresh; fails after `timeoutMs`. */
export async function waitForProjections(pool: pg.Pool, timeoutMs = 10_000): Promise<void> {
  const observer = new ProjectionRunner(pool, PROJECTORS);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await observer.status();
    const { rows } = await pool.query<{ dirty: number }>("SELECT count(*)::int AS dirty FROM benchmark_groups WHERE dirty");
    if (status.every((s) => s.eventsBehind === 0) && rows[0]!.dirty === 0) {
      // A refresher may still be releasing what it just computed: wait for it to let go.
      await withClient(pool, async (client) => {
        await client.query(lockSql.take("benchmarkGroups"));
        await client.query(lockSql.release("benchmarkGroups"));
      });
      return;
    }
    if (Date.now() > deadline) throw new Error(`projections still behind: ${JSON.stringify(status)}, dirty benchmark groups: ${rows[0]!.dirty}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
