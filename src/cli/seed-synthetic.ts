// `npm run seed:synthetic -- --collectivities N --seed S`: writes a synthetic
// network of N collectivities (by default as many as the official territory
// holds, drawn on it) with three years of history through the
// command handler, then brings every projection and benchmark group up to
// date, and reports how long each took.
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { CollectivityAggregate, MatrixAggregate } from "../app/aggregates.ts";
import { CommandHandler } from "../app/commands.ts";
import { Repository } from "../app/repository.ts";
import { loadConfig, releasePolicy } from "../config.ts";
import { createPool } from "../db/client.ts";
import { migrate } from "../db/migrator.ts";
import { openDatabaseForCli } from "../db/open.ts";
import { collectivityStream } from "../domain/streams.ts";
import { EventStore } from "../eventstore/store.ts";
import { refreshAllGroups } from "../projections/benchmark-groups.ts";
import { catchUpFromZero } from "../projections/parallel-catch-up.ts";
import { loadDirectoryFrame } from "../seed/frame.ts";
import { seedInProcesses } from "../seed/processes.ts";
import { derivedId, directorySize } from "../seed/synthetic.ts";
import { SEED_WRITERS, type SeedProgress, writeSyntheticNetwork } from "../seed/write.ts";

const usage = "usage: npm run seed:synthetic -- --collectivities N [--seed S] [--processes P] [--concurrency C] [--skip-projections]";

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`--${name} must be a positive integer, not ${value}\n${usage}\n`);
    process.exit(2);
  }
  return n;
}

function parseArguments() {
  try {
    return parseArgs({
      options: {
        collectivities: { type: "string" },
        seed: { type: "string" },
        processes: { type: "string" },
        concurrency: { type: "string" },
        "skip-projections": { type: "boolean" },
      },
    }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    process.exit(2);
  }
}
const args = parseArguments();
// By default, the whole official territory: every peer group at its real size.
const collectivities = positive("collectivities", args.collectivities, directorySize(await loadDirectoryFrame()));
const seed = positive("seed", args.seed, 1);
// A process per core (see seedInProcesses); the writers are each process's.
const processes = positive("processes", args.processes, availableParallelism());
const concurrency = positive("concurrency", args.concurrency, SEED_WRITERS);

const config = loadConfig();
const database = await openDatabaseForCli(config);
await migrate(database.url);
// The seed's processes have connections of their own: these check the seed and catch the projections up.
const poolSize = database.embedded ? 1 : 4;
const pool = createPool({ url: database.url, poolSize, applicationName: "pilotis-seed" });
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);
try {
  const store = new EventStore(pool);
  if ((await store.readStream(collectivityStream(derivedId(seed, "collectivity:0")), {})).length > 0) {
    process.stderr.write(`the network of seed ${seed} is already in this database; choose another --seed\n`);
    process.exitCode = 2;
  } else {
    const started = performance.now();
    let reported = started;
    const onProgress = (p: SeedProgress) => {
      if (performance.now() - reported < 5000) return;
      reported = performance.now();
      process.stdout.write(`  ${p.collectivities} collectivities, ${p.events} events (${Math.round(p.events / Number(seconds(started)))} events/s)\n`);
    };
    const network = { collectivities, seed, now: new Date() };
    // Embedded PostgreSQL serves one connection: no other process, one writer.
    const written = database.embedded
      ? await writeSyntheticNetwork(new CommandHandler(store, new Repository(store, CollectivityAggregate), new Repository(store, MatrixAggregate)), network, {
          concurrency: 1,
          onProgress,
        })
      : await seedInProcesses(database.url, network, { processes, concurrency, onProgress });
    process.stdout.write(`seeded ${written.collectivities} collectivities, ${written.events} events in ${seconds(started)} s\n`);
    if (!args["skip-projections"]) {
      const projecting = performance.now();
      const counts = await catchUpFromZero(database, pool);
      process.stdout.write(`projections caught up in ${seconds(projecting)} s: ${JSON.stringify(counts)}\n`);
      const grouping = performance.now();
      const groups = await refreshAllGroups(pool, releasePolicy(config));
      process.stdout.write(`benchmark groups computed in ${seconds(grouping)} s (${groups} groups)\n`);
    }
  }
} finally {
  await pool.end();
  await database.embedded?.stop();
}
