import type { Db } from "../db/client.ts";
import type { DirectoryEntry } from "../domain/collectivity.ts";
import { badInput, DomainError } from "../domain/errors.ts";
import type { CollectivityKind } from "../domain/types.ts";
import { NotReadyError } from "./errors.ts";

/** Below this trigram word similarity, a name is no match (pg_trgm's default for word_similarity is 0.6; 0.5 forgives a letter more). */
const MIN_SIMILARITY = 0.5;

/** How many more of the nearest names a search weighs than it answers. */
const NEAREST_MARGIN = 50;

/** An entry of the directory, a commune or an EPCI à fiscalité propre, as searches and lookups answer. */
export interface TerritoryEntry {
  kind: CollectivityKind;
  /** A commune's COG code; an EPCI's SIREN. */
  inseeCode: string;
  /** The SIREN, where the directory gives one. */
  officialCode: string | null;
  name: string;
  population: number | null;
  departement: { code: string; name: string } | null;
  region: { code: string; name: string } | null;
  epciSiren: string | null;
}

// The collectivity kinds of the EPCI types in the directory; the Métropole de Lyon counts among the métropoles.
const EPCI_KIND = `CASE e.type WHEN 'CC' THEN 'COMMUNAUTE_DE_COMMUNES' WHEN 'CA' THEN 'COMMUNAUTE_D_AGGLOMERATION'
  WHEN 'CU' THEN 'COMMUNAUTE_URBAINE' ELSE 'METROPOLE' END`;

const COMMUNES = `SELECT 'COMMUNE' AS kind, c.insee_code, c.siren AS official_code, c.name, c.population, c.epci_siren,
    c.departement_code, d.name AS departement_name, c.region_code, r.name AS region_name
  FROM territory_communes c
  LEFT JOIN territory_departements d ON d.code = c.departement_code
  LEFT JOIN territory_regions r ON r.code = c.region_code`;
const EPCIS = `SELECT ${EPCI_KIND} AS kind, e.siren AS insee_code, e.siren AS official_code, e.name, e.population, NULL AS epci_siren,
    e.departement_code, d.name AS departement_name, e.region_code, r.name AS region_name
  FROM territory_epci e
  LEFT JOIN territory_departements d ON d.code = e.departement_code
  LEFT JOIN territory_regions r ON r.code = e.region_code`;

interface Row {
  kind: CollectivityKind;
  insee_code: string;
  official_code: string | null;
  name: string;
  population: number | null;
  epci_siren: string | null;
  departement_code: string | null;
  departement_name: string | null;
  region_code: string | null;
  region_name: string | null;
}

const entryOf = (row: Row): TerritoryEntry => ({
  kind: row.kind,
  inseeCode: row.insee_code,
  officialCode: row.official_code,
  name: row.name,
  population: row.population,
  departement: row.departement_code ? { code: row.departement_code, name: row.departement_name ?? "" } : null,
  region: row.region_code ? { code: row.region_code, name: row.region_name ?? "" } : null,
  epciSiren: row.epci_siren,
});

/** A département or a région, by its INSEE code. */
export interface AreaKey {
  level: "departement" | "region";
  code: string;
}

/** The official territory as the reference tables hold it (src/territory loads them). */
export class TerritoryService {
  constructor(private readonly db: Db) {}

  /** Which millésime is loaded, from where, when, and how much of it; null before any import. */
  async info() {
    const info = await this.db.territoryInfo.findFirst();
    if (!info) return null;
    const [communes, epci, departements, regions] = await Promise.all([
      this.db.territoryCommune.count(),
      this.db.territoryEpci.count(),
      this.db.territoryDepartement.count(),
      this.db.territoryRegion.count(),
    ]);
    return { millesime: info.millesime, source: info.source, importedAt: info.importedAt, communes, epci, departements, regions };
  }

