export const COLLECTIVITY_KINDS = [
  "COMMUNE",
  "COMMUNE_NOUVELLE",
  "COMMUNAUTE_DE_COMMUNES",
  "COMMUNAUTE_D_AGGLOMERATION",
  "COMMUNAUTE_URBAINE",
  "METROPOLE",
  "ETABLISSEMENT_PUBLIC_TERRITORIAL",
  "DEPARTEMENT",
  "REGION",
  "COLLECTIVITE_A_STATUT_PARTICULIER",
] as const;
export type CollectivityKind = (typeof COLLECTIVITY_KINDS)[number];

export const FACTOR_KINDS = ["STRENGTH", "WEAKNESS", "OPPORTUNITY", "THREAT"] as const;
export type FactorKind = (typeof FACTOR_KINDS)[number];

export const QUADRANTS = ["SO", "WO", "ST", "WT"] as const;
export type Quadrant = (typeof QUADRANTS)[number];

export const STRATEGY_STATUSES = ["PROPOSED", "ADOPTED", "IN_PROGRESS", "DONE", "ABANDONED"] as const;
export type StrategyStatus = (typeof STRATEGY_STATUSES)[number];

export const INNOVATION_DOMAINS = ["DEMOCRATIC", "ORGANISATIONAL", "TECHNOLOGICAL", "SOCIAL_ENVIRONMENTAL"] as const;
export type InnovationDomain = (typeof INNOVATION_DOMAINS)[number];

export const MATRIX_STATUSES = ["DRAFT", "PUBLISHED", "ARCHIVED"] as const;
export type MatrixStatus = (typeof MATRIX_STATUSES)[number];

/** Who may read a published matrix (see canSeeMatrix); the default is the most private. */
export const MATRIX_VISIBILITIES = ["AGGREGATES_ONLY", "NETWORK", "PUBLIC"] as const;
export type MatrixVisibility = (typeof MATRIX_VISIBILITIES)[number];

export const CATALOGUE_ENTRY_KINDS = ["FACTOR", "STRATEGY", "TOOL"] as const;
export type CatalogueEntryKind = (typeof CATALOGUE_ENTRY_KINDS)[number];

export const isInternal = (kind: FactorKind): boolean => kind === "STRENGTH" || kind === "WEAKNESS";

/** The TOWS quadrant of an (internal, external) pair, or null when both sit on one side. */
export function quadrantOf(internal: FactorKind, external: FactorKind): Quadrant | null {
  if (!isInternal(internal) || isInternal(external)) return null;
  return `${internal === "STRENGTH" ? "S" : "W"}${external === "OPPORTUNITY" ? "O" : "T"}` as Quadrant;
}

export const quadrantSides = (quadrant: Quadrant): [FactorKind, FactorKind] => [
  quadrant[0] === "S" ? "STRENGTH" : "WEAKNESS",
  quadrant[1] === "O" ? "OPPORTUNITY" : "THREAT",
];
