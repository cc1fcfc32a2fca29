import type { RecordedEvent } from "../domain/events.ts";
import { type Accountability, factorsInOrder, indicatorsOf, initiativesInOrder, type Matrix, readMatrixEvent, strategiesInOrder } from "../domain/matrix.ts";
import { scoreMatrix } from "../domain/scores.ts";
import type { StrategyStatus } from "../domain/types.ts";
import {
  eventLabel,
  FACTOR_KIND_LABELS,
  FACTOR_KIND_SINGULAR,
  frenchDateTime,
  frenchNumber,
  MATRIX_STATUS_LABELS,
  QUADRANTS_FR,
  STATUS_LABELS,
  VISIBILITY_LABELS,
} from "../shared/french.ts";
import {
  FACTOR_COLUMNS,
  factorRef,
  HISTORY_COLUMNS,
  INDICATOR_COLUMNS,
  INITIATIVE_COLUMNS,
  initiativeRef,
  LIST_SEPARATOR,
  NO,
  SHEETS,
  STRATEGY_COLUMNS,
  strategyRef,
  YES,
} from "./layout.ts";

// A matrix as the spreadsheets of a governance meeting hold it: its tables
// (Facteurs, Stratégies, Initiatives, Indicateurs, Historique, see
// layout.ts) in French, written as an XLSX workbook, or as one CSV for
// French spreadsheets (UTF-8 with a BOM so that Excel reads the accents, `;`
// between fields, a decimal comma).

type Cell = string | number | null;

export interface Table {
  name: string;
  columns: string[];
  rows: Cell[][];
}

/** What one recorded decision changed, in a few words. */
function detailOf(recorded: RecordedEvent, matrix: Matrix): string {
  const e = readMatrixEvent(recorded);
  const strategy = (id: string) => matrix.strategies[id]?.title ?? "";
  const initiative = (id: string) => matrix.initiatives[id]?.title ?? "";
  const move = (from: StrategyStatus, to: StrategyStatus) => `${STATUS_LABELS[from]} → ${STATUS_LABELS[to]}`;
  switch (e.type) {
    case "MatrixOpened":
    case "MatrixRenamed":
      return e.data.title;
    case "MatrixPublished":
      return VISIBILITY_LABELS[e.data.visibility];
    case "MatrixVisibilityChanged":
      return `${VISIBILITY_LABELS[e.data.from]} → ${VISIBILITY_LABELS[e.data.to]}`;
    case "MatrixArchived":
      return "";
    case "FactorAdded":
      return `${FACTOR_KIND_SINGULAR[e.data.kind]} : ${e.data.label}`;
    case "FactorRevised":
    case "FactorRemoved":
      return matrix.factors[e.data.factorId]?.label ?? "";
    case "FactorsReordered":
      return FACTOR_KIND_LABELS[e.data.kind];
    case "StrategyProposed":
    case "InitiativeAdded":
      return e.data.title;
    case "StrategyRevised":
      return strategy(e.data.strategyId);
    case "StrategyStatusChanged":
      return `${strategy(e.data.strategyId)} : ${move(e.data.from, e.data.to)}`;
    case "InitiativeRevised":
    case "InitiativeRemoved":
      return initiative(e.data.initiativeId);
    case "InitiativeStatusChanged":
      return `${initiative(e.data.initiativeId)} : ${move(e.data.from, e.data.to)}`;
    case "IndicatorAdded":
      return e.data.name;
    case "IndicatorRevised":
      return matrix.indicators[e.data.indicatorId]?.name ?? "";
    case "IndicatorMeasured":
      return `${matrix.indicators[e.data.indicatorId]?.name ?? ""} : ${frenchNumber(e.data.value, 4)}`;
  }
}

/** A table from rows keyed as its columns are. */
function table<K extends string>(name: string, columns: Record<K, string>, rows: Record<K, Cell>[]): Table {
  const keys = Object.keys(columns) as K[];
  return { name, columns: keys.map((k) => columns[k]), rows: rows.map((row) => keys.map((k) => row[k])) };
}

/** 30/06/2027, as a person types a due date. */
const dueDate = (day: string | null) => (day === null ? null : day.split("-").reverse().join("/"));

/**
 * The matrix's tables, in the order of entry, laid out as the import reads
 * them: live and removed factors, strategies, initiatives still in the plan
 * and their indicators (with the latest value), then the history.
 */
