// `npm run bench`: the event-sourced core's figures, printed side by side.
// Runs against the local PostgreSQL (a throw-away database) or, where it does
// not answer, embedded PGlite; the report says which.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { createSchema, createYoga } from "graphql-yoga";
import pg from "pg";
import { CollectivityAggregate, MatrixAggregate } from "../src/app/aggregates.ts";
import { type CommandContext, CommandHandler } from "../src/app/commands.ts";
import { Repository } from "../src/app/repository.ts";
import { wireApplication } from "../src/app/wiring.ts";
import { issueToken } from "../src/auth/tokens.ts";
import { loadConfig } from "../src/config.ts";
import { createDatabase } from "../src/db/client.ts";
import { EventStore } from "../src/eventstore/store.ts";
import { createLogger } from "../src/logger.ts";
import { startServer } from "../src/server.ts";
import { createTestDatabase } from "../test/support/database.ts";
import { waitForProjections } from "../test/support/projections.ts";
import { redisAnswers } from "../test/support/redis.ts";
import { benchBenchmarks } from "./benchmarks.ts";
import { benchFirstStart } from "./first-start.ts";
import { benchImport } from "./import.ts";
import { appWithWorker, benchProjections } from "./projections.ts";
import { benchTerritory } from "./territory.ts";
import { benchWeb } from "./web.ts";

const admin: CommandContext = { principal: { tokenId: "bench", role: "ADMIN", collectivityId: null, subject: "bench" } };

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const ms = (n: number) => `${n.toFixed(2)} ms`;

