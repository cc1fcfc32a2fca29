import type { ServerResponse } from "node:http";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { ProjectionStatus } from "../projections/runner.ts";

/** Operation names are the clients' to choose: past this many, new ones are counted as "other", so that no client can grow the registry. */
const MAX_OPERATION_NAMES = 200;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export interface Metrics {
  registry: Registry;
  /** Records one GraphQL operation's execution time. */
  operation(name: string | null | undefined, type: string, seconds: number): void;
  eventsAppended: Counter;
}

/**
 * The process's Prometheus metrics (prom-client), served at /metrics by the
 * API and by the worker: the process defaults, GraphQL operation durations,
 * events appended, and each projection's lag, read when scraped.
 */
export function createMetrics(options: { projectionStatus?: () => Promise<ProjectionStatus[]> } = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: "pilotis_graphql_operation_duration_seconds",
    help: "GraphQL operations' execution time, by operation name and type",
    labelNames: ["operation", "type"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const eventsAppended = new Counter({ name: "pilotis_events_appended_total", help: "Events appended to the log by this process", registers: [registry] });
  if (options.projectionStatus) {
    const status = options.projectionStatus;
    new Gauge({
      name: "pilotis_projection_events_behind",
      help: "Readable events a projection has not applied yet",
      labelNames: ["projection"],
      registers: [registry],
      async collect() {
        for (const projection of await status()) this.set({ projection: projection.name }, projection.eventsBehind);
      },
    });
  }
  const names = new Set<string>();
  return {
    registry,
    eventsAppended,
    operation(name, type, seconds) {
      let label = name && OPERATION_NAME.test(name) ? name : "anonymous";
      if (label !== "anonymous" && !names.has(label)) {
        if (names.size < MAX_OPERATION_NAMES) names.add(label);
        else label = "other";
      }
      duration.observe({ operation: label, type }, seconds);
    },
  };
}

/** Prometheus' text format; a failing collector answers 500 rather than a partial page. */
export async function serveMetrics(registry: Registry, res: ServerResponse): Promise<void> {
  try {
    const body = await registry.metrics();
    res.writeHead(200, { "content-type": registry.contentType }).end(body);
  } catch (error) {
    res.writeHead(500, { "content-type": "text/plain" }).end(`metrics unavailable: ${(error as Error).message}\n`);
  }
}