export function matrixTables(matrix: Matrix, history: readonly RecordedEvent[]): Table[] {
  const factors = factorsInOrder(matrix);
  const strategies = strategiesInOrder(matrix);
  const initiatives = initiativesInOrder(matrix);
  const refs = new Map<string, string>([
    ...factors.map((f, i) => [f.id, factorRef(i + 1)] as const),
    ...strategies.map((s, i) => [s.id, strategyRef(i + 1)] as const),
    ...initiatives.map((t, i) => [t.id, initiativeRef(i + 1)] as const),
  ]);
  const ref = (id: string) => refs.get(id) ?? null;
  const accountability = (a: Accountability) => ({ lead: a.lead, dueDate: dueDate(a.dueDate), budget: a.budget, progress: a.progress });
  const indicators = [...strategies, ...initiatives].flatMap((subject) => indicatorsOf(matrix, subject.id));
  return [
    table(
      SHEETS.factors,
      FACTOR_COLUMNS,
      factors.map((f) => ({
        ref: ref(f.id),
        kind: FACTOR_KIND_SINGULAR[f.kind],
        label: f.label,
        description: f.description,
        weight: f.weight,
        rating: f.rating,
        catalogueKey: f.catalogueKey,
        removed: f.removed ? YES : NO,
      })),
    ),
    table(
      SHEETS.strategies,
      STRATEGY_COLUMNS,
      strategies.map((s) => {
        const last = s.decisions.at(-1);
        return {
          ref: ref(s.id),
          quadrant: QUADRANTS_FR[s.quadrant].label,
          internalFactorId: ref(s.internalFactorId),
          externalFactorId: ref(s.externalFactorId),
          title: s.title,
          description: s.description,
          status: STATUS_LABELS[s.status],
          priority: s.priority,
          catalogueKey: s.catalogueKey,
          ...accountability(s),
          lastDecision: last ? frenchDateTime(last.at) : null,
          reason: last?.reason ?? null,
        };
      }),
    ),
    table(
      SHEETS.initiatives,
      INITIATIVE_COLUMNS,
      initiatives.map((i) => ({
        ref: ref(i.id),
        quadrant: QUADRANTS_FR[i.quadrant].label,
        title: i.title,
        description: i.description,
        status: STATUS_LABELS[i.status],
        catalogueKey: i.catalogueKey,
        strategyIds: i.strategyIds
          .map(ref)
          .filter((r) => r !== null)
          .join(LIST_SEPARATOR),
        ...accountability(i),
      })),
    ),
    table(
      SHEETS.indicators,
      INDICATOR_COLUMNS,
      indicators.map((n) => {
        const latest = n.measurements.at(-1);
        return {
          subjectId: ref(n.subjectId),
          name: n.name,
          unit: n.unit,
          baseline: n.baseline,
          target: n.target,
          value: latest?.value ?? null,
          valueAt: latest ? frenchDateTime(latest.at) : null,
        };
      }),
    ),
    {
      name: SHEETS.history,
      columns: [...HISTORY_COLUMNS],
      rows: history.map((e) => [frenchDateTime(e.occurredAt), eventLabel(e.type), detailOf(e, matrix), e.actor, e.reason]),
    },
  ];
}

/** The heading lines of an export: what, whose, as of when. */
export function summaryOf(matrix: Matrix, collectivityName: string): [string, Cell][] {
  const scores = scoreMatrix(matrix);
  return [
    ["Collectivité", collectivityName],
    ["Matrice", matrix.title],
    ["Statut", MATRIX_STATUS_LABELS[matrix.status]],
    ["Mise à jour", frenchDateTime(matrix.updatedAt)],
    ["Score interne (IFE)", scores.internal],
    ["Score externe (EFE)", scores.external],
  ];
}

export async function toXlsx(summary: [string, Cell][], tables: Table[]): Promise<Buffer> {
  // Imported when a workbook is written, not at start: the heaviest module the service would load (0.3 s).
  const { default: ExcelJS } = await import("exceljs");
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "Pilotis";
  const cover = workbook.addWorksheet(SHEETS.summary);
  for (const row of summary) cover.addRow(row);
  cover.getColumn(1).font = { bold: true };
  cover.getColumn(1).width = 24;
  cover.getColumn(2).width = 50;
  for (const table of tables) {
    const sheet = workbook.addWorksheet(table.name, { views: [{ state: "frozen", ySplit: 1 }] });
    sheet.addRow(table.columns).font = { bold: true };
    for (const row of table.rows) sheet.addRow(row);
    table.columns.forEach((name, i) => {
      sheet.getColumn(i + 1).width = Math.min(60, Math.max(12, name.length + 2, ...table.rows.map((r) => String(r[i] ?? "").length + 2)));
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const csvField = (value: Cell): string => {
  if (value === null) return "";
  const text = typeof value === "number" ? frenchNumber(value, 4) : value;
  return /[;"\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** One CSV holding the summary and each table under its name, separated by an empty line. */
export function toCsv(summary: [string, Cell][], tables: Table[]): string {
  const lines: string[] = summary.map((row) => row.map(csvField).join(";"));
  for (const table of tables) {
    lines.push("", csvField(table.name), table.columns.map(csvField).join(";"));
    for (const row of table.rows) lines.push(row.map(csvField).join(";"));
  }
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}
