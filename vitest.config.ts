import { defineConfig } from "vitest/config";

export default defineConfig({
  // One copy of graphql for everyone: left alone, Vite resolves our imports to
  // graphql's ESM build while CommonJS dependencies load the CJS one.
  resolve: { alias: { graphql: "graphql/index.js" } },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