async function timed(count: number, concurrency: number, op: (i: number) => Promise<unknown>) {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) {
        const t = performance.now();
        await op(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: count / seconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

/** A graphql-yoga server with nothing behind it but an echo mutation, on a loopback port. */
async function bareYogaServer(): Promise<{ url: string; close(): Promise<void> }> {
  const yoga = createYoga({
    schema: createSchema({
      typeDefs: "type Query { ok: Boolean } type Mutation { echo(input: String!): String! }",
      resolvers: { Mutation: { echo: (_root: unknown, args: { input: string }) => args.input } },
    }),
    logging: false,
  });
  const server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/graphql`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Runs bench/http-load.mjs in a worker thread and summarises what it measured. */
function loadInWorker(data: { url: string; token: string; query: string; inputs: unknown[]; concurrency: number }) {
  return new Promise<{ perSecond: number; p50: number; p99: number }>((resolve, reject) => {
    const worker = new Worker(new URL("./http-load.mjs", import.meta.url), { workerData: data });
    worker.once("error", reject);
    worker.once("message", ({ seconds, latencies }: { seconds: number; latencies: number[] }) => {
      latencies.sort((a, b) => a - b);
      resolve({ perSecond: latencies.length / seconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) });
    });
  });
}

type Services = Awaited<ReturnType<typeof wireApplication>>["services"];

/**
 * addFactor over HTTP from `clients` concurrent clients, each on a matrix of
 * its own (opened here, so that every topology starts from the same sizes),
 * after an unmeasured round that lets the JIT and the pools settle.
 */
async function addFactorLoad(services: Services, url: string, token: string, clients: number) {
  const { ids } = await services.commands.registerCollectivity({ name: "Commune de banc d'essai", kind: "COMMUNE", population: 1000 }, {}, admin);
  const matrices: string[] = [];
  for (let c = 0; c < clients; c++)
    matrices.push((await services.commands.openMatrix({ collectivityId: ids.collectivityId!, title: `Banc ${c}` }, {}, admin)).ids.matrixId!);
  const mutation = `mutation($input: AddFactorInput!) { addFactor(input: $input) { position factor { id } } }`;
  const inputs = (count: number, tag: string) =>
    Array.from({ length: count }, (_, i) => ({ input: { matrixId: matrices[i % clients], kind: "STRENGTH", label: `${tag} ${i}` } }));
  await loadInWorker({ url, token, query: mutation, inputs: inputs(500, "Échauffement"), concurrency: clients });
  const measured = await loadInWorker({ url, token, query: mutation, inputs: inputs(3000, "Force"), concurrency: clients });
  return { ...measured, collectivityId: ids.collectivityId! };
}

const database = await createTestDatabase();
const connection = createDatabase({ url: database.url, poolSize: database.poolSize });
const db = connection.prisma;
const store = new EventStore(connection.pool);
// Projections run inside the API, as `npm start` runs them without Redis; the
// worker topology is measured by addFactor's second figure and by the lag
// figure in bench/projections.ts.
const { projections, services } = await wireApplication(connection, loadConfig({ LOG_LEVEL: "error" }), createLogger("error"));
const rows: [string, string, string][] = [];
const report = (name: string, value: string, target: string) => rows.push([name, value, target]);
const writers = database.embedded ? 1 : 8;

try {
  // 1. appends through the event store against raw INSERTs of the same rows
  const appends = 4000;
  const versions = new Map<number, number>();
  const viaStore = await timed(appends, writers, async (i) => {
    const w = i % writers;
    const version = versions.get(w) ?? 0;
    versions.set(w, version + 1);
    await store.append({
      streamId: `bench-store-${w}`,
      streamType: "bench",
      expectedVersion: version,
      events: [{ type: "Ticked", data: { i } }],
      metadata: { actor: "bench" },
    });
  });
  const raw = new pg.Pool({ connectionString: database.url, max: database.poolSize });
  const rawVersions = new Map<number, number>();
  const viaRaw = await timed(appends, writers, async (i) => {
    const w = i % writers;
    const version = (rawVersions.get(w) ?? 0) + 1;
    rawVersions.set(w, version);
    await raw.query("INSERT INTO events (stream_id, stream_version, type, payload, actor) VALUES ($1, $2, $3, $4, $5)", [
      `bench-raw-${w}`,
      version,
      "Ticked",
      JSON.stringify({ i }),
      "bench",
    ]);
  });
  await raw.end();
  report(`appends/s, event store (${writers} writers)`, viaStore.perSecond.toFixed(0), "");
  report(`appends/s, raw INSERT via pg (${writers} writers)`, viaRaw.perSecond.toFixed(0), "");
  report("  ratio store / raw", (viaStore.perSecond / viaRaw.perSecond).toFixed(2), ">= 0.5");

  // 2. addFactor over HTTP, 16 concurrent clients, one matrix each
  const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", PILOTIS_RATE_LIMIT_PER_MINUTE: "0" });
  const server = await startServer(services, config, createLogger("silent"));
  const token = (await issueToken(db, { role: "ADMIN", subject: "bench" })).token;
  const clients = 16;
  const http = await addFactorLoad(services, server.url, token, clients);
  const { collectivityId } = http;
  report("addFactor over HTTP, 16 clients (projections in the API process): ops/s", http.perSecond.toFixed(0), ">= 300");
  report("  p50 / p99", `${ms(http.p50)} / ${ms(http.p99)}`, "p99 < 100 ms");
  // The ceiling to compare with: a bare graphql-yoga server answering a trivial mutation, same load generator.
  const bare = await bareYogaServer();
  let ceiling: { perSecond: number };
  try {
    const trivial = `mutation($input: String!) { echo(input: $input) }`;
    const echoes = (count: number) => Array.from({ length: count }, (_, i) => ({ input: `écho ${i}` }));
    await loadInWorker({ url: bare.url, token, query: trivial, inputs: echoes(500), concurrency: clients });
    ceiling = await loadInWorker({ url: bare.url, token, query: trivial, inputs: echoes(3000), concurrency: clients });
    report("bare graphql-yoga, trivial mutation, 16 clients: ops/s", ceiling.perSecond.toFixed(0), "");
    report("  addFactor / bare Yoga", (http.perSecond / ceiling.perSecond).toFixed(2), ">= 0.5 (issue 9)");
  } finally {
    await bare.close();
  }
  // The deployment with Redis: the API only appends and rings BullMQ; a
  // worker process projects, on the same cores (a database of its own, so
  // that the in-process projections above have nothing to do meanwhile).
  if (await redisAnswers()) {
    const deployed = await appWithWorker(await createTestDatabase());
    try {
      const viaWorker = await addFactorLoad(deployed.app.services, deployed.app.url, deployed.app.adminToken, clients);
      report("addFactor over HTTP, 16 clients (projections in a BullMQ worker process): ops/s", viaWorker.perSecond.toFixed(0), "");
      report("  p50 / p99", `${ms(viaWorker.p50)} / ${ms(viaWorker.p99)}`, "p99 < 50 ms (issue 9)");
      report("  addFactor / bare Yoga", (viaWorker.perSecond / ceiling.perSecond).toFixed(2), ">= 0.5 (issue 9)");
    } finally {
      await deployed.stop();
      await deployed.app.database.drop();
    }
  } else {
    report("addFactor with a BullMQ worker process", "skipped: Redis does not answer", "");
  }

  // 3. command latency on a short and a long stream, from a cold process each time
  async function streamOf(events: number): Promise<string> {
    const matrixId = (await services.commands.openMatrix({ collectivityId, title: `Long ${events}` }, {}, admin)).ids.matrixId!;
    await services.commands.onMatrix(
      "addFactor",
      { matrixId },
      { type: "AddFactor", matrixId, factorId: "f", kind: "THREAT", label: "f" },
      { factorId: "f" },
      {},
      admin,
    );
    let version = 2;
    while (version < events) {
      const batch = Math.min(500, events - version);
      const revisions = Array.from({ length: batch }, (_, i) => ({ type: "FactorRevised", data: { factorId: "f", changes: { weight: version + i } } }));
      await store.append({ streamId: `matrix-${matrixId}`, streamType: "matrix", expectedVersion: version, events: revisions, metadata: { actor: "bench" } });
      version += batch;
    }
    // one command so the stream is snapshotted as the live service would have done
    await new CommandHandler(store, new Repository(store, CollectivityAggregate), new Repository(store, MatrixAggregate)).onMatrix(
      "r",
      { matrixId },
      { type: "ReviseFactor", matrixId, factorId: "f", weight: 0.5 },
      {},
      {},
      admin,
    );
    await store.saveSnapshot(`matrix-${matrixId}`, events + 1, await new Repository(store, MatrixAggregate).loadAt(matrixId, {}));
    return matrixId;
  }
  async function coldCommandLatency(matrixId: string) {
    let weight = 1;
    return timed(200, 1, () => {
      const cold = new CommandHandler(store, new Repository(store, CollectivityAggregate), new Repository(store, MatrixAggregate));
      weight += 1;
      return cold.onMatrix("r", { matrixId }, { type: "ReviseFactor", matrixId, factorId: "f", weight }, {}, {}, admin);
    });
  }
  const short = await coldCommandLatency(await streamOf(100));
  const long = await coldCommandLatency(await streamOf(10_000));
  report("command on 100-event stream (cold) p50", ms(short.p50), "");
  report("command on 10,000-event stream (cold) p50", ms(long.p50), "");
  report("  ratio long / short", (long.p50 / short.p50).toFixed(2), "<= 1.5");

  // 4. matrix query: 50 factors, 100 strategies
  const big = (await services.commands.openMatrix({ collectivityId, title: "Grande matrice" }, {}, admin)).ids.matrixId!;
  const kinds = ["STRENGTH", "WEAKNESS", "OPPORTUNITY", "THREAT"] as const;
  for (let i = 0; i < 50; i++) {
    const factorId = `f${i}`;
    await services.commands.onMatrix(
      "a",
      { matrixId: big },
      { type: "AddFactor", matrixId: big, factorId, kind: kinds[i % 4]!, label: `Facteur ${i}` },
      { factorId },
      {},
      admin,
    );
  }
  for (let i = 0; i < 100; i++) {
    const strategyId = `s${i}`;
    const internal = `f${((i * 2) % 50) - (((i * 2) % 50) % 4) + (i % 2)}`;
    const external = `f${((i * 3) % 48) - (((i * 3) % 48) % 4) + 2 + (i % 2)}`;
    await services.commands.onMatrix(
      "p",
      { matrixId: big },
      { type: "ProposeStrategy", matrixId: big, strategyId, internalFactorId: internal, externalFactorId: external, title: `Stratégie ${i}` },
      { strategyId },
      {},
      admin,
    );
  }
  await waitForProjections(connection.pool, 60_000);
  const query = `query($id: ID!) { matrix(id: $id) { id version factors { id kind label weight rating } strategies { id quadrant status title internalFactor { id } externalFactor { id } decisions { status actor at } } cross(quadrant: SO) { cells { strategies { id } } } scores { internal external strategiesByQuadrant { quadrant count } } } }`;
  const reads = await timed(500, 1, async () => {
    const res = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables: { id: big } }),
    });
    const body = (await res.json()) as { data?: { matrix?: { strategies: unknown[] } } };
    if (body.data?.matrix?.strategies.length !== 100) throw new Error("matrix query returned the wrong matrix");
  });
  report("matrix query (50 factors, 100 strategies) p50 / p99", `${ms(reads.p50)} / ${ms(reads.p99)}`, "p99 < 30 ms");
  await server.close();
} finally {
  await projections.stop();
  await services.flush();
  await connection.close();
  await database.drop();
}

await benchFirstStart(report);

// PILOTIS_BENCH_CORE_ONLY=1 skips the (slower) projection and benchmarking figures.
if (!process.env.PILOTIS_BENCH_CORE_ONLY) {
  await benchProjections(report);
  await benchBenchmarks(report);
  await benchWeb(report);
  await benchImport(report);
  await benchTerritory(report);
}

const width = Math.max(...rows.map((r) => r[0].length));
process.stdout.write(
  `\nPilotis benchmark — ${database.embedded ? "embedded PGlite (PostgreSQL did not answer)" : "local PostgreSQL"}, node ${process.version}\n\n`,
);
for (const [name, value, target] of rows) process.stdout.write(`${name.padEnd(width)}  ${value.padStart(22)}  ${target}\n`);
