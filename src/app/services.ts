import { RevocationWatcher } from "../auth/revocations.ts";
import { SignInCodes } from "../auth/sign-in-codes.ts";
import { TokenAuthenticator } from "../auth/tokens.ts";
import type { Database } from "../db/client.ts";
import { EventStore } from "../eventstore/store.ts";
import { createMetrics } from "../observability/metrics.ts";
import type { ReleasePolicy } from "../projections/benchmark-releases.ts";
import { PROJECTORS } from "../projections/index.ts";
import { ProjectionRunner } from "../projections/runner.ts";
import { CollectivityAggregate, MatrixAggregate } from "./aggregates.ts";
import { BenchmarkService } from "./benchmarks.ts";
import { CommandHandler } from "./commands.ts";
import { GrantService } from "./grants.ts";
import type { LiveEvents } from "./live.ts";
import { MatrixCommands } from "./matrix-commands.ts";
import { type QueryLimits, QueryService } from "./queries.ts";
import { Repository } from "./repository.ts";
import { TerritoryService } from "./territory.ts";
import { TokenService } from "./tokens.ts";

export interface ServiceOptions extends QueryLimits {
  /** k: peer groups with fewer contributors are suppressed. */
  benchmarkMinGroup: number;
  benchmarkRelease: ReleasePolicy;
  /** Where subscriptions listen; projections publish to it. */
  live: LiveEvents;
  /** Told after each append: the projections have work. */
  wake: () => void;
  /** Failures nobody awaits (a token's last use, a revocation poll), for the log. */
  onError?: (error: unknown) => void;
}

/** Wires the application: one store, one repository per aggregate, commands and queries sharing them. */
export function createServices(database: Database, options: ServiceOptions) {
  const store = new EventStore(database.pool);
  const collectivities = new Repository(store, CollectivityAggregate, options.onError);
  const matrices = new Repository(store, MatrixAggregate, options.onError);
  const observer = new ProjectionRunner(database.pool, PROJECTORS);
  const metrics = createMetrics({ projectionStatus: () => observer.status() });
  const commands = new CommandHandler(store, collectivities, matrices, (events) => {
    metrics.eventsAppended.inc(events.length);
    options.wake();
  });
  const queries = new QueryService(database.prisma, store, collectivities, matrices, () => observer.status(), options);
  const benchmarks = new BenchmarkService(database.pool, options.benchmarkMinGroup, options.benchmarkRelease);
  const authenticator = new TokenAuthenticator(database.prisma, options.onError);
  const revocations = new RevocationWatcher(database.prisma, authenticator, { onError: options.onError });
  const tokens = new TokenService(
    database.prisma,
    (tokenId) => revocations.announce(tokenId),
    async (id) => (await collectivities.load(id)).state !== null,
  );
  const grants = new GrantService(
    database.prisma,
    async (id) => (await collectivities.load(id)).state !== null,
    (tokenId) => revocations.announce(tokenId),
  );
  const flush = async () => {
    await Promise.all([collectivities.flush(), matrices.flush()]);
  };
  const matrixCommands = new MatrixCommands(commands);
  return {
    db: database.prisma,
    store,
    commands,
    matrixCommands,
    queries,
    benchmarks,
    tokens,
    grants,
    territory: new TerritoryService(database.prisma),
    authenticator,
    revocations,
    signInCodes: new SignInCodes(),
    metrics,
    live: options.live,
    flush,
  };
}

export type Services = ReturnType<typeof createServices>;
