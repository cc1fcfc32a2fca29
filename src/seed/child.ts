// A process of seedInProcesses (processes.ts): writes its slice of the
// network with connections, an event store and a command handler of its
// own, and tells the parent how far it got.
import { CollectivityAggregate, MatrixAggregate } from "../app/aggregates.ts";
import { CommandHandler } from "../app/commands.ts";
import { Repository } from "../app/repository.ts";
import { createPool } from "../db/client.ts";
import { EventStore } from "../eventstore/store.ts";
import type { SeedChildData, SeedChildMessage } from "./processes.ts";
import { writeSyntheticNetwork } from "./write.ts";

const data = JSON.parse(process.env.PILOTIS_SEED_CHILD!) as SeedChildData;
const tell = (message: SeedChildMessage) => new Promise<void>((resolve) => process.send!(message, () => resolve()));
const pool = createPool({ url: data.url, poolSize: Math.min(data.concurrency, 8) + 2, applicationName: "pilotis-seed" });
try {
  const store = new EventStore(pool);
  const commands = new CommandHandler(store, new Repository(store, CollectivityAggregate), new Repository(store, MatrixAggregate));
  let told = 0;
  const written = await writeSyntheticNetwork(
    commands,
    { ...data.options, now: new Date(data.options.now) },
    {
      concurrency: data.concurrency,
      slice: data.slice,
      onProgress: (progress) => {
        // A message per collectivity would cost the parent more than it tells.
        if (performance.now() - told < 250) return;
        told = performance.now();
        void tell({ progress: { ...progress } });
      },
    },
  );
  await tell({ done: written });
} finally {
  await pool.end();
}
process.disconnect?.();
