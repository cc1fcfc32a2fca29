/** A GraphQL subscription over Server-Sent Events, read as a test would: one payload at a time. */
export interface SseSubscription {
  next(timeoutMs?: number): Promise<any>;
  /** Settles when the server ends the stream (or close() aborts it). */
  ended: Promise<void>;
  close(): void;
}

export async function subscribeSse(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<SseSubscription> {
  const abort = new AbortController();
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal: abort.signal,
  });
  if (!res.ok || !res.body) throw new Error(`subscription refused: ${res.status} ${await res.text()}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const queue: any[] = [];
  const waiting: ((value: any) => void)[] = [];
  let buffer = "";
  const ended = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split("\n")
            .filter((l) => l.startsWith("data:"))
            .map((l) => l.slice(5).trim())
            .join("");
          if (!data) continue;
          const payload = JSON.parse(data);
          const resolve = waiting.shift();
          if (resolve) resolve(payload);
          else queue.push(payload);
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    next(timeoutMs = 10_000) {
      const ready = queue.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const waiter = (value: any) => {
          clearTimeout(timer);
          resolve(value);
        };
        // A waiter that gave up leaves the queue, so that no later payload is handed to it and lost.
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(waiter), 1);
          reject(new Error("no subscription payload in time"));
        }, timeoutMs);
        waiting.push(waiter);
      });
    },
    ended,
    close: () => abort.abort(),
  };
}
