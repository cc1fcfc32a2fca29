import type { Server } from "node:http";
import type { ExecutionArgs, GraphQLError } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { createGraphQLHandler } from "./yoga.ts";

type Yoga = ReturnType<typeof createGraphQLHandler>;
type Enveloped = ReturnType<Yoga["getEnveloped"]>;

const BEARER = /^Bearer\s+\S+$/i;

/**
 * GraphQL over WebSocket (the graphql-ws protocol) on /graphql, through the
 * same Yoga pipeline as HTTP: same schema, plugins, context and errors. The
 * token is checked at connect: `connectionParams: { authorization: "Bearer …" }`.
 */
export function attachWebSocket(server: Server, yoga: Yoga, authenticate: (token: string) => Promise<unknown>, maxMessageBytes: number) {
  // A message over the limit closes the socket (1009) before it is buffered whole, as HTTP bodies are refused (413).
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: maxMessageBytes });
  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as Enveloped).execute(args as ExecutionArgs),
      subscribe: (args) => (args.rootValue as Enveloped).subscribe(args as ExecutionArgs),
      onConnect: async (ctx) => {
        const header = ctx.connectionParams?.authorization;
        if (typeof header !== "string" || !BEARER.test(header)) return false;
        return Boolean(await authenticate(header.replace(/^Bearer\s+/i, "")));
      },
      onSubscribe: async (ctx, _id, params) => {
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
        let contextValue: Awaited<ReturnType<Enveloped["contextFactory"]>>;
        try {
          contextValue = await enveloped.contextFactory();
        } catch (error) {
          // A refusal of this operation (RATE_LIMITED): an error for it, not the whole socket closed.
          if ((error as GraphQLError).extensions?.code) return [error as GraphQLError];
          throw error;
        }
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
