import { parse } from "csv-parse/sync";
import type ExcelJS from "exceljs";
import JSZip from "jszip";
import { SaxesParser } from "saxes";
import { badInput } from "../domain/errors.ts";
import { SHEETS } from "./layout.ts";

// A workbook sent for import, read into plain tables whatever its format:
// XLSX (ExcelJS), ODS (its content.xml, read with saxes: SheetJS, the only
// library on npm that reads ODS, ships there in an old release with known
// parser vulnerabilities, and an upload is where they would bite), or a CSV
// laid out as the exports write it (csv-parse). Nothing here knows matrices.

export type CellValue = string | number | boolean | Date | null;

export interface SheetRow {
  cells: CellValue[];
  /** Where a person finds it: the row of the sheet, or the line of the CSV file. */
  line: number;
}

export interface Sheet {
  name: string;
  rows: SheetRow[];
}

/** Bigger than any matrix's workbook; a file this size is a mistake or an attack. */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
/** An ODS row or cell repeated more than this is the empty rest of the sheet, not data. */
const MAX_REPEAT = 1000;

const refuse = (message: string) => badInput("file", message);

export async function readSpreadsheet(bytes: Uint8Array): Promise<Sheet[]> {
  if (bytes.byteLength === 0) throw refuse("Le fichier est vide.");
  if (bytes.byteLength > MAX_IMPORT_BYTES) throw refuse("Le fichier dépasse 5 Mo : ce n'est pas une matrice.");
  const zipped = bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (!zipped) return readCsv(decodeText(bytes));
  const zip = await JSZip.loadAsync(bytes).catch(() => {
    throw refuse("Le fichier est abîmé : ni un classeur Excel ou OpenDocument lisible, ni un CSV.");
  });
  if (zip.file("xl/workbook.xml")) return readXlsx(bytes);
  const mimetype = await zip.file("mimetype")?.async("string");
  const content = zip.file("content.xml");
  if (content && mimetype?.includes("opendocument.spreadsheet")) return readOds(await content.async("string"));
  throw refuse("Format non reconnu : envoyez un classeur XLSX ou ODS, ou un CSV.");
}

/** UTF-8 as the exports write it; Windows-1252 as Excel in French saves a CSV by default. */
function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}

async function readXlsx(bytes: Uint8Array): Promise<Sheet[]> {
  // Imported when a workbook is read, not at start (see write.ts).
  const { default: ExcelJS } = await import("exceljs");
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw refuse("Le classeur Excel est abîmé ou protégé : il ne se lit pas.");
  }
  return workbook.worksheets.map((sheet) => {
    const rows: SheetRow[] = [];
    sheet.eachRow({ includeEmpty: false }, (row, line) => {
      // row.values starts at index 1, as spreadsheet columns do.
      const values = Array.isArray(row.values) ? row.values.slice(1) : [];
      rows.push({ line, cells: Array.from(values, xlsxValue) });
    });
    return { name: sheet.name, rows };
  });
}

