import { badInput, type DomainError } from "../domain/errors.ts";
import type { MatrixCommand } from "../domain/matrix.ts";
import { FACTOR_KINDS, type FactorKind, QUADRANTS, type Quadrant, STRATEGY_STATUSES, type StrategyStatus } from "../domain/types.ts";
import { FACTOR_KIND_LABELS, FACTOR_KIND_SINGULAR, QUADRANTS_FR, STATUS_LABELS } from "../shared/french.ts";
import { FACTOR_COLUMNS, INDICATOR_COLUMNS, INITIATIVE_COLUMNS, SHEETS, STRATEGY_COLUMNS, YES } from "./layout.ts";
import type { CellValue, Sheet, SheetRow } from "./read.ts";

// From the tables of a workbook to the commands that build the same matrix,
// each with the place of the row it comes from, so that a refusal, whether
// found here (a cell that is no number) or by the domain (a catalogue key of
// another cell), names the sheet, the row and the column, in French. Pure:
// ids come from `newId`.

/** A command, and where its values were read: the sheet, the row, and the column of each field. */
export interface PlannedCommand {
  command: MatrixCommand;
  sheet: string;
  line: number;
  columns: Record<string, string>;
}

/** A refusal naming where, in French. */
export const refusalAt = (sheet: string, line: number | null, column: string | null, what: string): DomainError =>
  badInput("file", `Feuille « ${sheet} »${line === null ? "" : `, ligne ${line}`}${column === null ? "" : `, colonne « ${column} »`} : ${what}.`);

/** Headers compared as a person reads them: case, accents and spacing aside. */
const normal = (text: string) => text.normalize("NFD").replace(/\p{M}/gu, "").replace(/\s+/g, " ").trim().toLowerCase();

const ACCOUNTABLE = ["lead", "dueDate", "budget", "progress"] as const;

/** A table read by its header: each row's values by column name, and where a value was. */
class Table<K extends string> {
  private readonly index: Map<K, number>;

  constructor(
    readonly sheet: string,
    private readonly columns: Record<K, string>,
    readonly rows: SheetRow[],
    header: CellValue[],
    required: K[],
  ) {
    const positions = new Map(header.map((name, i) => [normal(String(name ?? "")), i]));
    this.index = new Map();
    for (const key of Object.keys(columns) as K[]) {
      const at = positions.get(normal(columns[key]));
      if (at !== undefined) this.index.set(key, at);
      else if (required.includes(key)) throw refusalAt(sheet, null, null, `la colonne « ${columns[key]} » manque`);
    }
  }

  static of<C extends Record<string, string>>(sheets: Sheet[], name: string, columns: C, required: (keyof C & string)[]): Table<keyof C & string> | null {
    const sheet = sheets.find((s) => normal(s.name) === normal(name));
    if (!sheet || sheet.rows.length === 0) return null;
    const [header, ...rows] = sheet.rows;
    return new Table(sheet.name, columns, rows, header!.cells, required);
  }

  column(key: K): string {
    return this.columns[key];
  }

  /** The columns of these fields, for a refusal the domain finds. */
  columnsOf(keys: K[]): Record<string, string> {
    return Object.fromEntries(keys.map((k) => [k, this.columns[k]]));
  }

  raw(row: SheetRow, key: K): CellValue {
    const at = this.index.get(key);
    return at === undefined ? null : (row.cells[at] ?? null);
  }

  text(row: SheetRow, key: K): string | null {
    const value = this.raw(row, key);
    if (value === null) return null;
    const text = value instanceof Date ? value.toISOString() : String(value).trim();
    return text === "" ? null : text;
  }

  required(row: SheetRow, key: K): string {
    const text = this.text(row, key);
    if (text === null) throw this.refusal(row, key, "la valeur manque");
    return text;
  }

