import type { Db } from "../db/client.ts";

/** The official territory as the reference tables hold it (src/territory loads them). */
export class TerritoryService {
  constructor(private readonly db: Db) {}

  /** Which millésime is loaded, from where, when, and how much of it; null before any import. */
  async info() {
    const info = await this.db.territoryInfo.findUnique({ where: { one: true } });
    if (!info) return null;
    const [communes, epci, departements, regions] = await Promise.all([
      this.db.territoryCommune.count(),
      this.db.territoryEpci.count(),
      this.db.territoryDepartement.count(),
      this.db.territoryRegion.count(),
    ]);
    return { millesime: info.millesime, source: info.source, importedAt: info.importedAt, communes, epci, departements, regions };
  }
}
