// importMatrix of a workshop's workbook of 200 rows, over HTTP with the
// multipart request spec, as the web app sends it.
import { performance } from "node:perf_hooks";
import { FACTOR_KINDS } from "../src/domain/types.ts";
import { FACTOR_KIND_SINGULAR, QUADRANTS_FR, STATUS_LABELS } from "../src/shared/french.ts";
import { FACTOR_COLUMNS, INDICATOR_COLUMNS, INITIATIVE_COLUMNS, SHEETS, STRATEGY_COLUMNS } from "../src/spreadsheets/layout.ts";
import { type Table, toXlsx } from "../src/spreadsheets/write.ts";
import { startTestApp } from "../test/support/app.ts";

type Report = (name: string, value: string, target: string) => void;

/** 40 factors, 120 strategies, 30 initiatives and 10 indicators, laid out as the exports are. */
function workbookTables(): Table[] {
  const factors = FACTOR_KINDS.flatMap((kind, k) =>
    Array.from({ length: 10 }, (_, i) => [
      `F${k * 10 + i + 1}`,
      FACTOR_KIND_SINGULAR[kind],
      `${FACTOR_KIND_SINGULAR[kind]} n° ${i + 1}`,
      null,
      1 + i / 10,
      kind === "STRENGTH" || kind === "OPPORTUNITY" ? 3 : 2,
      null,
      "non",
    ]),
  );
  // Strengths F1–F10 and weaknesses F11–F20 crossed with opportunities F21–F30 and threats F31–F40.
  const strategies = Array.from({ length: 120 }, (_, n) => {
    const internal = 1 + (n % 20);
    const external = 21 + (Math.floor(n / 20) % 20);
    const status = (["PROPOSED", "ADOPTED", "IN_PROGRESS", "DONE"] as const)[n % 4]!;
    return [
      `STRAT${n + 1}`,
      null,
      `F${internal}`,
      `F${external}`,
      `Stratégie n° ${n + 1}`,
      null,
      STATUS_LABELS[status],
      1 + (n % 5),
      null,
      "Claire Martin",
      "30/06/2027",
      1000 * (n + 1),
      10 * (n % 10),
      null,
      null,
    ];
  });
  const quadrantOf = (n: number) => `${(1 + (n % 20)) <= 10 ? "S" : "W"}${21 + (Math.floor(n / 20) % 20) <= 30 ? "O" : "T"}` as "SO" | "WO" | "ST" | "WT";
  const initiatives = Array.from({ length: 30 }, (_, n) => [
    `INIT${n + 1}`,
    QUADRANTS_FR[quadrantOf(n)].label,
    `Initiative n° ${n + 1}`,
    null,
    STATUS_LABELS.PROPOSED,
    null,
    `STRAT${n + 1}`,
    "Paul Durand",
    null,
    500,
    null,
  ]);
  const indicators = Array.from({ length: 10 }, (_, n) => [`STRAT${n + 1}`, `Indicateur n° ${n + 1}`, "agents", 0, 100, 10 * n, null]);
  return [
    { name: SHEETS.factors, columns: Object.values(FACTOR_COLUMNS), rows: factors },
    { name: SHEETS.strategies, columns: Object.values(STRATEGY_COLUMNS), rows: strategies },
    { name: SHEETS.initiatives, columns: Object.values(INITIATIVE_COLUMNS), rows: initiatives },
    { name: SHEETS.indicators, columns: Object.values(INDICATOR_COLUMNS), rows: indicators },
  ];
}

export async function benchImport(report: Report): Promise<void> {
  const app = await startTestApp({ PILOTIS_RATE_LIMIT_PER_MINUTE: "0" });
  try {
    const collectivityId = (
      await app.ok(`mutation { registerCollectivity(input: { name: "Commune de l'atelier", kind: COMMUNE, population: 5000 }) { collectivity { id } } }`)
    ).registerCollectivity.collectivity.id;
    const tables = workbookTables();
    const rows = tables.reduce((sum, t) => sum + t.rows.length, 0);
    const file = await toXlsx([], tables);
    const times: number[] = [];
    for (let i = 0; i < 12; i++) {
      const form = new FormData();
      form.append(
        "operations",
        JSON.stringify({
          query: "mutation($input: ImportMatrixInput!) { importMatrix(input: $input) { matrix { version } } }",
          variables: { input: { collectivityId, title: `Atelier ${i}`, file: null } },
        }),
      );
      form.append("map", JSON.stringify({ 0: ["variables.input.file"] }));
      form.append("0", new Blob([new Uint8Array(file)]), "atelier.xlsx");
      const started = performance.now();
      const response = await fetch(app.url, { method: "POST", body: form, headers: { authorization: `Bearer ${app.adminToken}`, "x-graphql-yoga-csrf": "1" } });
      const body = (await response.json()) as { errors?: unknown };
      if (body.errors) throw new Error(`import failed: ${JSON.stringify(body.errors)}`);
      times.push(performance.now() - started);
    }
    // The first two warm the code paths up.
    const sorted = times.slice(2).sort((a, b) => a - b);
    report(
      `importMatrix of a ${rows}-row XLSX workbook over HTTP, p50 / max of 10`,
      `${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} / ${sorted.at(-1)!.toFixed(0)} ms`,
      "< 2 s",
    );
  } finally {
    await app.close();
  }
}