  number(row: SheetRow, key: K): number | null {
    const value = this.raw(row, key);
    if (value === null || value === "") return null;
    if (typeof value === "number") return value;
    // 15 000,5 as a French spreadsheet writes it; 15000.5 too.
    const text = String(value).replace(/[\s\u00a0\u202f]/g, "");
    const parsed = Number(text.includes(",") ? text.replace(/\./g, "").replace(",", ".") : text);
    if (text === "" || !Number.isFinite(parsed)) throw this.refusal(row, key, `« ${value} » n'est pas un nombre`);
    return parsed;
  }

  /** A calendar date: a date cell, 30/06/2027 or 2027-06-30. */
  date(row: SheetRow, key: K): string | null {
    const value = this.raw(row, key);
    if (value === null) return null;
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    const text = String(value).trim();
    const french = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
    if (french) return `${french[3]}-${french[2]!.padStart(2, "0")}-${french[1]!.padStart(2, "0")}`;
    if (/^\d{4}-\d{2}-\d{2}/.test(text)) return text.slice(0, 10);
    throw this.refusal(row, key, `« ${text} » n'est pas une date (écrivez 30/06/2027)`);
  }

  /** The lead, due date, budget and progress of a row of the strategies or the initiatives. */
  accountability(row: SheetRow) {
    const key = (name: (typeof ACCOUNTABLE)[number]) => name as string as K;
    return {
      lead: this.text(row, key("lead")),
      dueDate: this.date(row, key("dueDate")),
      budget: this.number(row, key("budget")),
      progress: this.number(row, key("progress")),
    };
  }

  refusal(row: SheetRow, key: K, what: string): DomainError {
    return refusalAt(this.sheet, row.line, this.columns[key], what);
  }
}

/** A French label, or the API's code, to a code. */
function codeOf<C extends string>(labels: Record<C, string>[], codes: readonly C[], text: string): C | null {
  const wanted = normal(text).replace(/ x /g, " × ");
  for (const code of codes) {
    if (normal(code) === wanted || labels.some((l) => normal(l[code]) === wanted)) return code;
  }
  return null;
}

const QUADRANT_LABELS = Object.fromEntries(QUADRANTS.map((q) => [q, QUADRANTS_FR[q].label])) as Record<Quadrant, string>;

/** The statuses a strategy or an initiative passes through from PROPOSED to reach its own. */
const pathTo = (status: StrategyStatus): StrategyStatus[] =>
  ({ PROPOSED: [], ADOPTED: ["ADOPTED"], IN_PROGRESS: ["ADOPTED", "IN_PROGRESS"], DONE: ["ADOPTED", "IN_PROGRESS", "DONE"], ABANDONED: ["ABANDONED"] })[
    status
  ] as StrategyStatus[];

/**
 * The commands that build, in a new matrix, what the workbook holds: the
 * factors, then the strategies and initiatives (linked while all are still
 * proposed), then their statuses, the indicators, and last the removal of the
 * factors marked removed. Rows left entirely empty are skipped.
 */
