// A process of seedInProcesses (processes.ts): writes its slice of the
// network with connections, an event store and a command handler of its
// own, and tells the parent how far it got.
import { CollectivityAggregate, MatrixAggregate } from "../app/aggregates.ts";
import { CommandHandler } from "../app/commands.ts";
import { Repository } from "../app/repository.ts";
import { createPool } from "../db/client.ts";
import { EventStore } from "../eventstore/store.ts";
import { childSide } from "../shared/child-process.ts";
import type { SeedChildData } from "./processes.ts";
import { type SeedProgress, writeSyntheticNetwork } from "./write.ts";

const parent = childSide<SeedChildData, SeedProgress, SeedProgress>();
const { data } = parent;
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
        parent.progress({ ...progress });
      },
    },
  );
  await parent.done(written);
} finally {
  await pool.end();
}
