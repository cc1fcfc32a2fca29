import { catalogueEntry } from "./catalogue/index.ts";
import { badInput } from "./errors.ts";
import { type Event, eventReader, type ReadEvent } from "./events.ts";
import { COLLECTIVITY_KINDS, type CollectivityKind } from "./types.ts";
import { nonNegativeNumber } from "./validation.ts";

/**
 * The network's reference weights: per collectivity kind and catalogue
 * factor, the weight benchmarks use in place of each matrix's own, so that
 * scores compare across peers. One stream for the whole network.
 */
export const REFERENCE_WEIGHTS_ID = "reference-weights";

export interface ReferenceWeights {
  /** kind → catalogue factor key → weight */
  weights: Partial<Record<CollectivityKind, Record<string, number>>>;
  version: number;
}

export type ReferenceWeightCommand = {
  type: "SetReferenceWeight";
  kind: CollectivityKind;
  catalogueKey: string;
  /** null clears it: the matrices' own weights apply again. */
  weight: number | null;
};

/** The shape of ReferenceWeights as snapshots store it; bump it when the shape changes (see MATRIX_STATE_VERSION). */
export const REFERENCE_WEIGHTS_STATE_VERSION = 1;

export type ReferenceWeightEvent = Event<"ReferenceWeightSet", { kind: CollectivityKind; catalogueKey: string; weight: number | null }>;

export function decideReferenceWeight(command: ReferenceWeightCommand, state: ReferenceWeights | null): ReferenceWeightEvent[] {
  if (!COLLECTIVITY_KINDS.includes(command.kind)) throw badInput("kind", `unknown collectivity kind ${command.kind}`);
  const entry = catalogueEntry(command.catalogueKey);
  if (entry?.kind !== "FACTOR") throw badInput("catalogueKey", `${command.catalogueKey} is not a catalogue factor (S1…T3)`);
  const weight = command.weight === null ? null : nonNegativeNumber("weight", command.weight, 1000);
  const current = state?.weights[command.kind]?.[command.catalogueKey] ?? null;
  // Setting what is already set changes nothing (a new stream still records
  // its first decision, so that the command has a position to answer with).
  if (state && current === weight) return [];
  return [{ type: "ReferenceWeightSet", data: { kind: command.kind, catalogueKey: command.catalogueKey, weight } }];
}

/** Reads a stored reference-weight event (see eventReader). */
export const readReferenceWeightEvent = eventReader<ReferenceWeightEvent>("network", { ReferenceWeightSet: true });

export function evolveReferenceWeights(state: ReferenceWeights | null, e: ReadEvent<ReferenceWeightEvent>): ReferenceWeights | null {
  const weights = { ...(state?.weights ?? {}) };
  const ofKind = { ...(weights[e.data.kind] ?? {}) };
  if (e.data.weight === null) delete ofKind[e.data.catalogueKey];
  else ofKind[e.data.catalogueKey] = e.data.weight;
  weights[e.data.kind] = ofKind;
  return { weights, version: e.version };
}