  /**
   * Communes and EPCI matching what a person types, best first: a code
   * (INSEE, SIREN, postal code) exactly; then names, as searches compare them
   * (search_name: no accents, case, hyphens or apostrophes, "st" as "saint"),
   * equal to the text, then beginning with it, then those holding the
   * nearest words (trigram word similarity: "lyon" finds the Métropole de
   * Lyon); ties go to the larger population. Each tier is a small indexed
   * query, so that a common word ("saint") never scores thousands of rows.
   */
  async search(text: string, kinds: readonly CollectivityKind[] | null, first: number): Promise<TerritoryEntry[]> {
    await this.requireLoaded();
    // The text's search form first, so that the tiers' queries hold it as a value their indexes can use.
    const [searched] = await this.db.$queryRawUnsafe<{ form: string }[]>("SELECT pilotis_search_form($1) AS form", text);
    const form = searched?.form ?? "";
    const raw = text.trim();
    const tiers = (table: string, key: string, codes: string) => `
      SELECT ${key} AS key, 3 AS tier, 1::real AS sim FROM ${table} WHERE ${codes}
      UNION ALL
      (SELECT ${key}, CASE WHEN search_name = $4 THEN 2 ELSE 1 END, similarity(search_name, $4) FROM ${table}
        WHERE $4 <> '' AND search_name LIKE $4 || '%' ORDER BY search_name = $4 DESC, population DESC NULLS LAST LIMIT $3)
      UNION ALL
      -- More candidates than asked for: names equally near are then ranked by population.
      (SELECT ${key}, 0, word_similarity($4, search_name) FROM ${table} WHERE $4 <> '' ORDER BY $4 <<-> search_name LIMIT $3 + ${NEAREST_MARGIN})`;
    const rows = await this.db.$queryRawUnsafe<Row[]>(
      `WITH communes AS (SELECT key, max(tier) AS tier, max(sim) AS sim FROM (${tiers("territory_communes", "insee_code", "insee_code = $1 OR siren = $1 OR postal_codes @> ARRAY[$1]")}) t GROUP BY key),
       epcis AS (SELECT key, max(tier) AS tier, max(sim) AS sim FROM (${tiers("territory_epci", "siren", "siren = $1")}) t GROUP BY key)
       SELECT * FROM (
         SELECT m.*, h.tier, h.sim FROM (${COMMUNES}) m JOIN communes h ON h.key = m.insee_code WHERE $2::text[] IS NULL OR 'COMMUNE' = ANY($2)
         UNION ALL
         SELECT m.*, h.tier, h.sim FROM (${EPCIS}) m JOIN epcis h ON h.key = m.insee_code WHERE $2::text[] IS NULL OR m.kind = ANY($2)
       ) found
       -- The nearest names only when they are near: a code typed finds its entry, not names that happen to share digits.
       WHERE tier > 0 OR sim >= ${MIN_SIMILARITY}
       ORDER BY tier DESC, sim DESC, population DESC NULLS LAST LIMIT $3`,
      raw,
      kinds && kinds.length > 0 ? [...kinds] : null,
      first,
      form,
    );
    return rows.map(entryOf);
  }

  /** A commune by INSEE code or SIREN, or an EPCI by SIREN. */
  async entry(code: string): Promise<TerritoryEntry | null> {
    return (await this.entries([code]))[0]!;
  }

  /** Entries by code, in the order asked, null where none; a commune before an EPCI of the same code. */
  async entries(codes: readonly string[]): Promise<(TerritoryEntry | null)[]> {
    const wanted = codes.map((code) => code.trim());
    const rows = await this.db.$queryRawUnsafe<Row[]>(
      `(${COMMUNES} WHERE c.insee_code = ANY($1) OR c.siren = ANY($1)) UNION ALL (${EPCIS} WHERE e.siren = ANY($1))`,
      wanted,
    );
    const found = rows.map(entryOf);
    return wanted.map((code) => {
      const matches = found.filter((entry) => entry.inseeCode === code || entry.officialCode === code);
      return matches.find((entry) => entry.kind === "COMMUNE") ?? matches[0] ?? null;
    });
  }

