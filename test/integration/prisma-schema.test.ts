import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { useEventStore } from "../support/store.ts";

const fx = useEventStore();
const schemaFile = readFileSync(fileURLToPath(new URL("../../prisma/schema.prisma", import.meta.url)), "utf8");

const SCALARS: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Boolean: "boolean",
  Float: "double precision",
  Json: "jsonb",
  DateTime: "timestamp(3) without time zone",
};

const models = (schema: string) => new Set([...schema.matchAll(/^model (\w+) \{/gm)].map((m) => m[1]));

/** Every column schema.prisma declares, as "table.column type null|not null", read from the file itself. */
function declaredColumns(schema: string): string[] {
  const enums = new Set([...schema.matchAll(/^enum (\w+) \{/gm)].map((m) => m[1]));
  const relations = models(schema);
  const columns: string[] = [];
  for (const [, , body] of schema.matchAll(/^model (\w+) \{\n([\s\S]*?)^\}/gm)) {
    const table = /@@map\("([^"]+)"\)/.exec(body!)?.[1];
    for (const line of body!.split("\n").map((l) => l.trim())) {
      const field = /^(\w+)\s+(Unsupported\("(\w+)"\)|\w+)(\[\])?(\?)?(.*)$/.exec(line);
      if (!field || line.startsWith("@@") || relations.has(field[2]!)) continue;
      const [, name, type, unsupported, list, optional, attributes] = field;
      const column = /@map\("([^"]+)"\)/.exec(attributes!)?.[1] ?? name;
      const native = /@db\.(\w+)(?:\((\d+)\))?/.exec(attributes!);
      let sqlType = unsupported ?? (enums.has(type!) ? type! : SCALARS[type!]!);
      if (native?.[1] === "Timestamptz") sqlType = `timestamp(${native[2] ?? 6}) with time zone`;
      if (native?.[1] === "SmallInt") sqlType = "smallint";
      if (native?.[1] === "Json") sqlType = "json";
      columns.push(`${table}.${column} ${sqlType}${list ? "[]" : ""} ${optional ? "null" : "not null"}`);
    }
  }
  return columns.sort();
}

it("schema.prisma and the hand-written migrations describe the same tables, columns, types and nullability", async () => {
  const { rows } = await fx.connection.pool.query<{ column: string }>(
    `SELECT c.table_name || '.' || c.column_name || ' ' ||
            format_type(a.atttypid, a.atttypmod) || ' ' ||
            (CASE WHEN c.is_nullable = 'YES' THEN 'null' ELSE 'not null' END) AS column
     FROM information_schema.columns c
     JOIN pg_attribute a ON a.attrelid = format('%I.%I', c.table_schema, c.table_name)::regclass AND a.attname = c.column_name
     WHERE c.table_schema = 'public' AND c.table_name <> '_prisma_migrations'
     ORDER BY 1`,
  );
  const migrated = rows.map((r) => r.column.replace(/"/g, ""));
  expect(migrated).toEqual(declaredColumns(schemaFile));
  expect(migrated).toContain("events.transaction_id xid8 not null");
  expect(migrated).toContain("benchmark_members.decision_dates timestamp(3) with time zone[] not null");
});

it("notices a column the migrations lack", () => {
  const extra = schemaFile.replace("  snapshotVersion Int", "  snapshotHash    String?\n  snapshotVersion Int");
  expect(declaredColumns(extra)).toContain("streams.snapshotHash text null");
});

// Indexes Prisma's schema language cannot state: partial, on expressions, GiST or GIN over trigrams.
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

/** Every index schema.prisma declares (ids, uniques, indexes), by the name Prisma gives it or its map. */
function declaredIndexes(schema: string): string[] {
  const names: string[] = [];
  for (const [, , body] of schema.matchAll(/^model (\w+) \{\n([\s\S]*?)^\}/gm)) {
    const table = /@@map\("([^"]+)"\)/.exec(body!)?.[1];
    const lines = body!.split("\n").map((l) => l.trim());
    const columns = new Map(
      lines.flatMap((line) => {
        const field = /^(\w+)\s+\S+(.*)$/.exec(line);
        return field && !line.startsWith("@@") ? [[field[1]!, /@map\("([^"]+)"\)/.exec(field[2]!)?.[1] ?? field[1]!] as const] : [];
      }),
    );
    for (const line of lines) {
      const map = /map:\s*"([^"]+)"/.exec(line)?.[1];
      const block = /^@@(id|unique|index)\(\[([^\]]+)\]/.exec(line);
      if (block) {
        const [, kind, list] = block;
        const cols = list!.split(",").map((f) => columns.get(f.trim()) ?? f.trim());
        names.push(map ?? (kind === "id" ? `${table}_pkey` : `${table}_${cols.join("_")}_${kind === "unique" ? "key" : "idx"}`));
      } else if (/\s@id\b/.test(line)) names.push(`${table}_pkey`);
      else if (/\s@unique\b/.test(line)) names.push(map ?? `${table}_${columns.get(/^(\w+)/.exec(line)![1]!)}_key`);
    }
  }
  return names.sort();
}

