// The HTTP load generator of `npm run bench`, in its own thread so that the
// client's work does not run on the server's event loop.

import { performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";

const { url, token, query, inputs, concurrency } = workerData;
const latencies = [];
let next = 0;
const start = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < inputs.length; i = next++) {
      const t = performance.now();
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables: inputs[i] }),
      });
      const body = await res.json();
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      latencies.push(performance.now() - t);
    }
  }),
);
parentPort.postMessage({ seconds: (performance.now() - start) / 1000, latencies });