export function planImport(sheets: Sheet[], matrixId: string, newId: () => string): PlannedCommand[] {
  const factors = Table.of(sheets, SHEETS.factors, FACTOR_COLUMNS, ["kind"]);
  if (!factors) throw badInput("file", `Le fichier n'a pas de feuille « ${SHEETS.factors} » : c'est elle qui porte le diagnostic.`);
  const strategies = Table.of(sheets, SHEETS.strategies, STRATEGY_COLUMNS, ["internalFactorId", "externalFactorId", "title"]);
  const initiatives = Table.of(sheets, SHEETS.initiatives, INITIATIVE_COLUMNS, ["quadrant", "title"]);
  const indicators = Table.of(sheets, SHEETS.indicators, INDICATOR_COLUMNS, ["subjectId", "name"]);

  const planned: PlannedCommand[] = [];
  const later: PlannedCommand[] = [];
  const removals: PlannedCommand[] = [];
  const plan = <K extends string>(table: Table<K>, row: SheetRow, keys: K[], command: MatrixCommand, into = planned) =>
    into.push({ command, sheet: table.sheet, line: row.line, columns: table.columnsOf(keys) });
  // Each reference and, for factors, each label, to the new id.
  const ids = new Map<string, string>();
  const remember = <K extends string>(table: Table<K>, row: SheetRow, key: K, ref: string | null, id: string) => {
    if (ref === null) return;
    if (ids.has(normal(ref))) throw table.refusal(row, key, `la référence « ${ref} » est déjà prise plus haut`);
    ids.set(normal(ref), id);
  };
  const idOf = <K extends string>(table: Table<K>, row: SheetRow, key: K, ref: string) => {
    const id = ids.get(normal(ref));
    if (!id) throw table.refusal(row, key, `« ${ref} » ne renvoie à aucune ligne`);
    return id;
  };
  const statusOf = <K extends string>(table: Table<K>, row: SheetRow, key: K): StrategyStatus => {
    const text = table.text(row, key);
    if (text === null) return "PROPOSED";
    const status = codeOf([STATUS_LABELS], STRATEGY_STATUSES, text);
    if (!status) throw table.refusal(row, key, `« ${text} » n'est pas un statut (proposée, adoptée, en cours, réalisée, abandonnée)`);
    return status;
  };
  const filled = (row: SheetRow) => row.cells.some((c) => c !== null && String(c).trim() !== "");

  for (const row of factors.rows.filter(filled)) {
    const kindText = factors.required(row, "kind");
    const kind = codeOf<FactorKind>([FACTOR_KIND_SINGULAR, FACTOR_KIND_LABELS], FACTOR_KINDS, kindText);
    if (!kind) throw factors.refusal(row, "kind", `« ${kindText} » n'est pas un type (Force, Faiblesse, Opportunité, Menace)`);
    const factorId = newId();
    const label = factors.text(row, "label");
    remember(factors, row, "ref", factors.text(row, "ref"), factorId);
    if (label !== null && !ids.has(normal(label))) ids.set(normal(label), factorId);
    plan(factors, row, ["label", "description", "weight", "rating", "catalogueKey", "kind"], {
      type: "AddFactor",
      matrixId,
      factorId,
      kind,
      label,
      description: factors.text(row, "description"),
      weight: factors.number(row, "weight"),
      rating: factors.number(row, "rating"),
      catalogueKey: factors.text(row, "catalogueKey"),
    });
    if (normal(factors.text(row, "removed") ?? "") === YES) {
      plan(factors, row, ["removed"], { type: "RemoveFactor", matrixId, factorId }, removals);
    }
  }

  for (const row of strategies?.rows.filter(filled) ?? []) {
    const table = strategies!;
    const strategyId = newId();
    remember(table, row, "ref", table.text(row, "ref"), strategyId);
    plan(table, row, ["internalFactorId", "externalFactorId", "title", "description", "priority", "catalogueKey"], {
      type: "ProposeStrategy",
      matrixId,
      strategyId,
      internalFactorId: idOf(table, row, "internalFactorId", table.required(row, "internalFactorId")),
      externalFactorId: idOf(table, row, "externalFactorId", table.required(row, "externalFactorId")),
      title: table.required(row, "title"),
      description: table.text(row, "description"),
      priority: table.number(row, "priority"),
      catalogueKey: table.text(row, "catalogueKey"),
    });
    const held = table.accountability(row);
    if (Object.values(held).some((v) => v !== null)) {
      plan(table, row, [...ACCOUNTABLE], { type: "ReviseStrategy", matrixId, strategyId, ...held });
    }
    for (const status of pathTo(statusOf(table, row, "status"))) {
      plan(table, row, ["status"], { type: "ChangeStrategyStatus", matrixId, strategyId, status }, later);
    }
  }

  for (const row of initiatives?.rows.filter(filled) ?? []) {
    const table = initiatives!;
    const initiativeId = newId();
    remember(table, row, "ref", table.text(row, "ref"), initiativeId);
    const quadrantText = table.required(row, "quadrant");
    const quadrant = codeOf([QUADRANT_LABELS], QUADRANTS, quadrantText);
    if (!quadrant) throw table.refusal(row, "quadrant", `« ${quadrantText} » n'est pas un croisement (Forces × Opportunités, SO…)`);
    const links = (table.text(row, "strategyIds") ?? "")
      .split(/[;,]/)
      .map((ref) => ref.trim())
      .filter((ref) => ref !== "");
    const { progress, ...held } = table.accountability(row);
    plan(table, row, ["title", "description", "quadrant", "catalogueKey", "strategyIds", "lead", "dueDate", "budget"], {
      type: "AddInitiative",
      matrixId,
      initiativeId,
      title: table.required(row, "title"),
      description: table.text(row, "description"),
      quadrant,
      catalogueKey: table.text(row, "catalogueKey"),
      strategyIds: links.map((ref) => idOf(table, row, "strategyIds", ref)),
      ...held,
    });
    if (progress !== null) plan(table, row, ["progress"], { type: "ReviseInitiative", matrixId, initiativeId, progress });
    for (const status of pathTo(statusOf(table, row, "status"))) {
      plan(table, row, ["status"], { type: "ChangeInitiativeStatus", matrixId, initiativeId, status }, later);
    }
  }
  planned.push(...later);

  for (const row of indicators?.rows.filter(filled) ?? []) {
    const table = indicators!;
    plan(table, row, ["name", "unit", "baseline", "target", "value", "subjectId"], {
      type: "SetIndicator",
      matrixId,
      subjectId: idOf(table, row, "subjectId", table.required(row, "subjectId")),
      newIndicatorId: newId(),
      name: table.required(row, "name"),
      unit: table.text(row, "unit"),
      baseline: table.number(row, "baseline"),
      target: table.number(row, "target"),
      value: table.number(row, "value"),
    });
  }
  return [...planned, ...removals];
}

