import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Services } from "./app/services.ts";
import { type Config, oidcSettings } from "./config.ts";
import { callerOf } from "./graphql/plugins/rate-limit.ts";
import { RateLimit } from "./graphql/rate-limit.ts";
import { requestIds } from "./graphql/request-ids.ts";
import { attachWebSocket } from "./graphql/websocket.ts";
import { createGraphQLHandler } from "./graphql/yoga.ts";
import { httpRoutes } from "./http/routes.ts";
import type { Logger } from "./logger.ts";
import { reportFailures } from "./observability/failures.ts";
import { serveMetrics } from "./observability/metrics.ts";
import { readiness } from "./readiness.ts";

export interface RunningServer {
  server: Server;
  url: string;
  /** Stops taking requests, lets those in flight finish (bounded), then closes. */
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** Refuses bodies larger than the limit (an upload's, for a multipart request) before any byte is parsed; a POST must say its length. */
function bodyTooLarge(req: IncomingMessage, res: ServerResponse, limits: { body: number; upload: number }): boolean {
  if (req.method !== "POST") return false;
  const max = (req.headers["content-type"] ?? "").startsWith("multipart/form-data") ? limits.upload : limits.body;
  const length = req.headers["content-length"];
  if (length === undefined) {
    json(res, 411, { errors: [{ message: "a Content-Length header is required", extensions: { code: "BAD_USER_INPUT" } }] });
    return true;
  }
  if (Number(length) > max) {
    json(res, 413, { errors: [{ message: `request body over ${max} bytes`, extensions: { code: "BAD_USER_INPUT" } }] });
    return true;
  }
  return false;
}

export async function startServer(
  services: Services,
  config: Config,
  logger: Logger,
  checks: Record<string, () => Promise<boolean>> = {},
): Promise<RunningServer> {
  let shuttingDown = false;
  const rateLimit = await RateLimit.create({
    perMinute: config.PILOTIS_RATE_LIMIT_PER_MINUTE,
    redisUrl: config.REDIS_URL,
    keyPrefix: config.PILOTIS_QUEUE_PREFIX,
    onRedisError: reportFailures(logger, "Redis unavailable: rate limits are counted in this process meanwhile"),
  });
  // /ready through Yoga's readiness check: the database, Redis when used, and not shutting down.
  const ready = async () => {
    if (shuttingDown) return { status: 503, body: { status: "shutting down" } };
    const result = await readiness({ database: () => services.db.$queryRawUnsafe("SELECT 1").then(() => true), ...checks });
    return { status: result.ready ? 200 : 503, body: { status: result.ready ? "ready" : "not ready", checks: result.checks } };
  };
  const yoga = createGraphQLHandler(services, config, logger, { rateLimit, ready });
  // Subscriptions over SSE never finish by themselves, and a connection
  // opened ahead of use may never carry a request: shutdown ends both rather
  // than wait out the grace period (clients reconnect elsewhere).
  const streams = new Set<ServerResponse>();
  const unused = new Set<Socket>();

  const routes = httpRoutes(services, {
    secureCookies: config.PILOTIS_PUBLIC_URL?.startsWith("https:") ?? false,
    publicUrl: config.PILOTIS_PUBLIC_URL ?? null,
    oidc: oidcSettings(config),
    logger,
  });

  const server = createServer((req, res) => {
    const requestId = (req.headers["x-request-id"] as string | undefined)?.slice(0, 100) || crypto.randomUUID();
    res.setHeader("x-request-id", requestId);
    const path = (req.url ?? "/").split("?")[0]!;
    if (path === "/health") return json(res, 200, { status: "ok" });
    if (path === "/metrics") return void serveMetrics(services.metrics.registry, res);
    if (bodyTooLarge(req, res, { body: config.PILOTIS_MAX_BODY_BYTES, upload: config.PILOTIS_MAX_UPLOAD_BYTES })) return;
    const toYoga = () => {
      if (req.headers.accept?.includes("text/event-stream")) {
        streams.add(res);
        res.once("close", () => streams.delete(res));
      }
      requestIds.run(requestId, () => {
        void yoga(req, res, { requestId, remoteAddress: req.socket.remoteAddress });
      });
    };
    if (path === "/graphql") {
      if (routes.authorizeGraphQL(req, res)) toYoga();
      return;
    }
    routes.handle(req, res, path).then(
      (handled) => {
        if (!handled) toYoga();
      },
      (error: unknown) => {
        logger.error({ err: error, path }, "request failed");
        if (!res.headersSent) json(res, 500, { error: "erreur interne" });
        else res.destroy();
      },
    );
  });
  server.requestTimeout = 30_000;
  server.on("connection", (socket: Socket) => {
    unused.add(socket);
    socket.once("close", () => unused.delete(socket));
  });
  server.on("request", (req: IncomingMessage) => unused.delete(req.socket));
  const websocket = attachWebSocket(server, yoga, {
    authenticate: (token) => services.authenticator.authenticate(token),
    allowed: async (token, remoteAddress) =>
      rateLimit.take(await callerOf(services.authenticator, config.PILOTIS_TRUSTED_PROXIES, new Headers({ authorization: `Bearer ${token}` }), remoteAddress)),
    maxMessageBytes: config.PILOTIS_MAX_BODY_BYTES,
  });
  services.revocations.start();

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.HOST === "0.0.0.0" || config.HOST === "::" ? "localhost" : config.HOST;

  return {
    server,
    url: `http://${host}:${port}/graphql`,
    async close() {
      shuttingDown = true;
      services.revocations.stop();
      await websocket.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      for (const socket of [...unused, ...[...streams].map((stream) => stream.socket)]) socket?.destroy();
      const timer = setTimeout(() => server.closeAllConnections(), config.PILOTIS_SHUTDOWN_GRACE_MS);
      await closed;
      clearTimeout(timer);
      await yoga.dispose();
      rateLimit.close();
    },
  };
}
