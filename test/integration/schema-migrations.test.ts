import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

// The migrations are SQL written by hand (ENVIRONMENT.md: no schema engine
// here) and schema.prisma describes the same tables for the client: this
// checks, on a database the migrations built, that both say the same tables,
// columns, types, nullability and named indexes.

interface Column {
  name: string;
  type: string;
  nullable: boolean;
}
interface Table {
  model: string;
  name: string;
  columns: Column[];
  indexes: string[];
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** PostgreSQL's type for a Prisma field type and its native attribute. */
function pgType(type: string, list: boolean, attributes: string): string {
  if (type.startsWith("Unsupported(")) return type.slice(13, -2);
  const native = attributes.match(/@db\.(\w+)/)?.[1];
  const base =
    native === "SmallInt"
      ? "smallint"
      : native === "Timestamptz"
        ? "timestamp with time zone"
        : ({
            String: "text",
            Int: "integer",
            BigInt: "bigint",
            Float: "double precision",
            Boolean: "boolean",
            Json: "jsonb",
            DateTime: "timestamp without time zone",
          }[type] ?? type);
  return list ? `${base}[]` : base;
}

/** The tables schema.prisma describes: @@map, @map, ?, [], @db.*, and the names of its ids, uniques and indexes. */
function modelsOf(schema: string): Table[] {
  return [...schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)].map(([, model, body]) => {
    const lines = body!.split("\n").map((l) => l.replace(/\/\/.*$/, "").trim());
    const name = lines.join(" ").match(/@@map\("([^"]+)"\)/)?.[1] ?? model!;
    const fields = lines.flatMap((line) => {
      const m = line.match(/^(\w+)\s+(Unsupported\("[^"]+"\)|\w+)(\[\])?(\?)?(.*)$/);
      if (!m || line.startsWith("@@")) return [];
      const [, field, type, list, optional, attributes] = m;
      return [
        {
          field: field!,
          column: attributes!.match(/@map\("([^"]+)"\)/)?.[1] ?? field!,
          type: pgType(type!, !!list, attributes!),
          nullable: !!optional,
          attributes: attributes!,
        },
      ];
    });
    const dbName = new Map(fields.map((f) => [f.field, f.column]));
    const indexes = lines.flatMap((line) => {
      const m = line.match(/^@@(id|unique|index)\(\[([^\]]+)\]/);
      if (!m) return [];
      const [, kind, list] = m;
      const map = line.match(/map:\s*"([^"]+)"/)?.[1];
      if (map) return [map];
      if (kind === "id") return [`${name}_pkey`];
      const columns = list!.split(",").map((f) => dbName.get(f.trim()) ?? snake(f.trim()));
      return [`${name}_${columns.join("_")}_${kind === "unique" ? "key" : "idx"}`];
    });
    if (fields.some((f) => /@id\b/.test(f.attributes))) indexes.push(`${name}_pkey`);
    for (const f of fields.filter((f) => /@unique\b/.test(f.attributes)))
      indexes.push(f.attributes.match(/@unique\(map:\s*"([^"]+)"\)/)?.[1] ?? `${name}_${f.column}_key`);
    return { model: model!, name, columns: fields.map(({ column, type, nullable }) => ({ name: column, type, nullable })), indexes: indexes.sort() };
  });
}

// Indexes Prisma's schema language cannot state: on expressions, partial, GiST or GIN over trigrams.
const UNDESCRIBABLE = new Set([
  "events_command_id_idx",
  "matrix_views_public_idx",
  "benchmark_matrices_published_idx",
  "benchmark_groups_dirty_idx",
  "benchmark_members_cell_idx",
  "benchmark_members_territorial_cell_idx",
  "collectivity_directory_search_idx",
  "territory_communes_search_idx",
  "territory_epci_search_idx",
]);

let database: TestDatabase;
let client: pg.Client;
beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await database?.drop();
});

describe("schema.prisma and the migrations", () => {
  const models = modelsOf(readFileSync(fileURLToPath(new URL("../../prisma/schema.prisma", import.meta.url)), "utf8"));

  it("name the same tables", async () => {
    const { rows } = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'",
    );
    expect(rows.map((r) => r.table_name).sort()).toEqual(models.map((m) => m.name).sort());
  });

  it("give each table the same columns, types and nullability", async () => {
    const { rows } = await client.query<{ table_name: string; column_name: string; type: string; nullable: boolean }>(
      `SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, NULL) AS type, NOT a.attnotnull AS nullable
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped`,
    );
    const differences: string[] = [];
    for (const model of models) {
      // An enum's type reads quoted ("TokenRole").
      const actual = new Map(rows.filter((r) => r.table_name === model.name).map((r) => [r.column_name, { ...r, type: r.type.replaceAll('"', "") }]));
      for (const column of model.columns) {
        const found = actual.get(column.name);
        if (!found) differences.push(`${model.name}.${column.name}: not in the migrations`);
        else if (found.type !== column.type || found.nullable !== column.nullable) {
          differences.push(
            `${model.name}.${column.name}: migrations ${found.type}${found.nullable ? " null" : ""}, schema ${column.type}${column.nullable ? " null" : ""}`,
          );
        }
        actual.delete(column.name);
      }
      for (const name of actual.keys()) differences.push(`${model.name}.${name}: not in schema.prisma`);
    }
    expect(differences).toEqual([]);
  });

  it("give each table the same named indexes, but those Prisma cannot state", async () => {
    const { rows } = await client.query<{ tablename: string; indexname: string }>("SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public'");
    const differences: string[] = [];
    for (const model of models) {
      const actual = new Set(rows.filter((r) => r.tablename === model.name && !UNDESCRIBABLE.has(r.indexname)).map((r) => r.indexname));
      for (const index of model.indexes) if (!actual.delete(index)) differences.push(`${index}: not in the migrations`);
      for (const index of actual) differences.push(`${index}: not in schema.prisma`);
    }
    expect(differences).toEqual([]);
  });
});
