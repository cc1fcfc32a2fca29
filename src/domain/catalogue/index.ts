import type { CatalogueEntryKind, FactorKind, Quadrant } from "../types.ts";
import { FACTORS, SOURCE, STRATEGIES, TOOLS } from "./adt-inet-2017.ts";

export interface CatalogueEntry {
  key: string;
  kind: CatalogueEntryKind;
  factorKind: FactorKind | null;
  quadrant: Quadrant | null;
  label: string;
  description: string | null;
  internalFactorKey: string | null;
  externalFactorKey: string | null;
}

export const CATALOGUE_SOURCE = SOURCE;

export const CATALOGUE: readonly CatalogueEntry[] = [
  ...FACTORS.map((f) => ({
    key: f.key,
    kind: "FACTOR" as const,
    factorKind: f.factorKind,
    quadrant: null,
    label: f.label,
    description: f.description,
    internalFactorKey: null,
    externalFactorKey: null,
  })),
  ...STRATEGIES.map((s) => ({
    key: s.key,
    kind: "STRATEGY" as const,
    factorKind: null,
    quadrant: s.quadrant,
    label: s.label,
    description: null,
    internalFactorKey: s.internalFactorKey,
    externalFactorKey: s.externalFactorKey,
  })),
  ...TOOLS.map((t) => ({
    key: t.key,
    kind: "TOOL" as const,
    factorKind: null,
    quadrant: t.quadrant,
    label: t.label,
    description: null,
    internalFactorKey: null,
    externalFactorKey: null,
  })),
];

const BY_KEY = new Map(CATALOGUE.map((entry) => [entry.key, entry]));

export const catalogueEntry = (key: string): CatalogueEntry | undefined => BY_KEY.get(key);

export const catalogueEntries = (kind?: CatalogueEntryKind): CatalogueEntry[] => CATALOGUE.filter((entry) => kind === undefined || entry.kind === kind);
