import { catalogueEntries, catalogueEntry } from "../catalogue/index.ts";
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
import { calendarDate, finiteNumber, intInRange, nonNegativeNumber, optionalText, requiredText } from "../validation.ts";
import {
  type Accountability,
  evolveMatrix,
  type Factor,
  type FactorFields,
  factorsInOrder,
  type Indicator,
  type IndicatorFields,
  type Initiative,
  type InitiativeFields,
  indicatorsOf,
  initiativesInOrder,
  type Matrix,
  type MatrixCommand,
  type MatrixEvent,
  type MatrixStart,
  NO_ACCOUNTABILITY,
  type Strategy,
  strategiesInOrder,
} from "./state.ts";

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

/** One factor per catalogue key in a matrix: a second would count twice in the network's prevalence. */
function unusedFactorKey(state: Matrix, key: string, except: string | null = null): string {
  const holder = Object.values(state.factors).find((f) => !f.removed && f.catalogueKey === key && f.id !== except);
  if (holder) throw badInput("catalogueKey", `catalogue factor ${key} is already in this matrix, as « ${holder.label} »`);
  return key;
}

/** A catalogued strategy answers one cell: the crossing of its two catalogued factors. */
function strategyKeyOfCell(key: string, internal: Factor, external: Factor, quadrant: Quadrant): string {
  const entry = catalogueEntry(quadrantCatalogueKey(key, "STRATEGY", quadrant));
  if (entry?.internalFactorKey !== internal.catalogueKey || entry?.externalFactorKey !== external.catalogueKey) {
    const cell = `${internal.catalogueKey ?? "non catalogué"} × ${external.catalogueKey ?? "non catalogué"}`;
    throw badInput("catalogueKey", `catalogue strategy ${key} answers ${entry?.internalFactorKey} × ${entry?.externalFactorKey}, not this cell (${cell})`);
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

function strategyOf(state: Matrix, strategyId: string, field = "strategyId"): Strategy {
  const strategy = state.strategies[strategyId];
  if (!strategy) throw new DomainError("NOT_FOUND", `no strategy with id ${strategyId} in this matrix`, { id: strategyId, field });
  return strategy;
}

function liveInitiative(state: Matrix, initiativeId: string, field = "initiativeId"): Initiative {
  const initiative = state.initiatives[initiativeId];
  if (!initiative) throw new DomainError("NOT_FOUND", `no initiative with id ${initiativeId} in this matrix`, { id: initiativeId, field });
  if (initiative.removed) throw invalidTransition(`initiative ${initiativeId} was removed`);
  return initiative;
}

/**
 * An initiative serves strategies of its own quadrant that are still in the
 * plan when it is linked to them; a link it already has stays, even to a
 * strategy abandoned since.
 */
function initiativeStrategies(state: Matrix, ids: readonly string[], quadrant: Quadrant, kept: readonly string[] = []): string[] {
  const unique = [...new Set(ids)];
  for (const id of unique.filter((s) => !kept.includes(s))) {
    const strategy = strategyOf(state, id, "strategyIds");
    if (strategy.quadrant !== quadrant) throw badInput("strategyIds", `strategy ${id} belongs to ${strategy.quadrant}, not to the initiative's ${quadrant}`);
    if (strategy.status === "ABANDONED") throw badInput("strategyIds", `strategy ${id} was abandoned`);
  }
  return unique;
}

/** The lead, due date, budget and progress given, checked; what was not given stays out. */
function accountability(command: { [K in keyof Accountability]?: Accountability[K] | null }): Partial<Accountability> {
  const fields: Partial<Accountability> = {};
  if (command.lead != null) fields.lead = optionalText("lead", command.lead, 200);
  if (command.dueDate != null) fields.dueDate = calendarDate("dueDate", command.dueDate);
  if (command.budget != null) fields.budget = nonNegativeNumber("budget", command.budget, 1e12);
  if (command.progress != null) fields.progress = intInRange("progress", command.progress, 0, 100);
  return fields;
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
  const key = command.catalogueKey == null ? null : unusedFactorKey(state, factorCatalogueKey(command.catalogueKey, command.kind));
  const entry = key === null ? null : catalogueEntry(key)!;
  if (command.label == null && !entry) throw badInput("label", "a factor needs a label, unless its catalogueKey gives the catalogue's");
  return [
    {
      type: "FactorAdded",
      data: {
        id: command.factorId,
        kind: command.kind,
        label: command.label == null ? entry!.label : requiredText("label", command.label),
        // The catalogue's description goes with its label, not under a label of the person's own.
        description: command.description != null ? optionalText("description", command.description) : command.label == null ? entry!.description : null,
        weight: command.weight == null ? DEFAULT_WEIGHT : weight(command.weight),
        rating: command.rating == null ? defaultRating(command.kind) : rating(command.rating),
        domain: command.domain == null ? null : domain(command.domain),
        catalogueKey: key,
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
  if (command.catalogueKey != null) requested.catalogueKey = unusedFactorKey(state, factorCatalogueKey(command.catalogueKey, factor.kind), factor.id);
  if (Object.keys(requested).length === 0) throw badInput("input", "give at least one field to revise");
  const changes = changed(factor, requested);
  if (changes.catalogueKey !== undefined) {
    const built = Object.values(state.strategies).filter(
      (s) => s.catalogueKey !== null && s.status !== "ABANDONED" && (s.internalFactorId === factor.id || s.externalFactorId === factor.id),
    );
    if (built.length > 0) {
      throw invalidTransition(`strategies ${built.map((s) => s.catalogueKey).join(", ")} are catalogued on this factor's key: correct them first`);
    }
  }
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

/** The new order of one kind's live factors: all of them, each once. */
const reorderFactors: Decide<"ReorderFactors"> = (command, state) => {
  if (!FACTOR_KINDS.includes(command.kind)) throw badInput("kind", `unknown factor kind ${command.kind}`);
  const current = factorsInOrder(state)
    .filter((f) => f.kind === command.kind && !f.removed)
    .map((f) => f.id);
  const given = command.factorIds.map(String);
  if (given.length !== current.length || new Set(given).size !== given.length || !given.every((id) => current.includes(id))) {
    throw badInput("factorIds", `list each live ${command.kind} factor of the matrix once: ${current.join(", ")}`);
  }
  return given.every((id, i) => id === current[i]) ? [] : [{ type: "FactorsReordered", data: { kind: command.kind, factorIds: given } }];
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
        catalogueKey: command.catalogueKey == null ? null : strategyKeyOfCell(command.catalogueKey, internal, external, quadrant),
        ...NO_ACCOUNTABILITY,
      },
    },
  ];
};

const reviseStrategy: Decide<"ReviseStrategy"> = (command, state) => {
  const strategy = strategyOf(state, command.strategyId);
  const requested: Partial<Strategy> = accountability(command);
  if (command.title != null) requested.title = requiredText("title", command.title);
  if (command.description != null) requested.description = optionalText("description", command.description);
  if (command.priority != null) requested.priority = priority(command.priority);
  if (command.catalogueKey != null) {
    requested.catalogueKey =
      command.catalogueKey === ""
        ? null
        : strategyKeyOfCell(command.catalogueKey, state.factors[strategy.internalFactorId]!, state.factors[strategy.externalFactorId]!, strategy.quadrant);
  }
  if (Object.keys(requested).length === 0) throw badInput("input", "give at least one field to revise");
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
  return [
    {
      type: "InitiativeAdded",
      data: {
        id: command.initiativeId,
        title: requiredText("title", command.title),
        description: optionalText("description", command.description),
        quadrant: command.quadrant,
        catalogueKey: command.catalogueKey == null ? null : quadrantCatalogueKey(command.catalogueKey, "TOOL", command.quadrant),
        strategyIds: initiativeStrategies(state, command.strategyIds ?? [], command.quadrant),
        ...NO_ACCOUNTABILITY,
        ...accountability(command),
      },
    },
  ];
};

const reviseInitiative: Decide<"ReviseInitiative"> = (command, state) => {
  const initiative = liveInitiative(state, command.initiativeId);
  const requested: Partial<InitiativeFields> = accountability(command);
  if (command.title != null) requested.title = requiredText("title", command.title);
  if (command.description != null) requested.description = optionalText("description", command.description);
  if (command.catalogueKey != null) {
    requested.catalogueKey = command.catalogueKey === "" ? null : quadrantCatalogueKey(command.catalogueKey, "TOOL", initiative.quadrant);
  }
  if (Object.keys(requested).length === 0 && command.strategyIds == null) throw badInput("input", "give at least one field to revise");
  const changes: Partial<InitiativeFields> = changed(initiative, requested);
  if (command.strategyIds != null) {
    const strategyIds = initiativeStrategies(state, command.strategyIds, initiative.quadrant, initiative.strategyIds);
    if (strategyIds.join() !== initiative.strategyIds.join()) changes.strategyIds = strategyIds;
  }
  return Object.keys(changes).length === 0 ? [] : [{ type: "InitiativeRevised", data: { initiativeId: initiative.id, changes } }];
};

const removeInitiative: Decide<"RemoveInitiative"> = (command, state) => [
  { type: "InitiativeRemoved", data: { initiativeId: liveInitiative(state, command.initiativeId).id } },
];

const changeInitiativeStatus: Decide<"ChangeInitiativeStatus"> = (command, state) => {
  const initiative = liveInitiative(state, command.initiativeId);
  statusChange(initiative.status, command.status, "initiative");
  return [{ type: "InitiativeStatusChanged", data: { initiativeId: initiative.id, from: initiative.status, to: command.status } }];
};

/** The indicator a command names, or a new one; every value given is a measurement of its own, so its history is kept. */
const setIndicator: Decide<"SetIndicator"> = (command, state) => {
  const subject = state.strategies[command.subjectId] ?? liveInitiative(state, command.subjectId, "subjectId");
  const requested: Partial<IndicatorFields> = {};
  if (command.name != null) requested.name = requiredText("name", command.name, 200);
  if (command.unit != null) requested.unit = optionalText("unit", command.unit, 50);
  if (command.baseline != null) requested.baseline = finiteNumber("baseline", command.baseline);
  if (command.target != null) requested.target = finiteNumber("target", command.target);
  const value = command.value == null ? null : finiteNumber("value", command.value);
  const events: MatrixEvent[] = [];
  let indicator: Indicator | undefined;
  if (command.indicatorId != null) {
    indicator = indicatorsOf(state, subject.id).find((i) => i.id === command.indicatorId);
    if (!indicator) {
      throw new DomainError("NOT_FOUND", `no indicator ${command.indicatorId} on ${subject.id}`, { id: command.indicatorId, field: "indicatorId" });
    }
    const changes = changed(indicator, requested);
    if (Object.keys(changes).length > 0) events.push({ type: "IndicatorRevised", data: { indicatorId: indicator.id, changes } });
  } else {
    if (requested.name === undefined) throw badInput("name", "a new indicator needs a name");
    if (state.indicators[command.newIndicatorId]) throw new DomainError("CONFLICT", `indicator ${command.newIndicatorId} already exists`);
    events.push({
      type: "IndicatorAdded",
      data: {
        id: command.newIndicatorId,
        subjectId: subject.id,
        name: requested.name,
        unit: requested.unit ?? null,
        baseline: requested.baseline ?? null,
        target: requested.target ?? null,
      },
    });
  }
  const id = indicator?.id ?? command.newIndicatorId;
  if (value !== null) events.push({ type: "IndicatorMeasured", data: { indicatorId: id, value } });
  return events;
};

/** The statuses a copied strategy or initiative passes through again to reach its own. */
const pathFromProposed = (status: StrategyStatus): StrategyStatus[] =>
  status === "IN_PROGRESS" ? ["ADOPTED", "IN_PROGRESS"] : status === "ADOPTED" ? ["ADOPTED"] : [];

/** The catalogue's fourteen factors, in its order, labelled and described as it says. */
function catalogueStart(ids: Record<string, string>): MatrixEvent[] {
  return catalogueEntries("FACTOR").map((entry) => ({
    type: "FactorAdded",
    data: {
      id: idFor(ids, entry.key),
      kind: entry.factorKind!,
      label: entry.label,
      description: entry.description,
      weight: DEFAULT_WEIGHT,
      rating: defaultRating(entry.factorKind!),
      domain: null,
      catalogueKey: entry.key,
    },
  }));
}

/** Another matrix's live factors, open strategies and open initiatives with their links and indicators, under new ids. */
function copyStart(source: Matrix, collectivityId: string, ids: Record<string, string>): MatrixEvent[] {
  if (source.collectivityId !== collectivityId) throw badInput("copyFromMatrixId", "a matrix is copied from another matrix of the same collectivity");
  const open = (s: { status: StrategyStatus }) => OPEN_STATUSES.includes(s.status);
  const factors = factorsInOrder(source).filter((f) => !f.removed);
  const strategies = strategiesInOrder(source).filter(open);
  const initiatives = initiativesInOrder(source).filter(open);
  const copied = new Set(strategies.map((s) => s.id));
  const events: MatrixEvent[] = factors.map(({ removed: _, ...factor }) => ({ type: "FactorAdded", data: { ...factor, id: idFor(ids, factor.id) } }));
  for (const { status, decisions: _, ...strategy } of strategies) {
    const id = idFor(ids, strategy.id);
    events.push({
      type: "StrategyProposed",
      data: { ...strategy, id, internalFactorId: idFor(ids, strategy.internalFactorId), externalFactorId: idFor(ids, strategy.externalFactorId) },
    });
    let from: StrategyStatus = "PROPOSED";
    for (const to of pathFromProposed(status)) {
      events.push({ type: "StrategyStatusChanged", data: { strategyId: id, from, to } });
      from = to;
    }
  }
  for (const { status, decisions: _, removed: __, ...initiative } of initiatives) {
    const id = idFor(ids, initiative.id);
    const strategyIds = initiative.strategyIds.filter((s) => copied.has(s)).map((s) => idFor(ids, s));
    events.push({ type: "InitiativeAdded", data: { ...initiative, id, strategyIds } });
    let from: StrategyStatus = "PROPOSED";
    for (const to of pathFromProposed(status)) {
      events.push({ type: "InitiativeStatusChanged", data: { initiativeId: id, from, to } });
      from = to;
    }
  }
  for (const subject of [...strategies, ...initiatives]) {
    for (const { measurements: _, ...indicator } of indicatorsOf(source, subject.id)) {
      events.push({ type: "IndicatorAdded", data: { ...indicator, id: idFor(ids, indicator.id), subjectId: idFor(ids, subject.id) } });
    }
  }
  return events;
}

function idFor(ids: Record<string, string>, key: string): string {
  const id = ids[key];
  if (!id) throw new Error(`no new id given for ${key}`);
  return id;
}

/**
 * Each command decided on the matrix as the ones before left it, as if sent
 * one by one, but recorded as one decision. A refusal says which command
 * (extensions.step, from 0), so that the caller can say where it came from.
 */
function commandsStart(opened: MatrixEvent, commands: readonly MatrixCommand[]): MatrixEvent[] {
  const events: MatrixEvent[] = [];
  const fold = (state: Matrix | null, event: MatrixEvent) =>
    evolveMatrix(state, { ...event, streamId: "", version: (state?.version ?? 0) + 1, position: "", occurredAt: new Date(0), actor: "", reason: null });
  let state = fold(null, opened);
  commands.forEach((command, step) => {
    let decided: MatrixEvent[];
    try {
      decided = decideMatrix(command, state);
    } catch (error) {
      if (error instanceof DomainError) throw new DomainError(error.code, error.message, { ...error.extensions, step });
      throw error;
    }
    for (const event of decided) state = fold(state, event);
    events.push(...decided);
  });
  return events;
}

function startOf(start: MatrixStart, opened: Extract<MatrixEvent, { type: "MatrixOpened" }>): MatrixEvent[] {
  switch (start.from) {
    case "CATALOGUE":
      return catalogueStart(start.ids);
    case "MATRIX":
      return copyStart(start.source, opened.data.collectivityId, start.ids);
    case "COMMANDS":
      return commandsStart(opened, start.commands);
  }
}

/** The events a command decides on a matrix's state, or the refusal it meets; one decider per command. */
export function decideMatrix(command: MatrixCommand, state: Matrix | null): MatrixEvent[] {
  if (command.type === "OpenMatrix") {
    if (state) throw new DomainError("CONFLICT", `matrix ${command.matrixId} already exists`, { actualVersion: state.version });
    const opened: Extract<MatrixEvent, { type: "MatrixOpened" }> = {
      type: "MatrixOpened",
      data: { matrixId: command.matrixId, collectivityId: command.collectivityId, title: requiredText("title", command.title, 200) },
    };
    return [opened, ...(command.start ? startOf(command.start, opened) : [])];
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
    case "ReorderFactors":
      return reorderFactors(command, state);
    case "ProposeStrategy":
      return proposeStrategy(command, state);
    case "ReviseStrategy":
      return reviseStrategy(command, state);
    case "ChangeStrategyStatus":
      return changeStrategyStatus(command, state);
    case "AddInitiative":
      return addInitiative(command, state);
    case "ReviseInitiative":
      return reviseInitiative(command, state);
    case "RemoveInitiative":
      return removeInitiative(command, state);
    case "ChangeInitiativeStatus":
      return changeInitiativeStatus(command, state);
    case "SetIndicator":
      return setIndicator(command, state);
  }
}
