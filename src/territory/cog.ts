// The Code officiel géographique as Etalab packages it
// (@etalab/decoupage-administratif, pinned in package.json: one major
// version per millésime), turned into the rows of the reference tables.
// Pure: the files are read by import.ts.

export const MILLESIME = "2026";
export const SOURCE = "Code officiel géographique 2026 (INSEE), paquet @etalab/decoupage-administratif 6.0.0";

/** The package's files, as far as they are read here. */
export interface CogFiles {
  communes: {
    code: string;
    nom: string;
    type: string;
    siren?: string;
    population?: number;
    codesPostaux?: string[];
    departement?: string;
    region?: string;
    /** A commune déléguée's or associée's commune nouvelle. */
    chefLieu?: string;
  }[];
  epci: { code: string; nom: string; type: string; populationMunicipale?: number; membres: { code: string }[] }[];
  departements: { code: string; nom: string; region: string; typeLiaison?: number }[];
  regions: { code: string; nom: string; typeLiaison?: number }[];
}

export interface CommuneRow {
  insee_code: string;
  name: string;
  siren: string | null;
  population: number | null;
  postal_codes: string[];
  departement_code: string | null;
  region_code: string | null;
  epci_siren: string | null;
}

export interface EpciRow {
  siren: string;
  name: string;
  /** CC, CA, CU, METRO or MET69 (the Métropole de Lyon). */
  type: string;
  population: number | null;
  /** Where most of its people live: an EPCI may straddle départements. */
  departement_code: string | null;
  region_code: string | null;
}

export interface TerritoryRows {
  communes: CommuneRow[];
  epci: EpciRow[];
  departements: { code: string; name: string; region_code: string; tncc: number }[];
  regions: { code: string; name: string; tncc: number }[];
  /** Communes merged into a commune nouvelle that took another code. */
  formerCommunes: { insee_code: string; name: string; successor_code: string }[];
}

/** The place of the members holding the most people (ties: the lowest code). */
function mainPlace(members: readonly { departement?: string; region?: string; population?: number }[]) {
  const people = new Map<string, number>();
  for (const m of members) if (m.departement) people.set(m.departement, (people.get(m.departement) ?? 0) + (m.population ?? 0));
  const [departement] = [...people].sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0] ?? [null];
  return { departement_code: departement, region_code: members.find((m) => m.departement === departement)?.region ?? null };
}

/** Current communes only (not the communes déléguées, associées or arrondissements), each with the EPCI it belongs to. */
export function territoryRows(files: CogFiles): TerritoryRows {
  const epciOf = new Map(files.epci.flatMap((e) => e.membres.map((m) => [m.code, e.code] as const)));
  const current = new Map(files.communes.filter((c) => c.type === "commune-actuelle").map((c) => [c.code, c]));
  return {
    communes: [...current.values()].map((c) => ({
      insee_code: c.code,
      name: c.nom,
      siren: c.siren ?? null,
      population: c.population ?? null,
      postal_codes: c.codesPostaux ?? [],
      departement_code: c.departement ?? null,
      region_code: c.region ?? null,
      epci_siren: epciOf.get(c.code) ?? null,
    })),
    epci: files.epci.map((e) => ({
      siren: e.code,
      name: e.nom,
      type: e.type,
      population: e.populationMunicipale ?? null,
      ...mainPlace(e.membres.flatMap((m) => current.get(m.code) ?? [])),
    })),
    departements: files.departements.map((d) => ({ code: d.code, name: d.nom, region_code: d.region, tncc: d.typeLiaison ?? 0 })),
    regions: files.regions.map((r) => ({ code: r.code, name: r.nom, tncc: r.typeLiaison ?? 0 })),
    // A commune déléguée keeping its code is the commune nouvelle itself: only the others vanished.
    formerCommunes: files.communes
      .filter((c) => (c.type === "commune-deleguee" || c.type === "commune-associee") && c.chefLieu && c.chefLieu !== c.code && current.has(c.chefLieu))
      .map((c) => ({ insee_code: c.code, name: c.nom, successor_code: c.chefLieu! })),
  };
}
