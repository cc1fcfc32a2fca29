import type { CodegenConfig } from "@graphql-codegen/cli";

// Typed documents for the web app, from the printed schema: each `graphql(...)`
// call in web/src gets the types of its variables and result.
const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: ["web/src/**/*.{ts,tsx}", "!web/src/generated/**"],
  ignoreNoDocuments: false,
  generates: {
    "web/src/generated/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        scalars: { DateTime: "string", Date: "string", JSON: "unknown", File: "File" },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