it("schema.prisma names every index the migrations create, but those its language cannot state", async () => {
  const { rows } = await fx.connection.pool.query<{ indexname: string }>(
    "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY 1",
  );
  expect(rows.map((r) => r.indexname).filter((name) => !UNDESCRIBABLE.has(name))).toEqual(declaredIndexes(schemaFile));
});

it("notices an index the migrations lack", () => {
  const extra = schemaFile.replace('  @@map("streams")', '  @@index([snapshotVersion])\n  @@map("streams")');
  expect(declaredIndexes(extra)).toContain("streams_snapshot_version_idx");
});

const ACTIONS: Record<string, string> = { Cascade: "cascade", Restrict: "restrict", NoAction: "no action", SetNull: "set null", SetDefault: "set default" };

/** Every foreign key schema.prisma's relations imply, as "table(columns) -> table(columns) on delete … on update …", with Prisma's defaults. */
function declaredForeignKeys(schema: string): string[] {
  const tables = new Map<string, { table: string; columns: Map<string, string> }>();
  for (const [, model, body] of schema.matchAll(/^model (\w+) \{\n([\s\S]*?)^\}/gm)) {
    const columns = new Map<string, string>();
    for (const field of body!.matchAll(/^\s*(\w+)\s+\S+.*$/gm)) columns.set(field[1]!, /@map\("([^"]+)"\)/.exec(field[0])?.[1] ?? field[1]!);
    tables.set(model!, { table: /@@map\("([^"]+)"\)/.exec(body!)?.[1] ?? model!, columns });
  }
  const keys: string[] = [];
  for (const [, model, body] of schema.matchAll(/^model (\w+) \{\n([\s\S]*?)^\}/gm)) {
    for (const [, target, optional, relation] of body!.matchAll(/^\s*\w+\s+(\w+)(\?)?\s+@relation\(([^)]*\))/gm)) {
      const list = (name: string) =>
        /\[([^\]]+)\]/
          .exec(new RegExp(`${name}:\\s*(\\[[^\\]]+\\])`).exec(relation!)![1]!)![1]!
          .split(",")
          .map((f) => f.trim());
      const from = tables.get(model!)!;
      const to = tables.get(target!)!;
      const onDelete = /onDelete:\s*(\w+)/.exec(relation!)?.[1] ?? (optional ? "SetNull" : "Restrict");
      const onUpdate = /onUpdate:\s*(\w+)/.exec(relation!)?.[1] ?? "Cascade";
      keys.push(
        `${from.table}(${list("fields")
          .map((f) => from.columns.get(f))
          .join(", ")}) -> ${to.table}(${list("references")
          .map((f) => to.columns.get(f))
          .join(", ")}) on delete ${ACTIONS[onDelete]} on update ${ACTIONS[onUpdate]}`,
      );
    }
  }
  return keys.sort();
}

it("schema.prisma's relations are the foreign keys the migrations create, actions included", async () => {
  const { rows } = await fx.connection.pool.query<{ key: string }>(
    `SELECT format('%s(%s) -> %s(%s) on delete %s on update %s',
              c.conrelid::regclass, (SELECT string_agg(attname, ', ' ORDER BY k.i) FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute ON attrelid = c.conrelid AND attnum = k.n),
              c.confrelid::regclass, (SELECT string_agg(attname, ', ' ORDER BY k.i) FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute ON attrelid = c.confrelid AND attnum = k.n),
              a.del, a.upd) AS key
     FROM pg_constraint c
     CROSS JOIN LATERAL (SELECT
       CASE c.confdeltype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null' ELSE 'set default' END AS del,
       CASE c.confupdtype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'set null' ELSE 'set default' END AS upd) a
     WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
     ORDER BY 1`,
  );
  const declared = declaredForeignKeys(schemaFile);
  expect(rows.map((r) => r.key)).toEqual(declared);
  expect(declared).toContain("territory_communes(epci_siren) -> territory_epci(siren) on delete restrict on update cascade");
});

it("notices a relation the migrations lack", () => {
  const extra = schemaFile.replace("  successor TerritoryCommune @relation(fields: [successorCode], references: [inseeCode])", "");
  expect(declaredForeignKeys(schemaFile).length - declaredForeignKeys(extra).length).toBe(1);
});
