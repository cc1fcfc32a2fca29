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

/** Every column schema.prisma declares, as "table.column type null|not null", read from the file itself. */
function declaredColumns(schema: string): string[] {
  const enums = new Set([...schema.matchAll(/^enum (\w+) \{/gm)].map((m) => m[1]));
  const columns: string[] = [];
  for (const [, , body] of schema.matchAll(/^model (\w+) \{\n([\s\S]*?)^\}/gm)) {
    const table = /@@map\("([^"]+)"\)/.exec(body!)?.[1];
    for (const line of body!.split("\n").map((l) => l.trim())) {
      const field = /^(\w+)\s+(Unsupported\("(\w+)"\)|\w+)(\[\])?(\?)?(.*)$/.exec(line);
      if (!field || line.startsWith("@@")) continue;
      const [, name, type, unsupported, list, optional, attributes] = field;
      const column = /@map\("([^"]+)"\)/.exec(attributes!)?.[1] ?? name;
      const native = /@db\.(\w+)(?:\((\d+)\))?/.exec(attributes!);
      let sqlType = unsupported ?? (enums.has(type!) ? type! : SCALARS[type!]!);
      if (native?.[1] === "Timestamptz") sqlType = `timestamp(${native[2] ?? 6}) with time zone`;
      if (native?.[1] === "SmallInt") sqlType = "smallint";
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
