import { badInput, DomainError, notFound } from "./errors.ts";
import { type Event, eventReader, type ReadEvent, type Upcaster } from "./events.ts";
import { isValidSiren } from "./siren.ts";
import { COLLECTIVITY_KINDS, type CollectivityKind } from "./types.ts";
import { intInRange, nonNegativeNumber, requiredText } from "./validation.ts";

export interface Collectivity {
  id: string;
  name: string;
  kind: CollectivityKind;
  officialCode: string | null;
  population: number;
  financialPotentialPerCapita: number | null;
  regionCode: string | null;
  /** Its code in the Code officiel géographique (a commune's 5 characters), where it is in the official directory. */
  inseeCode: string | null;
  departementCode: string | null;
  /** A commune's EPCI à fiscalité propre, by SIREN. */
  epciCode: string | null;
  /** The commune nouvelle it merged into, as a millésime of the official territory recorded it. */
  mergedInto: Merger | null;
  version: number;
  registeredAt: string;
  updatedAt: string;
}

/** A commune nouvelle a commune merged into: its INSEE code, name and SIREN as the directory gives them. */
export interface Merger {
  inseeCode: string;
  name: string;
  officialCode: string | null;
}

export interface ProfileChanges {
  name?: string;
  population?: number;
  financialPotentialPerCapita?: number;
  regionCode?: string;
  /** Given by a millésime of the official territory only (see src/territory/sync.ts). */
  departementCode?: string;
  epciCode?: string;
}

/** What the official directory says of a collectivity (src/app/territory.ts finds it). */
export interface DirectoryEntry {
  inseeCode: string;
  officialCode: string | null;
  name: string;
  kind: CollectivityKind;
  population: number | null;
  departementCode: string | null;
  regionCode: string | null;
  epciCode: string | null;
}

export type CollectivityCommand =
  | {
      type: "RegisterCollectivity";
      collectivityId: string;
      /** Required unless the official directory gives them. */
      name?: string | null;
      kind?: CollectivityKind | null;
      population?: number | null;
      officialCode?: string | null;
      financialPotentialPerCapita?: number | null;
      regionCode?: string | null;
      /** Outside the directory only (its entry gives them otherwise): where the collectivity sits. */
      departementCode?: string | null;
      epciCode?: string | null;
      /** The directory's entry of the officialCode or inseeCode given, if it has one: its values, and no contradiction. */
      directory?: DirectoryEntry | null;
    }
  | ({ type: "UpdateCollectivityProfile"; collectivityId: string } & { [K in keyof ProfileChanges]?: ProfileChanges[K] | null })
  | { type: "RecordMerger"; collectivityId: string; into: Merger };

/** The shape of Collectivity as snapshots store it; bump it when the shape changes (see MATRIX_STATE_VERSION). */
export const COLLECTIVITY_STATE_VERSION = 3;

export type CollectivityEvent =
  | Event<"CollectivityRegistered", Omit<Collectivity, "mergedInto" | "version" | "registeredAt" | "updatedAt">>
  | Event<"CollectivityProfileUpdated", ProfileChanges>
  /** It merged into a commune nouvelle that took another code: it is no longer a collectivity of its own. */
  | Event<"CollectivityMerged", Merger>;

const MAX_POPULATION = 100_000_000;

const population = (value: number) => intInRange("population", value, 1, MAX_POPULATION);
const potential = (value: number) => nonNegativeNumber("financialPotentialPerCapita", value, 1_000_000);

function departementCode(value: string): string {
  const trimmed = value.trim().toUpperCase();
  if (!/^(\d{2}|2A|2B|97\d|98\d)$/.test(trimmed)) throw badInput("departementCode", "departementCode must be an INSEE département code (01, 2A, 974, 987…)");
  return trimmed;
}

function epciCode(value: string): string {
  const trimmed = value.trim();
  if (!isValidSiren(trimmed)) throw badInput("epciCode", "epciCode must be an EPCI's SIREN");
  return trimmed;
}

function regionCode(value: string): string {
  const trimmed = value.trim();
  if (!/^\d{2,3}$/.test(trimmed)) throw badInput("regionCode", "regionCode must be an INSEE region code (2 or 3 digits)");
  return trimmed;
}

/** Folded as names are compared: "Saint-Etienne" typed without its accent says the same as the directory's "Saint-Étienne". */
const folded = (name: string) =>
  name
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()
    .toLowerCase();

