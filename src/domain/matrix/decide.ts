import { catalogueEntry } from "../catalogue/index.ts";
import { badInput, DomainError, invalidTransition, notFound } from "../errors.ts";
import {
  FACTOR_KINDS,
  type FactorKind,
  INNOVATION_DOMAINS,
  type InnovationDomain,
  isInternal,
  MATRIX_VISIBILITIES,
  type MatrixVisibility,
  QUADRANTS,
  type Quadrant,
  quadrantOf,
  STRATEGY_STATUSES,
  type StrategyStatus,
} from "../types.ts";
import { intInRange, nonNegativeNumber, optionalText, requiredText } from "../validation.ts";
import type { Factor, FactorFields, Matrix, MatrixCommand, MatrixEvent, Strategy } from "./state.ts";

const OPEN_STATUSES: readonly StrategyStatus[] = ["PROPOSED", "ADOPTED", "IN_PROGRESS"];

const NEXT: Record<StrategyStatus, readonly StrategyStatus[]> = {
  PROPOSED: ["ADOPTED", "ABANDONED"],
  ADOPTED: ["IN_PROGRESS", "ABANDONED"],
  IN_PROGRESS: ["DONE", "ABANDONED"],
  DONE: [],
  ABANDONED: ["PROPOSED"],
};

export const canMoveTo = (from: StrategyStatus, to: StrategyStatus): boolean => NEXT[from].includes(to);

/** IFE/EFE ratings run 1..4; a strength or an opportunity starts above the middle, a weakness or threat below. */
export const defaultRating = (kind: FactorKind): number => (kind === "STRENGTH" || kind === "OPPORTUNITY" ? 3 : 2);
export const DEFAULT_WEIGHT = 1;

const weight = (value: number) => nonNegativeNumber("weight", value, 1000);
const rating = (value: number) => intInRange("rating", value, 1, 4);
const priority = (value: number) => intInRange("priority", value, 1, 5);

function domain(value: InnovationDomain): InnovationDomain {
  if (!INNOVATION_DOMAINS.includes(value)) throw badInput("domain", `unknown innovation domain ${value}`);
  return value;
}

function factorCatalogueKey(key: string, kind: FactorKind): string {
  const entry = catalogueEntry(key);
  if (!entry) throw badInput("catalogueKey", `unknown catalogue key ${key}`);
  if (entry.kind !== "FACTOR" || entry.factorKind !== kind) {
    throw badInput("catalogueKey", `catalogue entry ${key} is not a ${kind} factor`);
  }
  return key;
}

function quadrantCatalogueKey(key: string, kind: "STRATEGY" | "TOOL", quadrant: Quadrant): string {
  const entry = catalogueEntry(key);
  if (!entry) throw badInput("catalogueKey", `unknown catalogue key ${key}`);
  if (entry.kind !== kind || entry.quadrant !== quadrant) {
    throw badInput("catalogueKey", `catalogue entry ${key} is not a ${kind} of quadrant ${quadrant}`);
  }
  return key;
}

function liveFactor(state: Matrix, factorId: string, field = "factorId"): Factor {
  const factor = state.factors[factorId];
  if (!factor) throw new DomainError("NOT_FOUND", `no factor with id ${factorId} in this matrix`, { id: factorId, field });
  if (factor.removed) throw invalidTransition(`factor ${factorId} was removed`);
  return factor;
}

function strategyOf(state: Matrix, strategyId: string): Strategy {
  const strategy = state.strategies[strategyId];
  if (!strategy) throw new DomainError("NOT_FOUND", `no strategy with id ${strategyId} in this matrix`, { id: strategyId });
  return strategy;
}

function statusChange(from: StrategyStatus, to: StrategyStatus, what: string): void {
  if (!STRATEGY_STATUSES.includes(to)) throw badInput("status", `unknown status ${to}`);
  if (!canMoveTo(from, to)) throw invalidTransition(`${what} cannot move from ${from} to ${to}`);
}

/** Only the fields that differ from the current values: an unchanged revision writes nothing. */
function changed<T extends object>(current: T, requested: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(requested).filter(([key, value]) => current[key as keyof T] !== value)) as Partial<T>;
}

function requireOpenMatrix(command: MatrixCommand, state: Matrix | null): asserts state is Matrix {
  if (!state) throw notFound("matrix", command.matrixId);
  if (state.status === "ARCHIVED") throw invalidTransition(`matrix ${state.id} is archived and refuses changes`);
}

type Decide<T extends MatrixCommand["type"]> = (command: Extract<MatrixCommand, { type: T }>, state: Matrix) => MatrixEvent[];

