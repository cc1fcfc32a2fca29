// A process of catchUpInProcesses (parallel-catch-up.ts): runs one
// projection up to the head of the log with connections of its own, then
// gathers its tables' statistics while the others may still run.
import { createPool } from "../db/client.ts";
import { childSide } from "../shared/child-process.ts";
import { PROJECTORS } from "./index.ts";
import { analyzeTables, type CatchUpChildData } from "./parallel-catch-up.ts";
import { ProjectionRunner } from "./runner.ts";

const parent = childSide<CatchUpChildData, never, number>();
const { data } = parent;
const pool = createPool({ url: data.url, poolSize: 2, applicationName: `pilotis-catch-up-${data.projection}` });
try {
  const runner = new ProjectionRunner(pool, PROJECTORS, { batchSize: data.batchSize });
  const projector = runner.projector(data.projection);
  const count = await runner.catchUpOne(projector);
  await analyzeTables(pool, [projector]);
  await parent.done(count);
} finally {
  await pool.end();
}
