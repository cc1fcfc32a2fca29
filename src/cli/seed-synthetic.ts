// `npm run seed:synthetic -- --collectivities N --seed S`: writes a synthetic
// network of N collectivities (by default as many as the official territory
// holds, drawn on it) with three years of history through the
// command handler, then brings every projection and benchmark group up to
// date, and reports how long each took.
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
import { PROJECTORS } from "../projections/index.ts";
import { ProjectionRunner } from "../projections/runner.ts";
import { loadDirectoryFrame } from "../seed/frame.ts";
import { derivedId, directorySize } from "../seed/synthetic.ts";
import { SEED_STORE, SEED_WRITERS, writeSyntheticNetwork } from "../seed/write.ts";

const usage = "usage: npm run seed:synthetic -- --collectivities N [--seed S] [--concurrency C] [--skip-projections]";

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
      options: { collectivities: { type: "string" }, seed: { type: "string" }, concurrency: { type: "string" }, "skip-projections": { type: "boolean" } },
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
const concurrency = positive("concurrency", args.concurrency, SEED_WRITERS);

const config = loadConfig();
const database = await openDatabaseForCli(config);
await migrate(database.url);
// Appends share one connection at a time; the others serve snapshot writes and the catch-up.
const poolSize = database.embedded ? 1 : Math.min(concurrency, 8) + 2;
const pool = createPool({ url: database.url, poolSize, applicationName: "pilotis-seed" });
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);
try {
  const store = new EventStore(pool, SEED_STORE);
  if ((await store.readStream(collectivityStream(derivedId(seed, "collectivity:0")), {})).length > 0) {
    process.stderr.write(`the network of seed ${seed} is already in this database; choose another --seed\n`);
    process.exitCode = 2;
  } else {
    const commands = new CommandHandler(store, new Repository(store, CollectivityAggregate), new Repository(store, MatrixAggregate));
    const started = performance.now();
    let reported = started;
    const written = await writeSyntheticNetwork(
      commands,
      { collectivities, seed, now: new Date() },
      {
        concurrency: database.embedded ? 1 : concurrency,
        onProgress: (p) => {
          if (performance.now() - reported < 5000) return;
          reported = performance.now();
          process.stdout.write(`  ${p.collectivities} collectivities, ${p.events} events (${Math.round(p.events / Number(seconds(started)))} events/s)\n`);
        },
      },
    );
    process.stdout.write(`seeded ${written.collectivities} collectivities, ${written.events} events in ${seconds(started)} s\n`);
    if (!args["skip-projections"]) {
      const projecting = performance.now();
      const counts = await new ProjectionRunner(pool, PROJECTORS, { batchSize: 2000 }).catchUp();
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
