import { badInput, DomainError, notFound } from "./errors.ts";
import { type Event, eventReader, type ReadEvent } from "./events.ts";
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
  version: number;
  registeredAt: string;
  updatedAt: string;
}

export interface ProfileChanges {
  name?: string;
  population?: number;
  financialPotentialPerCapita?: number;
  regionCode?: string;
}

export type CollectivityCommand =
  | {
      type: "RegisterCollectivity";
      collectivityId: string;
      name: string;
      kind: CollectivityKind;
      population: number;
      officialCode?: string | null;
      financialPotentialPerCapita?: number | null;
      regionCode?: string | null;
    }
  | ({ type: "UpdateCollectivityProfile"; collectivityId: string } & { [K in keyof ProfileChanges]?: ProfileChanges[K] | null });

/** The shape of Collectivity as snapshots store it; bump it when the shape changes (see MATRIX_STATE_VERSION). */
export const COLLECTIVITY_STATE_VERSION = 1;

export type CollectivityEvent =
  | Event<"CollectivityRegistered", Omit<Collectivity, "version" | "registeredAt" | "updatedAt">>
  | Event<"CollectivityProfileUpdated", ProfileChanges>;

const MAX_POPULATION = 100_000_000;

const population = (value: number) => intInRange("population", value, 1, MAX_POPULATION);
const potential = (value: number) => nonNegativeNumber("financialPotentialPerCapita", value, 1_000_000);

function regionCode(value: string): string {
  const trimmed = value.trim();
  if (!/^\d{2,3}$/.test(trimmed)) throw badInput("regionCode", "regionCode must be an INSEE region code (2 or 3 digits)");
  return trimmed;
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
      if (!COLLECTIVITY_KINDS.includes(command.kind)) throw badInput("kind", `unknown collectivity kind ${command.kind}`);
      return [
        {
          type: "CollectivityRegistered",
          data: {
            id: command.collectivityId,
            name: requiredText("name", command.name, 200),
            kind: command.kind,
            population: population(command.population),
            officialCode: command.officialCode == null ? null : officialCode(command.officialCode),
            financialPotentialPerCapita: command.financialPotentialPerCapita == null ? null : potential(command.financialPotentialPerCapita),
            regionCode: command.regionCode == null ? null : regionCode(command.regionCode),
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
      if (Object.keys(requested).length === 0) throw badInput("input", "give at least one of name, population, financialPotentialPerCapita, regionCode");
      const changes = Object.fromEntries(Object.entries(requested).filter(([key, value]) => state[key as keyof ProfileChanges] !== value)) as ProfileChanges;
      return Object.keys(changes).length === 0 ? [] : [{ type: "CollectivityProfileUpdated", data: changes }];
    }
  }
}

/** Reads a stored collectivity event (see eventReader). */
export const readCollectivityEvent = eventReader<CollectivityEvent>("collectivity", { CollectivityRegistered: true, CollectivityProfileUpdated: true });

export function evolveCollectivity(state: Collectivity | null, event: ReadEvent<CollectivityEvent>): Collectivity | null {
  switch (event.type) {
    case "CollectivityRegistered":
      return { ...event.data, version: event.version, registeredAt: event.occurredAt.toISOString(), updatedAt: event.occurredAt.toISOString() };
    case "CollectivityProfileUpdated":
      return state && { ...state, ...event.data, version: event.version, updatedAt: event.occurredAt.toISOString() };
  }
}
