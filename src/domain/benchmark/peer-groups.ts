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

const STRATUM_FAMILY: Record<CollectivityKind, StratumFamily> = {
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

export const stratumFamily = (kind: CollectivityKind): StratumFamily => STRATUM_FAMILY[kind];

export function stratumOf(kind: CollectivityKind, population: number): Stratum {
  const family = STRATUM_FAMILY[kind];
  return STRATA.find((s) => s.family === family && population >= s.min && (s.max === null || population < s.max))!;
}

export const stratumByCode = (code: string): Stratum | undefined => STRATA.find((s) => s.code === code);

/**
 * Families of kinds compared together: the communes, new or not; the EPCI à
 * fiscalité propre (the établissements publics territoriaux of the Grand
 * Paris are not: they levy no tax of their own); the départements with the
 * collectivités à statut particulier they stand for. A family's kinds share
 * one family of strata.
 */
export const FAMILIES = {
  COMMUNES: ["COMMUNE", "COMMUNE_NOUVELLE"],
  EPCI_A_FISCALITE_PROPRE: ["COMMUNAUTE_DE_COMMUNES", "COMMUNAUTE_D_AGGLOMERATION", "COMMUNAUTE_URBAINE", "METROPOLE"],
  DEPARTEMENTS: ["DEPARTEMENT", "COLLECTIVITE_A_STATUT_PARTICULIER"],
} as const satisfies Record<string, readonly CollectivityKind[]>;
export type FamilyCode = keyof typeof FAMILIES;

const FAMILY_CODES = Object.keys(FAMILIES) as FamilyCode[];

export const familyOf = (kind: CollectivityKind): FamilyCode | null =>
  FAMILY_CODES.find((f) => (FAMILIES[f] as readonly CollectivityKind[]).includes(kind)) ?? null;

/** A place peers share: a région or a département (INSEE codes), or an EPCI (its SIREN) whose member communes they are. */
export type TerritoryLevel = "REGION" | "DEPARTEMENT" | "EPCI";
export interface Territory {
  level: TerritoryLevel;
  code: string;
}

const TERRITORY_PREFIX: Record<TerritoryLevel, string> = { REGION: "R", DEPARTEMENT: "D", EPCI: "E" };

/** Every dimension may be left open; the group with none is the whole network. */
export interface PeerGroupKey {
  /** One kind; or null, with a family or for every kind. */
  kind: CollectivityKind | null;
  family?: FamilyCode | null;
  populationStratum: string | null;
  wealthQuartile: number | null;
  territory?: Territory | null;
}

/** The kinds a group gathers; null for every kind. */
export const kindsOf = (g: PeerGroupKey): readonly CollectivityKind[] | null => (g.kind ? [g.kind] : g.family ? FAMILIES[g.family] : null);

/** What a collectivity brings to peer grouping. */
export interface Placement {
  kind: CollectivityKind;
  populationStratum: string;
  /** Null while the collectivity has declared no potentiel financier. */
  wealthQuartile: number | null;
  regionCode?: string | null;
  departementCode?: string | null;
}

/** 'KIND|STRATUM|QUARTILE', '*' for an open dimension, a family's code in place of a kind, and '|D69' (R, D, E) for a place. */
export function groupKey(g: PeerGroupKey): string {
  const key = `${g.kind ?? g.family ?? "*"}|${g.populationStratum ?? "*"}|${g.wealthQuartile ?? "*"}`;
  return g.territory ? `${key}|${TERRITORY_PREFIX[g.territory.level]}${g.territory.code}` : key;
}

const LEVEL_OF_PREFIX = new Map(Object.entries(TERRITORY_PREFIX).map(([level, prefix]) => [prefix, level as TerritoryLevel]));

export function parseGroupKey(key: string): PeerGroupKey {
  const [kinds, stratum, quartile, place] = key.split("|");
  const family = FAMILY_CODES.find((f) => f === kinds) ?? null;
  return {
    kind: kinds === "*" || family ? null : (kinds as CollectivityKind),
    family,
    populationStratum: stratum === "*" ? null : stratum!,
    wealthQuartile: quartile === "*" ? null : Number(quartile),
    territory: place ? { level: LEVEL_OF_PREFIX.get(place[0]!)!, code: place.slice(1) } : null,
  };
}

/** The release cell a collectivity sits in: its kind, stratum and quartile, '-' while it declared no potentiel financier. */
export const cellKey = (p: Placement): string => `${p.kind}|${p.populationStratum}|${p.wealthQuartile ?? "-"}`;

/** The territorial release cell a collectivity sits in: its kind, région and département ('-' for none); null without a région. */
export const territorialCellKey = (p: Placement): string | null => (p.regionCode ? `T|${p.kind}|${p.regionCode}|${p.departementCode ?? "-"}` : null);

const kindParts = (kind: CollectivityKind) => {
  const family = familyOf(kind);
  return [{ kind, family: null }, ...(family ? [{ kind: null, family }] : []), { kind: null, family: null }];
};

/** Every group without a place a collectivity belongs to: its kind, its family or any kind; its stratum or any; its quartile or any. */
export function groupsOf(p: Placement): PeerGroupKey[] {
  const groups: PeerGroupKey[] = [];
  for (const kinds of kindParts(p.kind))
    for (const populationStratum of [p.populationStratum, null])
      for (const wealthQuartile of p.wealthQuartile === null ? [null] : [p.wealthQuartile, null])
        groups.push({ ...kinds, populationStratum, wealthQuartile, territory: null });
  return groups;
}

/** The groups of its région and its département (its kind, its family or any kind) a collectivity belongs to: those with release units of their own. */
export function territorialGroupsOf(p: Placement): PeerGroupKey[] {
  const places: Territory[] = [];
  if (p.departementCode) places.push({ level: "DEPARTEMENT", code: p.departementCode });
  if (p.regionCode) places.push({ level: "REGION", code: p.regionCode });
  return places.flatMap((territory) => kindParts(p.kind).map((kinds) => ({ ...kinds, populationStratum: null, wealthQuartile: null, territory })));
}

/**
 * Whether a group's figures are released on the schedule: every group
 * without a place, and a région's or a département's kinds as a whole. The
 * others (a place with a stratum or a quartile, an EPCI's communes) are too
 * small for noise to leave anything readable: they show the shared
 * matrices' figures alone, computed when asked.
 */
export const isReleased = (g: PeerGroupKey): boolean =>
  !g.territory || (g.territory.level !== "EPCI" && g.populationStratum === null && g.wealthQuartile === null);

/** The group a collectivity is compared within by default: its kind, stratum and quartile. */
export const ownGroup = (p: Placement): PeerGroupKey => ({ kind: p.kind, populationStratum: p.populationStratum, wealthQuartile: p.wealthQuartile });

export interface PeerGroupRequest {
  kind?: CollectivityKind | null;
  kinds?: readonly CollectivityKind[] | null;
  populationStratum?: string | null;
  wealthQuartile?: number | null;
  regionCode?: string | null;
  departementCode?: string | null;
  epciCode?: string | null;
}

const sameKinds = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((k) => b.includes(k));

/** One kind, a whole family, or every kind: other sets would let groups be cut to single out a collectivity. */
function kindsPart(input: PeerGroupRequest): { kind: CollectivityKind | null; family: FamilyCode | null } {
  for (const kind of [input.kind, ...(input.kinds ?? [])]) {
    if (kind != null && !COLLECTIVITY_KINDS.includes(kind)) throw badInput(input.kind ? "kind" : "kinds", `unknown collectivity kind ${kind}`);
  }
  const kinds = [...new Set(input.kinds ?? [])];
  if (input.kind && kinds.length > 0 && !sameKinds(kinds, [input.kind])) throw badInput("kinds", "give kind or kinds, not both");
  if (input.kind || kinds.length === 1) return { kind: input.kind ?? kinds[0]!, family: null };
  if (kinds.length === 0) return { kind: null, family: null };
  const family = FAMILY_CODES.find((f) => sameKinds(FAMILIES[f], kinds));
  if (!family) {
    const families = FAMILY_CODES.map((f) => `[${FAMILIES[f].join(", ")}]`).join(", ");
    throw badInput("kinds", `kinds must be one kind or a whole family: ${families}`);
  }
  return { kind: null, family };
}

const TERRITORY_FORMAT: Record<TerritoryLevel, { field: string; pattern: RegExp; what: string }> = {
  REGION: { field: "regionCode", pattern: /^\d{2,3}$/, what: "an INSEE région code (2 digits; 3 for a collectivité d'outre-mer)" },
  DEPARTEMENT: { field: "departementCode", pattern: /^(\d{2}|2A|2B|97\d|98\d)$/, what: "an INSEE département code (01, 2A, 974, 987…)" },
  EPCI: { field: "epciCode", pattern: /^\d{9}$/, what: "an EPCI's SIREN (9 digits)" },
};

function territoryPart(input: PeerGroupRequest): Territory | null {
  const given = (
    [
      ["REGION", input.regionCode],
      ["DEPARTEMENT", input.departementCode],
      ["EPCI", input.epciCode],
    ] as const
  ).filter(([, code]) => code != null && code.trim() !== "");
  if (given.length > 1) throw badInput(TERRITORY_FORMAT[given[1]![0]].field, "give one of regionCode, departementCode and epciCode");
  if (given.length === 0) return null;
  const [level, raw] = given[0]!;
  const code = raw!.trim().toUpperCase();
  const format = TERRITORY_FORMAT[level];
  if (!format.pattern.test(code)) throw badInput(format.field, `${format.field} must be ${format.what}`);
  return { level, code };
}

/** Checks a group asked for by a user: the stratum must belong to the kinds' family, an EPCI gathers communes. */
export function validGroup(input: PeerGroupRequest): PeerGroupKey {
  const { kind, family } = kindsPart(input);
  const kinds = kind ? [kind] : family ? FAMILIES[family] : null;
  const code = input.populationStratum?.trim() || null;
  if (code !== null) {
    const stratum = stratumByCode(code);
    if (!stratum) throw badInput("populationStratum", `unknown population stratum ${code}; peerGroups lists the codes`);
    if (kinds && stratum.family !== STRATUM_FAMILY[kinds[0]!]) {
      throw badInput("populationStratum", `stratum ${code} is not one of the strata of ${kind ?? family}`);
    }
  }
  const quartile = input.wealthQuartile ?? null;
  if (quartile !== null && (!Number.isInteger(quartile) || quartile < 1 || quartile > 4)) {
    throw badInput("wealthQuartile", "wealthQuartile must be 1, 2, 3 or 4");
  }
  const territory = territoryPart(input);
  if (territory?.level === "EPCI" && kinds && !kinds.some((k) => STRATUM_FAMILY[k] === "COMMUNE")) {
    throw badInput("epciCode", "an EPCI's members are communes: leave kinds open or ask for communes");
  }
  return { kind, family, populationStratum: code, wealthQuartile: quartile, territory };
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

const FAMILY_LABELS: Record<FamilyCode, string> = {
  COMMUNES: "Communes et communes nouvelles",
  EPCI_A_FISCALITE_PROPRE: "Intercommunalités à fiscalité propre",
  DEPARTEMENTS: "Départements et collectivités à statut particulier",
};

// The COG's type de nom en clair (TNCC): which article and linking word a name takes.
const LINKS = ["de ", "d'", "du ", "de la ", "des ", "de l'", "des ", "de las ", "de los "];

/** "du Rhône", "de l'Ain", "de la Guadeloupe", from a name and its TNCC, as the COG gives them. */
export const placePhrase = (name: string, tncc: number): string => `${LINKS[tncc] ?? "de "}${name}`;

/** How a place reads in a label when its name is not known (the territory not loaded). */
export function unnamedPlace(territory: Territory): string {
  if (territory.level === "REGION") return `de la région ${territory.code}`;
  if (territory.level === "DEPARTEMENT") return `du département ${territory.code}`;
  return `de l'intercommunalité ${territory.code}`;
}

/** A French label for the group, as users of the network would say it: "Communes du Rhône, de 1 000 à 1 999 habitants". */
export function groupLabel(g: PeerGroupKey, place?: string): string {
  const kinds = g.kind ? KIND_LABELS[g.kind] : g.family ? FAMILY_LABELS[g.family] : "Toutes collectivités";
  const parts: string[] = [g.territory ? `${kinds} ${place ?? unnamedPlace(g.territory)}` : kinds];
  if (g.populationStratum) parts.push(stratumLabel(stratumByCode(g.populationStratum)!));
  if (g.wealthQuartile) parts.push(`${ORDINAL[g.wealthQuartile - 1]} quartile de potentiel financier`);
  return parts.join(", ");
}