const renameMatrix: Decide<"RenameMatrix"> = (command, state) => {
  const title = requiredText("title", command.title, 200);
  return title === state.title ? [] : [{ type: "MatrixRenamed", data: { title } }];
};

function visibility(value: MatrixVisibility): MatrixVisibility {
  if (!MATRIX_VISIBILITIES.includes(value)) throw badInput("visibility", `unknown visibility ${value}`);
  return value;
}

const publishMatrix: Decide<"PublishMatrix"> = (command, state) => {
  if (state.status !== "DRAFT") throw invalidTransition(`matrix is ${state.status}, only a DRAFT can be published`);
  return [{ type: "MatrixPublished", data: { visibility: visibility(command.visibility ?? "AGGREGATES_ONLY") } }];
};

/** Allowed on an archived matrix too: who reads an old diagnosis stays the collectivity's choice. */
const changeMatrixVisibility: Decide<"ChangeMatrixVisibility"> = (command, state) => {
  const to = visibility(command.visibility);
  if (state.visibility === null) throw invalidTransition("a DRAFT has no visibility yet: publish it, choosing who reads it");
  return to === state.visibility ? [] : [{ type: "MatrixVisibilityChanged", data: { from: state.visibility, to } }];
};

const archiveMatrix: Decide<"ArchiveMatrix"> = () => [{ type: "MatrixArchived", data: {} }];

const addFactor: Decide<"AddFactor"> = (command, state) => {
  if (!FACTOR_KINDS.includes(command.kind)) throw badInput("kind", `unknown factor kind ${command.kind}`);
  if (state.factors[command.factorId]) throw new DomainError("CONFLICT", `factor ${command.factorId} already exists`);
  return [
    {
      type: "FactorAdded",
      data: {
        id: command.factorId,
        kind: command.kind,
        label: requiredText("label", command.label),
        description: optionalText("description", command.description),
        weight: command.weight == null ? DEFAULT_WEIGHT : weight(command.weight),
        rating: command.rating == null ? defaultRating(command.kind) : rating(command.rating),
        domain: command.domain == null ? null : domain(command.domain),
        catalogueKey: command.catalogueKey == null ? null : factorCatalogueKey(command.catalogueKey, command.kind),
      },
    },
  ];
};

const reviseFactor: Decide<"ReviseFactor"> = (command, state) => {
  const factor = liveFactor(state, command.factorId);
  const requested: Partial<FactorFields> = {};
  if (command.label != null) requested.label = requiredText("label", command.label);
  if (command.description != null) requested.description = optionalText("description", command.description);
  if (command.weight != null) requested.weight = weight(command.weight);
  if (command.rating != null) requested.rating = rating(command.rating);
  if (command.domain != null) requested.domain = domain(command.domain);
  if (command.catalogueKey != null) requested.catalogueKey = factorCatalogueKey(command.catalogueKey, factor.kind);
  if (Object.keys(requested).length === 0) throw badInput("input", "give at least one field to revise");
  const changes = changed(factor, requested);
  return Object.keys(changes).length === 0 ? [] : [{ type: "FactorRevised", data: { factorId: factor.id, changes } }];
};

/** Removing a factor abandons the open strategies built on it, in the same decision. */
const removeFactor: Decide<"RemoveFactor"> = (command, state) => {
  const factor = liveFactor(state, command.factorId);
  const retired: MatrixEvent[] = Object.values(state.strategies)
    .filter((s) => (s.internalFactorId === factor.id || s.externalFactorId === factor.id) && OPEN_STATUSES.includes(s.status))
    .map((s) => ({ type: "StrategyStatusChanged", data: { strategyId: s.id, from: s.status, to: "ABANDONED" } }));
  return [{ type: "FactorRemoved", data: { factorId: factor.id } }, ...retired];
};

const proposeStrategy: Decide<"ProposeStrategy"> = (command, state) => {
  if (state.strategies[command.strategyId]) throw new DomainError("CONFLICT", `strategy ${command.strategyId} already exists`);
  const internal = liveFactor(state, command.internalFactorId, "internalFactorId");
  const external = liveFactor(state, command.externalFactorId, "externalFactorId");
  const quadrant = quadrantOf(internal.kind, external.kind);
  if (!quadrant) {
    throw invalidTransition(
      isInternal(internal.kind) === isInternal(external.kind)
        ? `both factors are ${isInternal(internal.kind) ? "internal" : "external"}: a strategy crosses an internal factor with an external one`
        : "internalFactorId must name a STRENGTH or WEAKNESS and externalFactorId an OPPORTUNITY or THREAT",
    );
  }
  return [
    {
      type: "StrategyProposed",
      data: {
        id: command.strategyId,
        quadrant,
        internalFactorId: internal.id,
        externalFactorId: external.id,
        title: requiredText("title", command.title),
        description: optionalText("description", command.description),
        priority: command.priority == null ? null : priority(command.priority),
        catalogueKey: command.catalogueKey == null ? null : quadrantCatalogueKey(command.catalogueKey, "STRATEGY", quadrant),
      },
    },
  ];
};