function xlsxValue(value: ExcelJS.CellValue | undefined): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean" || value instanceof Date) return value;
  if ("richText" in value) return value.richText.map((part) => part.text).join("");
  if ("formula" in value || "sharedFormula" in value) return xlsxValue((value as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
  if ("text" in value) return String(value.text);
  return null;
}

/** The tables of an ODS content.xml: text as shown, numbers as numbers, dates as ISO strings, repeats expanded. */
function readOds(xml: string): Sheet[] {
  const sheets: Sheet[] = [];
  const parser = new SaxesParser();
  let sheet: Sheet | null = null;
  let row: { cells: CellValue[]; repeat: number } | null = null;
  let line = 0;
  let cell: { value: CellValue; text: string[]; repeat: number; type: string | null } | null = null;
  let paragraphs = 0;
  parser.on("opentag", (tag) => {
    const attr = (name: string) => {
      const value = tag.attributes[name];
      return typeof value === "string" ? value : undefined;
    };
    const repeat = (name: string) => Math.min(Number(attr(name) ?? 1) || 1, MAX_REPEAT + 1);
    switch (tag.name) {
      case "table:table":
        sheet = { name: attr("table:name") ?? "", rows: [] };
        line = 0;
        break;
      case "table:table-row":
        row = { cells: [], repeat: repeat("table:number-rows-repeated") };
        break;
      case "table:table-cell":
      case "table:covered-table-cell": {
        const type = attr("office:value-type") ?? null;
        const raw = type === "date" ? attr("office:date-value") : type === "boolean" ? attr("office:boolean-value") : attr("office:value");
        const value = raw === undefined ? null : type === "date" ? raw : type === "boolean" ? raw === "true" : type === "string" ? raw : Number(raw);
        cell = { value, text: [], repeat: repeat("table:number-columns-repeated"), type };
        paragraphs = 0;
        break;
      }
      case "text:p":
        if (cell && paragraphs++ > 0) cell.text.push("\n");
        break;
      case "text:s":
        cell?.text.push(" ".repeat(Number(attr("text:c") ?? 1) || 1));
        break;
      case "text:tab":
        cell?.text.push("\t");
        break;
      case "text:line-break":
        cell?.text.push("\n");
        break;
    }
  });
  parser.on("text", (text) => {
    if (cell && paragraphs > 0) cell.text.push(text);
  });
  parser.on("closetag", (tag) => {
    if ((tag.name === "table:table-cell" || tag.name === "table:covered-table-cell") && row && cell) {
      const shown = cell.text.join("");
      const value = cell.value ?? (shown === "" ? null : shown);
      if (value !== null || cell.repeat <= MAX_REPEAT) for (let i = 0; i < cell.repeat; i++) row.cells.push(value);
      cell = null;
    } else if (tag.name === "table:table-row" && sheet && row) {
      while (row.cells.length > 0 && row.cells.at(-1) === null) row.cells.pop();
      if (row.cells.length === 0) line += row.repeat;
      else for (let i = 0; i < row.repeat; i++) sheet.rows.push({ line: ++line, cells: [...row.cells] });
      row = null;
    } else if (tag.name === "table:table" && sheet) {
      sheets.push(sheet);
      sheet = null;
    }
  });
  try {
    parser.write(xml).close();
  } catch {
    throw refuse("Le classeur OpenDocument est abîmé : il ne se lit pas.");
  }
  return sheets;
}

/**
 * A CSV as the exports write it: `;` between fields (`,` accepted), the
 * summary lines first, then each table under a line holding only its name,
 * its header next. A CSV holding a single table may start with its header:
 * it is then the factors.
 */
function readCsv(text: string): Sheet[] {
  const firstLine = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";
  const delimiter = firstLine.includes(";") || !firstLine.includes(",") ? ";" : ",";
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { delimiter, bom: true, relax_column_count: true, skip_empty_lines: false, info: true }) as unknown as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw refuse(`Le CSV est mal formé${line ? ` vers la ligne ${line}` : ""} : vérifiez les guillemets et les séparateurs « ; ».`);
  }
  const names = new Set<string>(Object.values(SHEETS));
  const sheets: Sheet[] = [];
  let current: Sheet | null = null;
  for (const { record, info } of records) {
    const cells = record.map((value) => (value.trim() === "" ? null : value));
    const filled = cells.filter((value) => value !== null);
    if (filled.length === 0) {
      current = null;
      continue;
    }
    if (filled.length === 1 && names.has(String(filled[0]).trim())) {
      current = { name: String(filled[0]).trim(), rows: [] };
      sheets.push(current);
      continue;
    }
    if (!current && sheets.length === 0 && isFactorHeader(cells)) {
      current = { name: SHEETS.factors, rows: [] };
      sheets.push(current);
    }
    current?.rows.push({ line: info.lines, cells });
  }
  return sheets;
}

/** A header line of a factors table, for a CSV that holds that table alone. */
const isFactorHeader = (cells: CellValue[]) => cells.some((c) => String(c ?? "").trim() === "Type") && cells.some((c) => String(c ?? "").trim() === "Libellé");
