import type { Server } from "node:http";
import type { ExecutionArgs } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { bearerToken } from "../auth/bearer.ts";
import { rateLimited } from "./plugins/rate-limit.ts";
import type { createGraphQLHandler } from "./yoga.ts";

type Yoga = ReturnType<typeof createGraphQLHandler>;
type Enveloped = ReturnType<Yoga["getEnveloped"]>;

/**
 * GraphQL over WebSocket (the graphql-ws protocol) on /graphql, through the
 * same Yoga pipeline as HTTP: same schema, plugins, context and errors. The
 * token is checked at connect: `connectionParams: { authorization: "Bearer …" }`.
 * Each operation counts against the rate limit; one over it gets
 * RATE_LIMITED for itself, and the socket stays open.
 */
export function attachWebSocket(
  server: Server,
  yoga: Yoga,
  options: {
    authenticate: (token: string) => Promise<unknown>;
    allowed: (token: string, remoteAddress: string | undefined) => Promise<boolean>;
    maxMessageBytes: number;
  },
) {
  const { authenticate, maxMessageBytes } = options;
  // A message over the limit closes the socket (1009) before it is buffered whole, as HTTP bodies are refused (413).
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: maxMessageBytes });
  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as Enveloped).execute(args as ExecutionArgs),
      subscribe: (args) => (args.rootValue as Enveloped).subscribe(args as ExecutionArgs),
      onConnect: async (ctx) => {
        const token = bearerToken(typeof ctx.connectionParams?.authorization === "string" ? ctx.connectionParams.authorization : null);
        return token !== null && Boolean(await authenticate(token));
      },
      onSubscribe: async (ctx, _id, params) => {
        const token = bearerToken(String(ctx.connectionParams?.authorization ?? ""));
        if (!(await options.allowed(token ?? "", ctx.extra.request.socket.remoteAddress))) return [rateLimited()];
        const enveloped = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          request: new Request(`http://localhost${yoga.graphqlEndpoint}`, { headers: {} }),
          remoteAddress: ctx.extra.request.socket.remoteAddress,
          connectionParams: ctx.connectionParams,
        });
        const document = enveloped.parse(params.query);
        const errors = enveloped.validate(enveloped.schema, document);
        if (errors.length > 0) return errors;
        const contextValue = await enveloped.contextFactory();
        return {
          schema: enveloped.schema,
          document,
          operationName: params.operationName,
          variableValues: params.variables,
          contextValue,
          rootValue: enveloped,
        };
      },
    },
    wss,
  );
  return {
    async close() {
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
