// A process of catchUpInProcesses (parallel-catch-up.ts): runs one
// projection up to the head of the log with connections of its own.
import { createPool } from "../db/client.ts";
import { childSide } from "../shared/child-process.ts";
import { PROJECTORS } from "./index.ts";
import type { CatchUpChildData } from "./parallel-catch-up.ts";
import { ProjectionRunner } from "./runner.ts";

const parent = childSide<CatchUpChildData, never, number>();
const { data } = parent;
const pool = createPool({ url: data.url, poolSize: 2, applicationName: `pilotis-catch-up-${data.projection}` });
try {
  const runner = new ProjectionRunner(pool, PROJECTORS, { batchSize: data.batchSize });
  await parent.done(await runner.catchUpOne(runner.projector(data.projection)));
} finally {
  await pool.end();
}
