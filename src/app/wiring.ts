import { type Config, releasePolicy } from "../config.ts";
import type { Database } from "../db/client.ts";
import type { Logger } from "../logger.ts";
import { reportFailures } from "../observability/failures.ts";
import type { BulkLoad } from "../projections/bulk-load.ts";
import { hostProjections } from "../projections/host.ts";
import { createServices } from "./services.ts";

/**
 * The application over one database as a config says: the projections
 * hosted here or in workers, and the services wired to them. The service,
 * the test app and the benchmarks start from this one place.
 */
export async function wireApplication(connection: Database, config: Config, logger: Logger, options: { bulkLoad?: BulkLoad } = {}) {
  const projections = await hostProjections(connection.pool, {
    redisUrl: config.REDIS_URL,
    queuePrefix: config.PILOTIS_QUEUE_PREFIX,
    catchUpMs: config.PILOTIS_CATCHUP_MS,
    settleMs: config.PILOTIS_PROJECTION_SETTLE_MS,
    benchmarkDebounceMs: config.PILOTIS_BENCHMARK_DEBOUNCE_MS,
    benchmarkRelease: releasePolicy(config),
    holdReleases: options.bulkLoad && ((db) => options.bulkLoad!.holdsReleases(db)),
    onError: (error) => logger.error({ err: error }, "projection failed"),
    onRedisError: reportFailures(logger, "Redis unavailable: live notifications and wake-ups wait for it (catch-up timers go on)"),
  });
  const services = createServices(connection, {
    maxPageSize: config.PILOTIS_MAX_PAGE_SIZE,
    staleTimeoutMs: config.PILOTIS_STALE_TIMEOUT_MS,
    benchmarkMinGroup: config.PILOTIS_BENCHMARK_MIN_GROUP,
    benchmarkRelease: releasePolicy(config),
    onError: reportFailures(logger, "background write failed (snapshot, token use or revocation check)"),
    live: projections.live,
    wake: () => {
      if (!options.bulkLoad?.loading) projections.wake();
    },
  });
  return { projections, services };
}