  /** Each EPCI's communes, largest first, in the order asked. */
  async members(epciSirens: readonly string[]): Promise<TerritoryEntry[][]> {
    const rows = await this.db.$queryRawUnsafe<Row[]>(`${COMMUNES} WHERE c.epci_siren = ANY($1) ORDER BY c.population DESC NULLS LAST, c.name`, epciSirens);
    const found = rows.map(entryOf);
    return epciSirens.map((siren) => found.filter((entry) => entry.epciSiren === siren));
  }

  /**
   * The directory's entry of the codes a registration gives (an INSEE code
   * must be in it; a SIREN may be outside it, a syndicat's say), refused as a
   * CONFLICT when a collectivity of that SIREN is already registered.
   */
  async directoryFor(input: { officialCode?: string | null; inseeCode?: string | null }): Promise<DirectoryEntry | null> {
    const siren = input.officialCode?.replace(/\s/g, "") || null;
    const insee = input.inseeCode?.trim() || null;
    let entry: TerritoryEntry | null = null;
    if (insee !== null) {
      await this.requireLoaded();
      entry = await this.entry(insee);
      if (!entry) throw badInput("inseeCode", `no commune or EPCI with code ${insee} in the official directory (millésime loaded: see territoryInfo)`);
      if (siren !== null && entry.officialCode !== siren) {
        throw badInput("officialCode", `officialCode contradicts the official directory, which gives ${insee} the SIREN ${entry.officialCode}`);
      }
    } else if (siren !== null && (await this.db.territoryInfo.findFirst())) {
      // Without the territory loaded, a SIREN registers as outside the directory did, every value given.
      entry = await this.entry(siren);
    }
    const [registered] = await this.registeredIds([entry?.officialCode ?? siren ?? ""]);
    if (registered) throw new DomainError("CONFLICT", `a collectivity with SIREN ${entry?.officialCode ?? siren} is already registered`, { id: registered });
    return (
      entry && {
        inseeCode: entry.inseeCode,
        officialCode: entry.officialCode,
        name: entry.name,
        kind: entry.kind,
        population: entry.population,
        departementCode: entry.departement?.code ?? null,
        regionCode: entry.region?.code ?? null,
        epciCode: entry.epciSiren,
      }
    );
  }

  /** Départements and régions of the loaded millésime, in the order asked, null where none. */
  async areas(keys: readonly AreaKey[]): Promise<({ code: string; name: string } | null)[]> {
    const codes = (level: AreaKey["level"]) => keys.filter((key) => key.level === level).map((key) => key.code);
    const [departementCodes, regionCodes] = [codes("departement"), codes("region")];
    // A list that asks for one level only costs one query.
    const [departements, regions] = await Promise.all([
      departementCodes.length === 0
        ? []
        : this.db.territoryDepartement.findMany({ where: { code: { in: departementCodes } }, select: { code: true, name: true } }),
      regionCodes.length === 0 ? [] : this.db.territoryRegion.findMany({ where: { code: { in: regionCodes } }, select: { code: true, name: true } }),
    ]);
    return keys.map((key) => (key.level === "departement" ? departements : regions).find((area) => area.code === key.code) ?? null);
  }

  /** The registered collectivity of each SIREN, null where none. */
  async registeredIds(officialCodes: readonly string[]): Promise<(string | null)[]> {
    const rows = await this.db.collectivityDirectory.findMany({
      where: { officialCode: { in: [...officialCodes] } },
      select: { collectivityId: true, officialCode: true },
    });
    return officialCodes.map((code) => rows.find((row) => row.officialCode === code)?.collectivityId ?? null);
  }

  private async requireLoaded(): Promise<void> {
    if (!(await this.db.territoryInfo.findFirst())) {
      throw new NotReadyError(
        "the official territory is not loaded yet (npm run territory:import; on a first embedded start it loads in the background): try again in a moment",
      );
    }
  }
}