/** The directory's values, with each one given checked against it; without an entry, every value must be given. */
function registration(command: Extract<CollectivityCommand, { type: "RegisterCollectivity" }>) {
  const entry = command.directory;
  const given = <T>(field: string, value: T | null | undefined): T => {
    if (value == null) throw badInput(field, `${field} is required for a collectivity outside the official directory`);
    return value;
  };
  if (!entry) {
    return {
      name: requiredText("name", given("name", command.name), 200),
      kind: given("kind", command.kind),
      population: population(given("population", command.population)),
      officialCode: command.officialCode == null ? null : officialCode(command.officialCode),
      regionCode: command.regionCode == null ? null : regionCode(command.regionCode),
      inseeCode: null,
      departementCode: command.departementCode == null ? null : departementCode(command.departementCode),
      epciCode: command.epciCode == null ? null : epciCode(command.epciCode),
    };
  }
  const contradicts = (field: string, what: string) => badInput(field, `${field} contradicts the official directory, which says ${what}`);
  if (command.name != null && folded(command.name) !== folded(entry.name)) throw contradicts("name", entry.name);
  if (command.kind != null && command.kind !== entry.kind) throw contradicts("kind", entry.kind);
  if (command.population != null && command.population !== entry.population) throw contradicts("population", String(entry.population));
  if (command.officialCode != null && officialCode(command.officialCode) !== entry.officialCode) throw contradicts("officialCode", String(entry.officialCode));
  if (command.regionCode != null && regionCode(command.regionCode) !== entry.regionCode) throw contradicts("regionCode", String(entry.regionCode));
  if (command.departementCode != null && departementCode(command.departementCode) !== entry.departementCode) {
    throw contradicts("departementCode", String(entry.departementCode));
  }
  if (command.epciCode != null && epciCode(command.epciCode) !== entry.epciCode) throw contradicts("epciCode", String(entry.epciCode));
  return {
    name: entry.name,
    kind: entry.kind,
    population: population(entry.population ?? given("population", command.population)),
    officialCode: entry.officialCode,
    regionCode: entry.regionCode,
    inseeCode: entry.inseeCode,
    departementCode: entry.departementCode,
    epciCode: entry.epciCode,
  };
}

function officialCode(value: string): string {
  const compact = value.replace(/\s/g, "");
  if (!isValidSiren(compact)) {
    throw badInput("officialCode", "officialCode must be a SIREN: 9 digits with a valid checksum");
  }
  return compact;
}

export function decideCollectivity(command: CollectivityCommand, state: Collectivity | null): CollectivityEvent[] {
  switch (command.type) {
    case "RegisterCollectivity": {
      if (state) throw new DomainError("CONFLICT", `collectivity ${command.collectivityId} is already registered`, { actualVersion: state.version });
      if (command.kind != null && !COLLECTIVITY_KINDS.includes(command.kind)) throw badInput("kind", `unknown collectivity kind ${command.kind}`);
      return [
        {
          type: "CollectivityRegistered",
          data: {
            id: command.collectivityId,
            ...registration(command),
            financialPotentialPerCapita: command.financialPotentialPerCapita == null ? null : potential(command.financialPotentialPerCapita),
          },
        },
      ];
    }
    case "UpdateCollectivityProfile": {
      if (!state) throw notFound("collectivity", command.collectivityId);
      const requested: ProfileChanges = {};
      if (command.name != null) requested.name = requiredText("name", command.name, 200);
      if (command.population != null) requested.population = population(command.population);
      if (command.financialPotentialPerCapita != null) requested.financialPotentialPerCapita = potential(command.financialPotentialPerCapita);
      if (command.regionCode != null) requested.regionCode = regionCode(command.regionCode);
      if (command.departementCode != null) requested.departementCode = departementCode(command.departementCode);
      if (command.epciCode != null) requested.epciCode = epciCode(command.epciCode);
      if (Object.keys(requested).length === 0) throw badInput("input", "give at least one of name, population, financialPotentialPerCapita, regionCode");
      const changes = Object.fromEntries(Object.entries(requested).filter(([key, value]) => state[key as keyof ProfileChanges] !== value)) as ProfileChanges;
      return Object.keys(changes).length === 0 ? [] : [{ type: "CollectivityProfileUpdated", data: changes }];
    }
    case "RecordMerger": {
      if (!state) throw notFound("collectivity", command.collectivityId);
      const into: Merger = {
        inseeCode: requiredText("into.inseeCode", command.into.inseeCode, 5),
        name: requiredText("into.name", command.into.name, 200),
        officialCode: command.into.officialCode == null ? null : officialCode(command.into.officialCode),
      };
      if (into.inseeCode === state.inseeCode) throw badInput("into.inseeCode", "a collectivity cannot merge into itself");
      const known = state.mergedInto;
      const same = known && known.inseeCode === into.inseeCode && known.name === into.name && known.officialCode === into.officialCode;
      return same ? [] : [{ type: "CollectivityMerged", data: into }];
    }
  }
}

/** Before the official territory, no collectivity was registered from the directory: no INSEE code, département or EPCI. */
const registeredBeforeTheTerritory: Upcaster = (event) => ({
  ...event,
  data: { inseeCode: null, departementCode: null, epciCode: null, ...(event.data as object) },
});

/** Reads a stored collectivity event (see eventReader). */
export const readCollectivityEvent = eventReader<CollectivityEvent>(
  "collectivity",
  { CollectivityRegistered: true, CollectivityProfileUpdated: true, CollectivityMerged: true },
  { CollectivityRegistered: registeredBeforeTheTerritory },
);

export function evolveCollectivity(state: Collectivity | null, event: ReadEvent<CollectivityEvent>): Collectivity | null {
  switch (event.type) {
    case "CollectivityRegistered":
      return {
        ...event.data,
        mergedInto: null,
        version: event.version,
        registeredAt: event.occurredAt.toISOString(),
        updatedAt: event.occurredAt.toISOString(),
      };
    case "CollectivityProfileUpdated":
      return state && { ...state, ...event.data, version: event.version, updatedAt: event.occurredAt.toISOString() };
    case "CollectivityMerged":
      return state && { ...state, mergedInto: event.data, version: event.version, updatedAt: event.occurredAt.toISOString() };
  }
}
