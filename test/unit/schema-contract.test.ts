import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from "graphql";
import { describe, expect, it } from "vitest";
import { printSchemaFile } from "../../src/graphql/print.ts";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const committed = readFileSync(here("../../schema.graphql"), "utf8");
const vendoredContract = readFileSync(here("../../docs/api-contract.graphql"), "utf8");
const sharedContractPath = here("../../../shared/docs/api-contract.graphql");

const kindOf = (t: GraphQLNamedType) =>
  isObjectType(t) ? "object" : isInputObjectType(t) ? "input" : isEnumType(t) ? "enum" : isScalarType(t) ? "scalar" : isInterfaceType(t) ? "interface" : isUnionType(t) ? "union" : "?";

/** Every element of the contract that the schema lacks or types differently. */
function missingFromSchema(contract: GraphQLSchema, schema: GraphQLSchema): string[] {
  const problems: string[] = [];
  for (const expected of Object.values(contract.getTypeMap())) {
    if (expected.name.startsWith("__")) continue;
    const actual = schema.getType(expected.name);
    if (!actual) {
      problems.push(`type ${expected.name} is missing`);
      continue;
    }
    if (kindOf(actual) !== kindOf(expected)) problems.push(`${expected.name} is a ${kindOf(actual)}, not a ${kindOf(expected)}`);
    if (isEnumType(expected) && isEnumType(actual)) {
      const values = new Set(actual.getValues().map((v) => v.name));
      for (const v of expected.getValues()) if (!values.has(v.name)) problems.push(`enum value ${expected.name}.${v.name} is missing`);
    }
    if ((isObjectType(expected) && isObjectType(actual)) || (isInputObjectType(expected) && isInputObjectType(actual))) {
      const fields = actual.getFields() as Record<string, { type: unknown; args?: readonly { name: string; type: unknown }[] }>;
      for (const field of Object.values(expected.getFields()) as { name: string; type: unknown; args?: readonly { name: string; type: unknown }[] }[]) {
        const got = fields[field.name];
        if (!got) {
          problems.push(`${expected.name}.${field.name} is missing`);
          continue;
        }
        if (String(got.type) !== String(field.type)) problems.push(`${expected.name}.${field.name} is ${String(got.type)}, not ${String(field.type)}`);
        for (const arg of field.args ?? []) {
          const gotArg = got.args?.find((a) => a.name === arg.name);
          if (!gotArg) problems.push(`${expected.name}.${field.name}(${arg.name}) is missing`);
          else if (String(gotArg.type) !== String(arg.type)) problems.push(`${expected.name}.${field.name}(${arg.name}) is ${String(gotArg.type)}, not ${String(arg.type)}`);
        }
      }
    }
  }
  return problems;
}

describe("schema.graphql", () => {
  it("is the schema printed from the Pothos builder (run `npm run schema:print` after changing types)", () => {
    expect(committed).toBe(printSchemaFile());
  });

  it("contains every element of the API contract, the vendored copy and the team's current one where it is beside the clone", () => {
    const contracts = [vendoredContract, ...(existsSync(sharedContractPath) ? [readFileSync(sharedContractPath, "utf8")] : [])];
    for (const contract of contracts) expect(missingFromSchema(buildSchema(contract), buildSchema(committed))).toEqual([]);
  });

  it("notices an element missing from the schema", () => {
    const trimmed = committed.replace(/,?\s*minPosition: String/, "");
    expect(trimmed).not.toBe(committed);
    expect(missingFromSchema(buildSchema(vendoredContract), buildSchema(trimmed))).toContain("Query.matrix(minPosition) is missing");
  });
});
