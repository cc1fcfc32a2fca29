// What a person reads of the domain's codes, in French, and French number
// and date formats: one table for the web app and the exports alike. No
// import from the server side, so that the web app can bundle it.

export const FACTOR_KIND_LABELS = {
  STRENGTH: "Forces",
  WEAKNESS: "Faiblesses",
  OPPORTUNITY: "Opportunités",
  THREAT: "Menaces",
} as const;

export const FACTOR_KIND_SINGULAR = {
  STRENGTH: "Force",
  WEAKNESS: "Faiblesse",
  OPPORTUNITY: "Opportunité",
  THREAT: "Menace",
} as const;

export const STATUS_LABELS = {
  PROPOSED: "proposée",
  ADOPTED: "adoptée",
  IN_PROGRESS: "en cours",
  DONE: "réalisée",
  ABANDONED: "abandonnée",
} as const;

export const MATRIX_STATUS_LABELS = { DRAFT: "brouillon", PUBLISHED: "publiée", ARCHIVED: "archivée" } as const;

export const VISIBILITY_LABELS = {
  AGGREGATES_ONLY: "agrégats seulement",
  NETWORK: "réseau",
  PUBLIC: "publique",
} as const;

/**
 * The four crossed grids of the seed's "croisement dynamique", each with its
 * guiding question, word for word (shared/seed, ADT-INET 2017).
 */
export const QUADRANTS_FR = {
  SO: { label: "Forces × Opportunités", question: "Comment exploiter les forces reconnues afin de tirer profit de ces opportunités ?" },
  WO: {
    label: "Faiblesses × Opportunités",
    question: "Comment faire pour que ces faiblesses n'empêchent pas de tirer profit de ces opportunités ?",
  },
  ST: { label: "Forces × Menaces", question: "Comment utiliser ces forces pour réduire l'impact de ces menaces ?" },
  WT: {
    label: "Faiblesses × Menaces",
    question: "Quelle stratégies adopter afin que ces faiblesses ne promeuvent pas, n'amplifient pas ces menaces ?",
  },
} as const;

export const COLLECTIVITY_KIND_LABELS = {
  COMMUNE: "Commune",
  COMMUNE_NOUVELLE: "Commune nouvelle",
  COMMUNAUTE_DE_COMMUNES: "Communauté de communes",
  COMMUNAUTE_D_AGGLOMERATION: "Communauté d'agglomération",
  COMMUNAUTE_URBAINE: "Communauté urbaine",
  METROPOLE: "Métropole",
  ETABLISSEMENT_PUBLIC_TERRITORIAL: "Établissement public territorial",
  DEPARTEMENT: "Département",
  REGION: "Région",
  COLLECTIVITE_A_STATUT_PARTICULIER: "Collectivité à statut particulier",
} as const;

export const METRIC_LABELS = {
  FACTOR_COUNT: "Facteurs du diagnostic",
  STRATEGY_COUNT: "Stratégies",
  ADOPTION_RATE: "Taux d'adoption des stratégies",
  COMPLETION_RATE: "Taux de réalisation des stratégies",
  DECISIONS_LAST_90_DAYS: "Décisions des 90 derniers jours",
  INTERNAL_SCORE: "Score interne (IFE)",
  EXTERNAL_SCORE: "Score externe (EFE)",
} as const;

/** What each recorded decision did, as the history shows it. */
export const EVENT_LABELS: Record<string, string> = {
  MatrixOpened: "Matrice ouverte",
  MatrixRenamed: "Matrice renommée",
  MatrixPublished: "Matrice publiée",
  MatrixVisibilityChanged: "Visibilité modifiée",
  MatrixArchived: "Matrice archivée",
  FactorAdded: "Facteur ajouté",
  FactorRevised: "Facteur révisé",
  FactorRemoved: "Facteur retiré",
  StrategyProposed: "Stratégie proposée",
  StrategyRevised: "Stratégie révisée",
  StrategyStatusChanged: "Statut de stratégie modifié",
  FactorsReordered: "Facteurs réordonnés",
  InitiativeAdded: "Initiative ajoutée",
  InitiativeRevised: "Initiative révisée",
  InitiativeRemoved: "Initiative retirée",
  InitiativeStatusChanged: "Statut d'initiative modifié",
  IndicatorAdded: "Indicateur ajouté",
  IndicatorRevised: "Indicateur révisé",
  IndicatorMeasured: "Indicateur mesuré",
};

export const eventLabel = (type: string): string => EVENT_LABELS[type] ?? type;

// Narrow no-break spaces as French typography wants them are hard to type
// and to search: plain spaces read the same to a person.
const plainSpaces = (s: string) => s.replace(/\u202f|\u00a0/g, " ");

/** 2,45 — a French decimal, with at most `digits` decimals. */
export const frenchNumber = (n: number, digits = 2): string => plainSpaces(n.toLocaleString("fr-FR", { maximumFractionDigits: digits }));

/** 26/11/2026 in Paris. */
export const frenchDate = (iso: string | Date): string => new Date(iso).toLocaleDateString("fr-FR", { timeZone: "Europe/Paris" });

/** 26/11/2026 14:05 in Paris. */
export const frenchDateTime = (iso: string | Date): string =>
  plainSpaces(new Date(iso).toLocaleString("fr-FR", { timeZone: "Europe/Paris", dateStyle: "short", timeStyle: "short" }));
