// The benchmarking figures of `npm run bench`, on a synthetic national
// network (36,000 collectivities by default; PILOTIS_BENCH_COLLECTIVITIES
// sets another size): seeding, a full rebuild of the benchmark read models,
// query latencies over HTTP, and the lag from publishMatrix to the updated
// aggregates of the publisher's group.
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { CollectivityAggregate, MatrixAggregate } from "../src/app/aggregates.ts";
import { CommandHandler } from "../src/app/commands.ts";
import { Repository } from "../src/app/repository.ts";
import { loadConfig, releasePolicy } from "../src/config.ts";
import { createPool } from "../src/db/client.ts";
import { kindsOf, parseGroupKey } from "../src/domain/benchmark/peer-groups.ts";
import { EventStore } from "../src/eventstore/store.ts";
import { refreshAllGroups } from "../src/projections/benchmark-groups.ts";
import { PROJECTORS } from "../src/projections/index.ts";
import { catchUpFromZero } from "../src/projections/parallel-catch-up.ts";
import { ProjectionRunner } from "../src/projections/runner.ts";
import { seedInProcesses } from "../src/seed/processes.ts";
import { SEED_WRITERS, seeder, writeSyntheticNetwork } from "../src/seed/write.ts";
import { importTerritory } from "../src/territory/import.ts";
import { startTestApp } from "../test/support/app.ts";
import { createTestDatabase } from "../test/support/database.ts";
import { REDIS_URL, redisAnswers } from "../test/support/redis.ts";
import { subscribeSse } from "../test/support/sse.ts";
import { benchPrivacy } from "./privacy.ts";
import { measureLag } from "./projections.ts";

type Report = (name: string, value: string, target: string) => void;
const root = fileURLToPath(new URL("..", import.meta.url));
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const p50p99 = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `${quantile(sorted, 0.5).toFixed(1)} ms / ${quantile(sorted, 0.99).toFixed(1)} ms`;
};

/** Sends `count` requests one after the other, each built by `variables(i)`; returns their latencies. */
async function latencies(url: string, token: string, query: string, count: number, variables: (i: number) => Record<string, unknown>) {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables: variables(i) }),
    });
    const body = (await res.json()) as { errors?: unknown[] };
    times.push(performance.now() - started);
    if (body.errors) throw new Error(`benchmark query failed: ${JSON.stringify(body.errors)}`);
  }
  return times;
}

