import { badInput } from "../errors.ts";
import { COLLECTIVITY_KINDS, type CollectivityKind } from "../types.ts";

/**
 * Population strata. Communes use the legal DGF strata (CGCT art. L2334-3).
 * The law sets none for the other levels, so these follow how the network
 * compares them: EPCI from rural communautés de communes to the largest
 * métropoles, départements and régions by rough quartiles of their real
 * sizes. Codes are stable: data and bookmarks keep them across versions.
 */
export type StratumFamily = "COMMUNE" | "EPCI" | "DEPARTEMENT" | "REGION";

export interface Stratum {
  code: string;
  family: StratumFamily;
  /** Inclusive lower bound, in inhabitants. */
  min: number;
  /** Exclusive upper bound; null for the last stratum. */
  max: number | null;
}

const strata = (family: StratumFamily, prefix: string, bounds: number[]): Stratum[] =>
  bounds.map((min, i) => ({ code: `${prefix}-${String(i + 1).padStart(2, "0")}`, family, min, max: bounds[i + 1] ?? null }));

export const STRATA: readonly Stratum[] = [
  ...strata("COMMUNE", "COM", [0, 500, 1_000, 2_000, 3_500, 5_000, 7_500, 10_000, 15_000, 20_000, 35_000, 50_000, 75_000, 100_000, 200_000]),
  ...strata("EPCI", "EPCI", [0, 15_000, 30_000, 50_000, 100_000, 300_000]),
  ...strata("DEPARTEMENT", "DEP", [0, 250_000, 500_000, 1_000_000]),
  ...strata("REGION", "REG", [0, 2_000_000, 4_000_000, 6_000_000]),
];

const FAMILY: Record<CollectivityKind, StratumFamily> = {
  COMMUNE: "COMMUNE",
  COMMUNE_NOUVELLE: "COMMUNE",
  COMMUNAUTE_DE_COMMUNES: "EPCI",
  COMMUNAUTE_D_AGGLOMERATION: "EPCI",
  COMMUNAUTE_URBAINE: "EPCI",
  METROPOLE: "EPCI",
  ETABLISSEMENT_PUBLIC_TERRITORIAL: "EPCI",
  DEPARTEMENT: "DEPARTEMENT",
  // Corse, Martinique, Guyane, the Ville de Paris, the Collectivité européenne
  // d'Alsace: départements in size, whatever their statute adds.
  COLLECTIVITE_A_STATUT_PARTICULIER: "DEPARTEMENT",
  REGION: "REGION",
};

export const stratumFamily = (kind: CollectivityKind): StratumFamily => FAMILY[kind];

export function stratumOf(kind: CollectivityKind, population: number): Stratum {
  const family = FAMILY[kind];
  return STRATA.find((s) => s.family === family && population >= s.min && (s.max === null || population < s.max))!;
}

export const stratumByCode = (code: string): Stratum | undefined => STRATA.find((s) => s.code === code);

/** Any of the three may be left open; the group with none is the whole network. */
export interface PeerGroupKey {
  kind: CollectivityKind | null;
  populationStratum: string | null;
  wealthQuartile: number | null;
}

/** What a collectivity brings to peer grouping. */
export interface Placement {
  kind: CollectivityKind;
  populationStratum: string;
  /** Null while the collectivity has declared no potentiel financier. */
  wealthQuartile: number | null;
}

export const groupKey = (g: PeerGroupKey): string => `${g.kind ?? "*"}|${g.populationStratum ?? "*"}|${g.wealthQuartile ?? "*"}`;

export function parseGroupKey(key: string): PeerGroupKey {
  const [kind, stratum, quartile] = key.split("|");
  return {
    kind: kind === "*" ? null : (kind as CollectivityKind),
    populationStratum: stratum === "*" ? null : stratum!,
    wealthQuartile: quartile === "*" ? null : Number(quartile),
  };
}

/** The release cell a collectivity sits in: its kind, stratum and quartile, '-' while it declared no potentiel financier. */
export const cellKey = (p: Placement): string => `${p.kind}|${p.populationStratum}|${p.wealthQuartile ?? "-"}`;

/** Every group a collectivity belongs to: each dimension either its own value or left open. */
export function groupsOf(p: Placement): PeerGroupKey[] {
  const groups: PeerGroupKey[] = [];
  for (const kind of [p.kind, null])
    for (const populationStratum of [p.populationStratum, null])
      for (const wealthQuartile of p.wealthQuartile === null ? [null] : [p.wealthQuartile, null]) groups.push({ kind, populationStratum, wealthQuartile });
  return groups;
}

/** The group a collectivity is compared within by default: its kind, stratum and quartile. */
export const ownGroup = (p: Placement): PeerGroupKey => ({ kind: p.kind, populationStratum: p.populationStratum, wealthQuartile: p.wealthQuartile });

/** Checks a group asked for by a user; the stratum must belong to the kind's family. */
export function validGroup(input: { kind?: CollectivityKind | null; populationStratum?: string | null; wealthQuartile?: number | null }): PeerGroupKey {
  const kind = input.kind ?? null;
  if (kind !== null && !COLLECTIVITY_KINDS.includes(kind)) throw badInput("kind", `unknown collectivity kind ${kind}`);
  const code = input.populationStratum?.trim() || null;
  if (code !== null) {
    const stratum = stratumByCode(code);
    if (!stratum) throw badInput("populationStratum", `unknown population stratum ${code}; peerGroups lists the codes`);
    if (kind !== null && stratum.family !== FAMILY[kind]) {
      throw badInput("populationStratum", `stratum ${code} is not one of the strata of ${kind}`);
    }
  }
  const quartile = input.wealthQuartile ?? null;
  if (quartile !== null && (!Number.isInteger(quartile) || quartile < 1 || quartile > 4)) {
    throw badInput("wealthQuartile", "wealthQuartile must be 1, 2, 3 or 4");
  }
  return { kind, populationStratum: code, wealthQuartile: quartile };
}

const KIND_LABELS: Record<CollectivityKind, string> = {
  COMMUNE: "Communes",
  COMMUNE_NOUVELLE: "Communes nouvelles",
  COMMUNAUTE_DE_COMMUNES: "Communautés de communes",
  COMMUNAUTE_D_AGGLOMERATION: "Communautés d'agglomération",
  COMMUNAUTE_URBAINE: "Communautés urbaines",
  METROPOLE: "Métropoles",
  ETABLISSEMENT_PUBLIC_TERRITORIAL: "Établissements publics territoriaux",
  DEPARTEMENT: "Départements",
  REGION: "Régions",
  COLLECTIVITE_A_STATUT_PARTICULIER: "Collectivités à statut particulier",
};

const number = (n: number) => n.toLocaleString("fr-FR").replace(/\u202f|\u00a0/g, " ");

export function stratumLabel(stratum: Stratum): string {
  if (stratum.max === null) return `${number(stratum.min)} habitants et plus`;
  if (stratum.min === 0) return `moins de ${number(stratum.max)} habitants`;
  return `de ${number(stratum.min)} à ${number(stratum.max - 1)} habitants`;
}

const ORDINAL = ["1er", "2e", "3e", "4e"];

/** A French label for the group, as users of the network would say it. */
export function groupLabel(g: PeerGroupKey): string {
  const parts: string[] = [g.kind ? KIND_LABELS[g.kind] : "Toutes collectivités"];
  if (g.populationStratum) parts.push(stratumLabel(stratumByCode(g.populationStratum)!));
  if (g.wealthQuartile) parts.push(`${ORDINAL[g.wealthQuartile - 1]} quartile de potentiel financier`);
  return parts.join(", ");
}
