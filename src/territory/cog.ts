// The Code officiel géographique as Etalab packages it
// (@etalab/decoupage-administratif, pinned in package.json: one major
// version per millésime), turned into the rows of the reference tables.
// Pure: the files are read by import.ts.

export const MILLESIME = "2026";
export const SOURCE = "Code officiel géographique 2026 (INSEE), paquet @etalab/decoupage-administratif 6.0.0";

/** The package's files, as far as they are read here. */
export interface CogFiles {
  communes: { code: string; nom: string; type: string; siren?: string; population?: number; codesPostaux?: string[]; departement?: string; region?: string }[];
  epci: { code: string; nom: string; type: string; populationMunicipale?: number; membres: { code: string }[] }[];
  departements: { code: string; nom: string; region: string }[];
  regions: { code: string; nom: string }[];
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
}

export interface TerritoryRows {
  communes: CommuneRow[];
  epci: EpciRow[];
  departements: { code: string; name: string; region_code: string }[];
  regions: { code: string; name: string }[];
}

/** Current communes only (not the communes déléguées, associées or arrondissements), each with the EPCI it belongs to. */
export function territoryRows(files: CogFiles): TerritoryRows {
  const epciOf = new Map(files.epci.flatMap((e) => e.membres.map((m) => [m.code, e.code] as const)));
  return {
    communes: files.communes
      .filter((c) => c.type === "commune-actuelle")
      .map((c) => ({
        insee_code: c.code,
        name: c.nom,
        siren: c.siren ?? null,
        population: c.population ?? null,
        postal_codes: c.codesPostaux ?? [],
        departement_code: c.departement ?? null,
        region_code: c.region ?? null,
        epci_siren: epciOf.get(c.code) ?? null,
      })),
    epci: files.epci.map((e) => ({ siren: e.code, name: e.nom, type: e.type, population: e.populationMunicipale ?? null })),
    departements: files.departements.map((d) => ({ code: d.code, name: d.nom, region_code: d.region })),
    regions: files.regions.map((r) => ({ code: r.code, name: r.nom })),
  };
}
