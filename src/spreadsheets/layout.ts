// The spreadsheet layout a matrix travels in, both ways: what the exports
// write and the import reads. One sheet per table (one section per table in
// a CSV), headed by these columns, in French. Rows point at each other by
// reference (F1, STRAT1, INIT1), so that a workshop's spreadsheet can link a
// strategy to its factors without knowing any id.

export const SHEETS = {
  summary: "Synthèse",
  factors: "Facteurs",
  strategies: "Stratégies",
  initiatives: "Initiatives",
  indicators: "Indicateurs",
  history: "Historique",
} as const;

export const FACTOR_COLUMNS = {
  ref: "Réf.",
  kind: "Type",
  label: "Libellé",
  description: "Description",
  weight: "Poids",
  rating: "Note",
  catalogueKey: "Clé du catalogue",
  removed: "Retiré",
} as const;

export const STRATEGY_COLUMNS = {
  ref: "Réf.",
  quadrant: "Croisement",
  internalFactorId: "Facteur interne",
  externalFactorId: "Facteur externe",
  title: "Titre",
  description: "Description",
  status: "Statut",
  priority: "Priorité",
  catalogueKey: "Clé du catalogue",
  lead: "Référent",
  dueDate: "Échéance",
  budget: "Budget (€)",
  progress: "Avancement (%)",
  lastDecision: "Dernière décision",
  reason: "Raison",
} as const;

export const INITIATIVE_COLUMNS = {
  ref: "Réf.",
  quadrant: "Croisement",
  title: "Titre",
  description: "Description",
  status: "Statut",
  catalogueKey: "Clé du catalogue",
  strategyIds: "Stratégies liées",
  lead: "Référent",
  dueDate: "Échéance",
  budget: "Budget (€)",
  progress: "Avancement (%)",
} as const;

export const INDICATOR_COLUMNS = {
  subjectId: "Pour",
  name: "Nom",
  unit: "Unité",
  baseline: "Valeur de départ",
  target: "Cible",
  value: "Valeur",
  valueAt: "Mesurée le",
} as const;

export const HISTORY_COLUMNS = ["Date", "Décision", "Détail", "Par", "Raison"] as const;

/** References of the n-th row (from 1) of each table. */
export const factorRef = (n: number) => `F${n}`;
export const strategyRef = (n: number) => `STRAT${n}`;
export const initiativeRef = (n: number) => `INIT${n}`;

/** Between the references of a list in one cell. */
export const LIST_SEPARATOR = " ; ";

export const YES = "oui";
export const NO = "non";