export async function benchBenchmarks(report: Report): Promise<void> {
  const database = await createTestDatabase();
  const n = Number(process.env.PILOTIS_BENCH_COLLECTIVITIES ?? (database.embedded ? 2_000 : 36_000));
  const pool = createPool({ url: database.url, poolSize: database.embedded ? 1 : 10 });
  const viaRedis = !database.embedded && (await redisAnswers());
  const prefix = `bench-benchmarks-${Date.now()}`;
  let worker: ReturnType<typeof spawn> | null = null;
  try {
    const store = new EventStore(pool);
    const commands = new CommandHandler(store, new Repository(store, CollectivityAggregate), new Repository(store, MatrixAggregate));
    // The territory names the places' groups (and checks their codes), as in production.
    await importTerritory(pool);
    let started = performance.now();
    // As seed:synthetic writes it: a process per core, or one writer on embedded PostgreSQL.
    const network = { collectivities: n, seed: 1, now: new Date() };
    const written = database.embedded
      ? await writeSyntheticNetwork(commands, network, { concurrency: 1 })
      : await seedInProcesses(database.url, network, { processes: availableParallelism(), concurrency: SEED_WRITERS });
    report(`seed:synthetic, ${n} collectivities: ${written.events} events`, seconds(started), "< 60 s (issue 9)");
    started = performance.now();
    await catchUpFromZero(database, pool);
    report("  every projection caught up from zero", seconds(started), "< 40 s (issue 9)");
    started = performance.now();
    const computed = await refreshAllGroups(pool);
    report(`  then ${computed} benchmark groups computed`, seconds(started), "");
    started = performance.now();
    await new ProjectionRunner(pool, PROJECTORS).rebuild("benchmarks");
    const rebuilt = seconds(started);
    started = performance.now();
    const groups = await refreshAllGroups(pool);
    // Counts the groups whose figures changed: none, when the rebuild found what was there.
    report(`  full benchmark rebuild: projection / groups refreshed (${groups} changed)`, `${rebuilt} / ${seconds(started)}`, "");
    const config = loadConfig({});
    started = performance.now();
    await refreshAllGroups(pool, releasePolicy(config));
    const { rows: units } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM benchmark_cells");
    report(`  a release of every benchmark unit (${units[0]!.n} units)`, seconds(started), "< 60 s");
    await benchPrivacy(pool, releasePolicy(config), config.PILOTIS_BENCHMARK_MIN_GROUP, report);

    worker = viaRedis
      ? spawn(process.execPath, ["--import", "tsx", "workers/projector.ts"], {
          cwd: root,
          env: {
            ...process.env,
            DATABASE_URL: database.url,
            REDIS_URL,
            PILOTIS_QUEUE_PREFIX: prefix,
            PILOTIS_WORKER_PORT: "0",
            LOG_LEVEL: "error",
            // The worker releases: with one-second windows, as the API under test.
            PILOTIS_BENCHMARK_RELEASE_SECONDS: "1",
          },
          stdio: "inherit",
        })
      : null;
    const env: Record<string, string> = {
      PILOTIS_RATE_LIMIT_PER_MINUTE: "0",
      PILOTIS_BENCHMARK_DEBOUNCE_MS: "500",
      ...(viaRedis ? { REDIS_URL, PILOTIS_QUEUE_PREFIX: prefix } : {}),
    };
    const app = await startTestApp(env, { database });
    try {
      const groupKeys = (await pool.query<{ key: string }>("SELECT key FROM benchmark_groups WHERE size > 0 ORDER BY key")).rows.map((r) => r.key);
      const FIELD = { REGION: "regionCode", DEPARTEMENT: "departementCode", EPCI: "epciCode" } as const;
      const inputOf = (key: string) => {
        const g = parseGroupKey(key);
        return {
          kinds: kindsOf(g),
          populationStratum: g.populationStratum,
          wealthQuartile: g.wealthQuartile,
          ...(g.territory ? { [FIELD[g.territory.level]]: g.territory.code } : {}),
        };
      };
      const members = (
        await pool.query<{ collectivity_id: string; matrix_id: string; factor_keys: string[] }>(
          "SELECT collectivity_id, matrix_id, factor_keys FROM benchmark_members WHERE matrix_id IS NOT NULL AND cardinality(factor_keys) > 0 ORDER BY collectivity_id",
        )
      ).rows;
      const pick = (i: number) => members[(i * 7919) % members.length]!;
      const count = 400;
      const group = await latencies(
        app.url,
        app.adminToken,
        `query($g: PeerGroupInput!) { benchmark(peerGroup: $g) { suppressed factorPrevalence { entry { key } count share } strategyAdoption { count } metrics { metric mean p25 median p75 } } }`,
        count,
        (i) => ({ g: inputOf(groupKeys[(i * 31) % groupKeys.length]!) }),
      );
      report(`benchmark(peerGroup) over HTTP, ${groupKeys.length} groups in turn (families and places included), p50 / p99`, p50p99(group), "p99 < 50 ms");
      // The groups computed when asked: a département's kind at one stratum, an EPCI's communes.
      const places = (
        await pool.query<{ kind: string; stratum: string; departement_code: string; epci_code: string | null }>(
          "SELECT kind, stratum, departement_code, epci_code FROM benchmark_members WHERE departement_code IS NOT NULL ORDER BY collectivity_id",
        )
      ).rows;
      const asked = await latencies(
        app.url,
        app.adminToken,
        `query($g: PeerGroupInput!) { benchmark(peerGroup: $g) { peerGroup { label size } suppressed factorPrevalence { count share } metrics { metric median } } }`,
        count,
        (i) => {
          const m = places[(i * 7919) % places.length]!;
          return {
            g: i % 2 === 0 || !m.epci_code ? { kind: m.kind, populationStratum: m.stratum, departementCode: m.departement_code } : { epciCode: m.epci_code },
          };
        },
      );
      report("benchmark of a place computed when asked (a département's stratum, an EPCI's communes) over HTTP, p50 / p99", p50p99(asked), "p99 < 50 ms");
      const own = await latencies(
        app.url,
        app.adminToken,
        `query($c: ID!) { collectivity(id: $c) { peerGroup { label size } benchmark { metrics { metric value peerMedian percentile } } } }`,
        count,
        (i) => ({ c: pick(i).collectivity_id }),
      );
      report("a collectivity's benchmark over HTTP p50 / p99", p50p99(own), "p99 < 50 ms");
      const practices = await latencies(
        app.url,
        app.adminToken,
        `query($m: ID!, $f: String!) { peerPractices(matrixId: $m, factorKey: $f) { suppressed peersWithFactor strategies { entry { key } adopted inProgress done abandoned } tools { entry { key } uptake } } }`,
        count,
        (i) => ({
          m: pick(i).matrix_id,
          f: pick(i).factor_keys[i % pick(i).factor_keys.length],
        }),
      );
      report("peerPractices over HTTP p50 / p99", p50p99(practices), "p99 < 100 ms");

      // Lag: a new matrix published, until the update of its collectivity's own group reaches a subscriber.
      const lags: number[] = [];
      for (let i = 0; i < 40; i++) {
        const member = pick(1000 + i * 13);
        const { rows } = await pool.query<{ kind: string; stratum: string; wealth_quartile: number | null }>(
          "SELECT kind, stratum, wealth_quartile FROM benchmark_members WHERE collectivity_id = $1",
          [member.collectivity_id],
        );
        const placement = rows[0]!;
        const live = await subscribeSse(app.url, app.adminToken, `subscription($g: PeerGroupInput) { benchmarkUpdated(peerGroup: $g) { updatedAt } }`, {
          g: { kind: placement.kind, populationStratum: placement.stratum, wealthQuartile: placement.wealth_quartile },
        });
        await new Promise((r) => setTimeout(r, 100));
        const matrixId = `bench-lag-${i}`;
        await commands.importMatrixSession(
          matrixId,
          [
            { type: "OpenMatrix", matrixId, collectivityId: member.collectivity_id, title: "Nouveau diagnostic" },
            { type: "AddFactor", matrixId, factorId: "f1", kind: "WEAKNESS", label: "Ressources rares", catalogueKey: "W4" },
          ],
          new Date(),
          seeder,
        );
        // Timed from the call, so the figure includes the publish command itself.
        const called = performance.now();
        await app.services.commands.onMatrix("publishMatrix", { matrixId }, { type: "PublishMatrix", matrixId }, {}, {}, seeder);
        await live.next(10_000);
        lags.push(performance.now() - called);
        live.close();
        await new Promise((r) => setTimeout(r, 600));
      }
      report(
        `publishMatrix → its group's next release at a subscriber, 1 s release windows (${viaRedis ? "BullMQ worker + Redis" : "in process"}) p50 / p99`,
        p50p99(lags),
        "p99 < 2 s",
      );

      // Lag while `npm run projections:rebuild` rebuilds every projection of this network beside the live ones.
      started = performance.now();
      const rebuild = new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", "tsx", "src/cli/rebuild.ts"], {
          cwd: root,
          env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: "error" },
          stdio: ["ignore", "ignore", "inherit"],
        });
        child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`rebuild exited with ${code}`))));
      });
      const during = await measureLag(app, rebuild);
      await rebuild;
      report(`append → subscriber lag at 200/s during a full rebuild (${seconds(started)}) p50 / p99`, p50p99(during), "p99 < 250 ms");
    } finally {
      await app.close();
    }
  } finally {
    if (worker) {
      worker.kill("SIGTERM");
      await new Promise((r) => worker!.once("exit", r));
    }
    await pool.end();
    await database.drop();
  }
}