/** What a refusal of the domain means, in French, by the field it names. */
const FRENCH_REASONS: Record<string, string> = {
  label: "le libellé est vide, trop long ou contient des caractères interdits",
  title: "le titre est vide, trop long ou contient des caractères interdits",
  name: "le nom est vide, trop long ou contient des caractères interdits",
  description: "la description est trop longue ou contient des caractères interdits",
  weight: "le poids doit être un nombre de 0 à 1 000",
  rating: "la note doit être un entier de 1 à 4",
  priority: "la priorité doit être un entier de 1 à 5",
  progress: "l'avancement doit être un entier de 0 à 100",
  budget: "le budget doit être un nombre positif",
  dueDate: "cette date n'existe pas",
  catalogueKey: "clé du catalogue refusée : inconnue, d'un autre type ou d'une autre case, ou déjà prise par un autre facteur de la matrice",
  strategyIds: "une initiative sert des stratégies de son croisement qui ne sont pas abandonnées",
  internalFactorId: "une stratégie croise un facteur interne (force ou faiblesse) et un facteur externe (opportunité ou menace)",
  externalFactorId: "une stratégie croise un facteur interne (force ou faiblesse) et un facteur externe (opportunité ou menace)",
  unit: "l'unité est trop longue",
  lead: "le nom du référent est trop long",
};

/** The domain's refusal of a planned command, placed where its values were read. */
export function placeRefusal(planned: PlannedCommand, error: DomainError): DomainError {
  const field = typeof error.extensions.field === "string" ? error.extensions.field : null;
  const column = field ? (planned.columns[field] ?? null) : (Object.values(planned.columns)[0] ?? null);
  const why =
    (field && FRENCH_REASONS[field]) ??
    (error.code === "INVALID_TRANSITION"
      ? "ce changement n'est pas possible à ce point de la matrice (une stratégie sur deux facteurs du même côté, ou sur un facteur retiré ?)"
      : "valeur refusée");
  return refusalAt(planned.sheet, planned.line, column, why);
}
