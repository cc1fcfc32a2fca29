import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // One copy of graphql for everyone: left alone, Vite resolves our imports to
  // graphql's ESM build while CommonJS dependencies load the CJS one.
  resolve: { alias: { graphql: "graphql/index.js" } },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    // Vitest leaves a core free, so a 2-core machine ran one file at a time; most files wait on
    // PostgreSQL, Chromium or child processes, and two at once took 364 s there against 489 s.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A poll waits for what a page or a background worker shows in the end; vitest's one second
    // failed right answers on a busy 2-core machine (a page's first query took longer under the suite).
    expect: { poll: { timeout: 15_000 } },
  },
});