const reviseStrategy: Decide<"ReviseStrategy"> = (command, state) => {
  const strategy = strategyOf(state, command.strategyId);
  const requested: Partial<Pick<Strategy, "title" | "description" | "priority">> = {};
  if (command.title != null) requested.title = requiredText("title", command.title);
  if (command.description != null) requested.description = optionalText("description", command.description);
  if (command.priority != null) requested.priority = priority(command.priority);
  if (Object.keys(requested).length === 0) throw badInput("input", "give at least one of title, description, priority");
  const changes = changed(strategy, requested);
  return Object.keys(changes).length === 0 ? [] : [{ type: "StrategyRevised", data: { strategyId: strategy.id, changes } }];
};

const changeStrategyStatus: Decide<"ChangeStrategyStatus"> = (command, state) => {
  const strategy = strategyOf(state, command.strategyId);
  statusChange(strategy.status, command.status, "strategy");
  if (command.status === "PROPOSED") {
    for (const factorId of [strategy.internalFactorId, strategy.externalFactorId]) {
      if (state.factors[factorId]?.removed) throw invalidTransition(`cannot reopen: factor ${factorId} was removed`);
    }
  }
  return [{ type: "StrategyStatusChanged", data: { strategyId: strategy.id, from: strategy.status, to: command.status } }];
};

const addInitiative: Decide<"AddInitiative"> = (command, state) => {
  if (state.initiatives[command.initiativeId]) throw new DomainError("CONFLICT", `initiative ${command.initiativeId} already exists`);
  if (!QUADRANTS.includes(command.quadrant)) throw badInput("quadrant", `unknown quadrant ${command.quadrant}`);
  const strategyIds = [...new Set(command.strategyIds ?? [])];
  for (const id of strategyIds) strategyOf(state, id);
  return [
    {
      type: "InitiativeAdded",
      data: {
        id: command.initiativeId,
        title: requiredText("title", command.title),
        quadrant: command.quadrant,
        catalogueKey: command.catalogueKey == null ? null : quadrantCatalogueKey(command.catalogueKey, "TOOL", command.quadrant),
        strategyIds,
      },
    },
  ];
};

const changeInitiativeStatus: Decide<"ChangeInitiativeStatus"> = (command, state) => {
  const initiative = state.initiatives[command.initiativeId];
  if (!initiative) throw new DomainError("NOT_FOUND", `no initiative with id ${command.initiativeId} in this matrix`, { id: command.initiativeId });
  statusChange(initiative.status, command.status, "initiative");
  return [{ type: "InitiativeStatusChanged", data: { initiativeId: initiative.id, from: initiative.status, to: command.status } }];
};

/** The events a command decides on a matrix's state, or the refusal it meets; one decider per command. */
export function decideMatrix(command: MatrixCommand, state: Matrix | null): MatrixEvent[] {
  if (command.type === "OpenMatrix") {
    if (state) throw new DomainError("CONFLICT", `matrix ${command.matrixId} already exists`, { actualVersion: state.version });
    return [
      { type: "MatrixOpened", data: { matrixId: command.matrixId, collectivityId: command.collectivityId, title: requiredText("title", command.title, 200) } },
    ];
  }
  if (command.type === "ChangeMatrixVisibility") {
    if (!state) throw notFound("matrix", command.matrixId);
    return changeMatrixVisibility(command, state);
  }
  requireOpenMatrix(command, state);
  switch (command.type) {
    case "RenameMatrix":
      return renameMatrix(command, state);
    case "PublishMatrix":
      return publishMatrix(command, state);
    case "ArchiveMatrix":
      return archiveMatrix(command, state);
    case "AddFactor":
      return addFactor(command, state);
    case "ReviseFactor":
      return reviseFactor(command, state);
    case "RemoveFactor":
      return removeFactor(command, state);
    case "ProposeStrategy":
      return proposeStrategy(command, state);
    case "ReviseStrategy":
      return reviseStrategy(command, state);
    case "ChangeStrategyStatus":
      return changeStrategyStatus(command, state);
    case "AddInitiative":
      return addInitiative(command, state);
    case "ChangeInitiativeStatus":
      return changeInitiativeStatus(command, state);
  }
}
