import ExcelJS from "exceljs";
import type { RecordedEvent } from "../domain/events.ts";
import { factorsInOrder, initiativesInOrder, type Matrix, strategiesInOrder } from "../domain/matrix.ts";
import { scoreMatrix } from "../domain/scores.ts";
import {
  eventLabel,
  FACTOR_KIND_SINGULAR,
  frenchDateTime,
  frenchNumber,
  MATRIX_STATUS_LABELS,
  QUADRANTS_FR,
  STATUS_LABELS,
  VISIBILITY_LABELS,
} from "../shared/french.ts";

// A matrix as the spreadsheets of a governance meeting hold it: four tables
// (Facteurs, Stratégies, Initiatives, Historique) in French, written as an
// XLSX workbook, or as one CSV for French spreadsheets (UTF-8 with a BOM so
// that Excel reads the accents, `;` between fields, a decimal comma).

type Cell = string | number | null;

export interface Table {
  name: string;
  columns: string[];
  rows: Cell[][];
}

const yesNo = (b: boolean) => (b ? "oui" : "non");

/** What one recorded decision changed, in a few words. */
function detailOf(event: RecordedEvent, matrix: Matrix): string {
  const data = event.data as Record<string, string | undefined>;
  const strategy = data.strategyId ? matrix.strategies[data.strategyId] : undefined;
  const initiative = data.initiativeId ? matrix.initiatives[data.initiativeId] : undefined;
  const factor = data.factorId ? matrix.factors[data.factorId] : undefined;
  switch (event.type) {
    case "MatrixOpened":
    case "MatrixRenamed":
      return data.title ?? "";
    case "MatrixPublished":
      return VISIBILITY_LABELS[data.visibility as keyof typeof VISIBILITY_LABELS] ?? "";
    case "MatrixVisibilityChanged":
      return `${VISIBILITY_LABELS[data.from as keyof typeof VISIBILITY_LABELS]} → ${VISIBILITY_LABELS[data.to as keyof typeof VISIBILITY_LABELS]}`;
    case "FactorAdded":
      return `${FACTOR_KIND_SINGULAR[data.kind as keyof typeof FACTOR_KIND_SINGULAR]} : ${data.label}`;
    case "FactorRevised":
    case "FactorRemoved":
      return factor?.label ?? "";
    case "StrategyProposed":
    case "InitiativeAdded":
      return data.title ?? "";
    case "StrategyRevised":
      return strategy?.title ?? "";
    case "StrategyStatusChanged":
    case "InitiativeStatusChanged":
      return `${(strategy ?? initiative)?.title ?? ""} : ${STATUS_LABELS[data.from as keyof typeof STATUS_LABELS]} → ${STATUS_LABELS[data.to as keyof typeof STATUS_LABELS]}`;
    default:
      return "";
  }
}

/** The matrix's four tables, in the order of entry. */
export function matrixTables(matrix: Matrix, history: readonly RecordedEvent[]): Table[] {
  const factors = factorsInOrder(matrix);
  const label = (id: string) => matrix.factors[id]?.label ?? "";
  const lastDecision = (decisions: readonly { at: string; reason: string | null }[]) => decisions.at(-1);
  return [
    {
      name: "Facteurs",
      columns: ["Type", "Libellé", "Description", "Poids", "Note", "Clé du catalogue", "Retiré"],
      rows: factors.map((f) => [FACTOR_KIND_SINGULAR[f.kind], f.label, f.description, f.weight, f.rating, f.catalogueKey, yesNo(f.removed)]),
    },
    {
      name: "Stratégies",
      columns: [
        "Croisement",
        "Facteur interne",
        "Facteur externe",
        "Titre",
        "Description",
        "Statut",
        "Priorité",
        "Clé du catalogue",
        "Dernière décision",
        "Raison",
      ],
      rows: strategiesInOrder(matrix).map((s) => {
        const last = lastDecision(s.decisions);
        return [
          QUADRANTS_FR[s.quadrant].label,
          label(s.internalFactorId),
          label(s.externalFactorId),
          s.title,
          s.description,
          STATUS_LABELS[s.status],
          s.priority,
          s.catalogueKey,
          last ? frenchDateTime(last.at) : null,
          last?.reason ?? null,
        ];
      }),
    },
    {
      name: "Initiatives",
      columns: ["Croisement", "Titre", "Statut", "Clé du catalogue", "Stratégies liées"],
      rows: initiativesInOrder(matrix).map((i) => [
        QUADRANTS_FR[i.quadrant].label,
        i.title,
        STATUS_LABELS[i.status],
        i.catalogueKey,
        i.strategyIds.map((id) => matrix.strategies[id]?.title ?? id).join(" ; "),
      ]),
    },
    {
      name: "Historique",
      columns: ["Date", "Décision", "Détail", "Par", "Raison"],
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
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "Pilotis";
  const cover = workbook.addWorksheet("Synthèse");
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
