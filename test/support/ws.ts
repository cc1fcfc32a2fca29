import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";

/** A graphql-ws client for tests: collects the payloads of one subscription. */
export function wsClient(httpUrl: string, token: string | null): Client {
  return createClient({
    url: httpUrl.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

export function collect(client: Client, query: string, variables: Record<string, unknown>) {
  const received: any[] = [];
  const errors: unknown[] = [];
  let wake: (() => void) | null = null;
  const dispose = client.subscribe(
    { query, variables },
    {
      next: (value) => {
        received.push(value);
        wake?.();
      },
      error: (error) => {
        errors.push(error);
        wake?.();
      },
      complete: () => undefined,
    },
  );
  return {
    received,
    errors,
    async waitFor(count: number, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count && errors.length === 0) {
        if (Date.now() > deadline) throw new Error(`got ${received.length} of ${count} payloads`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
    },
    dispose,
  };
}
