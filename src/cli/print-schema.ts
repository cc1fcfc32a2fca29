import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { printSchemaFile } from "../graphql/print.ts";

const target = fileURLToPath(new URL("../../schema.graphql", import.meta.url));
writeFileSync(target, printSchemaFile());
process.stdout.write(`wrote ${target}\n`);
