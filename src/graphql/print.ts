import { printSchema } from "graphql";
import { schema } from "./schema.ts";

/** The committed schema.graphql: printed from the Pothos builder, never edited by hand. */
export const printSchemaFile = (): string => `# Generated from the Pothos builder by \`npm run schema:print\`; do not edit.\n\n${printSchema(schema)}\n`;
