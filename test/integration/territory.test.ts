import { describe, expect, it } from "vitest";
import { CollectivityAggregate, MatrixAggregate } from "../../src/app/aggregates.ts";
import { CommandHandler } from "../../src/app/commands.ts";
import { Repository } from "../../src/app/repository.ts";
import { TerritoryService } from "../../src/app/territory.ts";
import { collectivityStream } from "../../src/domain/streams.ts";
import { PROJECTORS } from "../../src/projections/index.ts";
import { ProjectionRunner } from "../../src/projections/runner.ts";
import { importTerritory, loadedMillesime } from "../../src/territory/import.ts";
import { recordTerritoryChanges, TERRITORY_ACTOR } from "../../src/territory/sync.ts";
import { useEventStore } from "../support/store.ts";

// The pinned millésime of the Code officiel géographique into the reference
// tables: the figures ENVIRONMENT.md verified on the package, twice over.
const fx = useEventStore();

const q = async (sql: string, values: unknown[] = []) => (await fx.connection.pool.query(sql, values)).rows;

describe("territory import", () => {
  it("loads the 2026 millésime, communes with their EPCI, and a second run changes nothing", { timeout: 180_000 }, async () => {
    expect(await loadedMillesime(fx.connection.pool)).toBeNull();
    const counts = await importTerritory(fx.connection.pool);
    expect(counts).toEqual({ communes: 34_969, epci: 1255, departements: 109, regions: 26 });
    expect(await loadedMillesime(fx.connection.pool)).toBe("2026");
    const [stEtienne] = await q(
      `SELECT c.name, c.siren, c.departement_code, c.region_code, c.postal_codes, e.name AS epci, e.type
       FROM territory_communes c JOIN territory_epci e ON e.siren = c.epci_siren WHERE c.insee_code = '42218'`,
    );
    expect(stEtienne).toEqual({
      name: "Saint-Étienne",
      siren: "214202186",
      departement_code: "42",
      region_code: "84",
      postal_codes: ["42000", "42100", "42230"],
      epci: "Saint-Étienne Métropole",
      type: "METRO",
    });
    const before = await q("SELECT count(*)::int AS n, count(epci_siren)::int AS in_epci, count(siren)::int AS with_siren FROM territory_communes");
    await importTerritory(fx.connection.pool);
    expect(await q("SELECT count(*)::int AS n, count(epci_siren)::int AS in_epci, count(siren)::int AS with_siren FROM territory_communes")).toEqual(before);
    expect((await q("SELECT count(*)::int AS n FROM territory_info"))[0]).toEqual({ n: 1 });
    // Reference data is no decision: nothing in the log.
    expect((await q("SELECT count(*)::int AS n FROM events"))[0]).toEqual({ n: 0 });
  });

  it("refuses a row that names a place, an EPCI or a successor the millésime lacks, and the removal of one still named", async () => {
    const refused = async (sql: string) => expect(fx.connection.pool.query(sql)).rejects.toMatchObject({ code: "23503" });
    await refused("INSERT INTO territory_communes (insee_code, name, epci_siren) VALUES ('00001', 'Nulle-part', '000000000')");
    await refused("INSERT INTO territory_communes (insee_code, name, departement_code) VALUES ('00001', 'Nulle-part', '00')");
    await refused("INSERT INTO territory_former_communes (insee_code, name, successor_code) VALUES ('00001', 'Nulle-part', '00002')");
    await refused("DELETE FROM territory_epci WHERE siren = '244200770'");
    await refused("DELETE FROM territory_regions WHERE code = '84'");
    expect((await q("SELECT count(*)::int AS n FROM territory_communes WHERE epci_siren = '244200770'"))[0]!.n).toBeGreaterThan(50);
  });

  /** A commune registered from the loaded directory, as the territory's actor would, with a runner for the projections. */
  async function registeredFromDirectory(inseeCode: string) {
    const commands = new CommandHandler(fx.store, new Repository(fx.store, CollectivityAggregate), new Repository(fx.store, MatrixAggregate));
    const runner = new ProjectionRunner(fx.connection.pool, PROJECTORS);
    const directory = await new TerritoryService(fx.db).directoryFor({ inseeCode });
    const { collectivityId } = (await commands.registerCollectivity({ directory }, {}, TERRITORY_ACTOR)).ids;
    return { commands, runner, directory: directory!, collectivityId: collectivityId! };
  }

  it("records on a registered collectivity what a new millésime changes for it, once, as an event with the millésime as reason", async () => {
    const { commands, runner, directory, collectivityId } = await registeredFromDirectory("07019");
    await runner.catchUp();
    expect(await recordTerritoryChanges(fx.connection.pool, commands)).toBe(0);
    // The next millésime, as a new import would bring it: Aubenas grows and is renamed.
    await fx.connection.pool.query("UPDATE territory_communes SET population = population + 250, name = 'Aubenas-en-Ardèche' WHERE insee_code = '07019'");
    expect(await recordTerritoryChanges(fx.connection.pool, commands)).toBe(1);
    const events = await fx.store.readStream(collectivityStream(collectivityId!), {});
    expect(events.at(-1)).toMatchObject({
      type: "CollectivityProfileUpdated",
      data: { name: "Aubenas-en-Ardèche", population: directory.population! + 250 },
      actor: "territoire-2026",
      reason: "Millésime 2026 du Code officiel géographique",
    });
    await runner.catchUp();
    expect(await recordTerritoryChanges(fx.connection.pool, commands)).toBe(0);
    // A commune moving to another EPCI: recorded, and its benchmark groups follow.
    const other = (
      await q("SELECT siren FROM territory_epci WHERE siren <> (SELECT epci_siren FROM territory_communes WHERE insee_code = '07019') LIMIT 1")
    )[0]!.siren as string;
    await fx.connection.pool.query("UPDATE territory_communes SET epci_siren = $1 WHERE insee_code = '07019'", [other]);
    expect(await recordTerritoryChanges(fx.connection.pool, commands)).toBe(1);
    expect((await fx.store.readStream(collectivityStream(collectivityId!), {})).at(-1)!.data).toEqual({ epciCode: other });
    await runner.catchUp();
    expect(await q("SELECT epci_code, departement_code, region_code FROM benchmark_members WHERE collectivity_id = $1", [collectivityId])).toEqual([
      { epci_code: other, departement_code: "07", region_code: "84" },
    ]);
    expect(await q("SELECT epci_code FROM collectivity_directory WHERE collectivity_id = $1", [collectivityId])).toEqual([{ epci_code: other }]);
  });

  it("records a commune's merger into a commune nouvelle once; it leaves its peer groups, its history stays", async () => {
    const { commands, runner, collectivityId } = await registeredFromDirectory("42207");
    await runner.catchUp();
    expect(await q("SELECT count(*)::int AS n FROM benchmark_members WHERE collectivity_id = $1", [collectivityId])).toEqual([{ n: 1 }]);
    // The next millésime, as a new import would bring it: Saint-Chamond merged into Saint-Étienne.
    await fx.connection.pool.query("DELETE FROM territory_communes WHERE insee_code = '42207'");
    await fx.connection.pool.query("INSERT INTO territory_former_communes (insee_code, name, successor_code) VALUES ('42207', 'Saint-Chamond', '42218')");
    expect(await recordTerritoryChanges(fx.connection.pool, commands)).toBe(1);
    const events = await fx.store.readStream(collectivityStream(collectivityId!), {});
    expect(events.at(-1)).toMatchObject({
      type: "CollectivityMerged",
      data: { inseeCode: "42218", name: "Saint-Étienne", officialCode: "214202186" },
      actor: "territoire-2026",
      reason: "Millésime 2026 du Code officiel géographique : fusion dans la commune nouvelle Saint-Étienne",
    });
    await runner.catchUp();
    expect(await q("SELECT count(*)::int AS n FROM benchmark_members WHERE collectivity_id = $1", [collectivityId])).toEqual([{ n: 0 }]);
    expect(await q("SELECT name, merged_into FROM collectivity_directory WHERE collectivity_id = $1", [collectivityId])).toEqual([
      { name: "Saint-Chamond", merged_into: { inseeCode: "42218", name: "Saint-Étienne", officialCode: "214202186" } },
    ]);
    expect(await recordTerritoryChanges(fx.connection.pool, commands)).toBe(0);
  });
});
