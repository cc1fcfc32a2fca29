import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sirenWithChecksum } from "../../src/domain/siren.ts";
import { importTerritory } from "../../src/territory/import.ts";
import { recordTerritoryChanges } from "../../src/territory/sync.ts";
import { startTestApp, type TestApp } from "../support/app.ts";

// The official territory over HTTP, without a token: search as a person
// types it, entries by code, an EPCI's members; STALE while not loaded.

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const SEARCH = `query($s: String!, $kinds: [CollectivityKind!], $first: Int) {
  territory(search: $s, kinds: $kinds, first: $first) { name kind inseeCode officialCode population departement { code name } region { code name } epci { name kind } }
}`;
const names = async (s: string, extra: Record<string, unknown> = {}) =>
  (await app.ok(SEARCH, { s, ...extra }, null)).territory.map((e: { name: string }) => e.name);

describe("the territory", () => {
  it("says it is not loaded yet (STALE) before the import, and territoryInfo is null", async () => {
    const result = await app.gql(SEARCH, { s: "lyon" }, null);
    expect(result.errors?.[0]?.extensions?.code).toBe("STALE");
    expect((await app.ok("{ territoryInfo { millesime } }", {}, null)).territoryInfo).toBeNull();
    await importTerritory(app.pool);
    expect((await app.ok("{ territoryInfo { millesime communes } }", {}, null)).territoryInfo).toEqual({ millesime: "2026", communes: 34_969 });
  });

  it("finds a commune whatever the case, accents, hyphens, apostrophes and « st » for « saint », best match first", { timeout: 60_000 }, async () => {
    for (const typed of ["st etienne", "SAINT-ETIENNE", "saint étienne", "St-Étienne", "  saint   etienne "]) {
      expect((await names(typed))[0], typed).toBe("Saint-Étienne");
    }
    expect((await names("isle d'abeau"))[0]).toBe("L'Isle-d'Abeau");
    expect((await names("lisle dabeau"))[0]).toBe("L'Isle-d'Abeau");
    expect((await names("ste foy les lyon"))[0]).toBe("Sainte-Foy-lès-Lyon");
    const [first] = (await app.ok(SEARCH, { s: "st etienne" }, null)).territory;
    expect(first).toEqual({
      name: "Saint-Étienne",
      kind: "COMMUNE",
      inseeCode: "42218",
      officialCode: "214202186",
      population: 173_136,
      departement: { code: "42", name: "Loire" },
      region: { code: "84", name: "Auvergne-Rhône-Alpes" },
      epci: { name: "Saint-Étienne Métropole", kind: "METROPOLE" },
    });
  });

  it("finds by INSEE code, SIREN and postal code, and filters by kind; a code typed finds no look-alike names", async () => {
    expect(await names("42218")).toEqual(["Saint-Étienne"]);
    expect(await names("214202186")).toEqual(["Saint-Étienne"]);
    expect((await names("42100"))[0]).toBe("Saint-Étienne");
    expect(await names("saint etienne", { kinds: ["METROPOLE"] })).toEqual(["Saint-Étienne Métropole"]);
    expect(await names("lyon", { kinds: ["COMMUNAUTE_DE_COMMUNES", "COMMUNAUTE_D_AGGLOMERATION", "COMMUNAUTE_URBAINE", "METROPOLE"], first: 1 })).toEqual([
      "Métropole de Lyon",
    ]);
    expect(await names("zzzzqqq")).toEqual([]);
  });

  it("reads an entry by code, an EPCI with its members", async () => {
    const sem = await app.ok(`{ territoryEntry(code: "244200770") { name kind members { name } } missing: territoryEntry(code: "00000") { name } }`, {}, null);
    expect(sem.territoryEntry.name).toBe("Saint-Étienne Métropole");
    expect(sem.territoryEntry.members[0]).toEqual({ name: "Saint-Étienne" });
    expect(sem.territoryEntry.members.length).toBeGreaterThan(50);
    expect(sem.missing).toBeNull();
  });

  it("registers a collectivity from its INSEE code or SIREN alone, refuses a contradiction, an unknown code and a second registration, and still takes one outside the directory", async () => {
    const REGISTER = `mutation($input: RegisterCollectivityInput!) { registerCollectivity(input: $input) {
      collectivity { id name kind population officialCode inseeCode departement { code name } region { code name } epci { name kind } } } }`;
    const refused = async (input: Record<string, unknown>, code: string, field?: string) => {
      const before = await app.eventCount();
      const result = await app.gql(REGISTER, { input });
      expect(result.errors?.[0]?.extensions, JSON.stringify(input)).toMatchObject({ code, ...(field ? { field } : {}) });
      expect(await app.eventCount()).toBe(before);
    };
    const commune = (await app.ok(REGISTER, { input: { inseeCode: "42218" } })).registerCollectivity.collectivity;
    expect(commune).toMatchObject({
      name: "Saint-Étienne",
      kind: "COMMUNE",
      population: 173_136,
      officialCode: "214202186",
      inseeCode: "42218",
      departement: { code: "42", name: "Loire" },
      region: { code: "84", name: "Auvergne-Rhône-Alpes" },
      epci: { name: "Saint-Étienne Métropole", kind: "METROPOLE" },
    });
    const epci = (await app.ok(REGISTER, { input: { officialCode: "244200770" } })).registerCollectivity.collectivity;
    expect(epci).toMatchObject({ name: "Saint-Étienne Métropole", kind: "METROPOLE", inseeCode: "244200770", officialCode: "244200770" });
    // Typed without its accent, a name says what the directory says.
    expect((await app.ok(REGISTER, { input: { inseeCode: "69202", name: "Sainte-Foy-les-Lyon" } })).registerCollectivity.collectivity.name).toBe(
      "Sainte-Foy-lès-Lyon",
    );

    await refused({ inseeCode: "42218" }, "CONFLICT");
    await refused({ officialCode: "214202186", name: "Saint-Étienne", kind: "COMMUNE", population: 173_136 }, "CONFLICT");
    await refused({ inseeCode: "38193", population: 1 }, "BAD_USER_INPUT", "population");
    await refused({ inseeCode: "38193", name: "Lyon" }, "BAD_USER_INPUT", "name");
    await refused({ inseeCode: "38193", kind: "METROPOLE" }, "BAD_USER_INPUT", "kind");
    await refused({ inseeCode: "38193", officialCode: "214202186" }, "BAD_USER_INPUT", "officialCode");
    await refused({ inseeCode: "99999" }, "BAD_USER_INPUT", "inseeCode");

    // A syndicat is in no directory of communes and EPCI: every value given.
    const syndicat = sirenWithChecksum("25420001");
    await refused({ officialCode: syndicat, kind: "ETABLISSEMENT_PUBLIC_TERRITORIAL", population: 40_000 }, "BAD_USER_INPUT", "name");
    const outside = (
      await app.ok(REGISTER, {
        input: { officialCode: syndicat, name: "Syndicat des eaux du Furan", kind: "ETABLISSEMENT_PUBLIC_TERRITORIAL", population: 40_000 },
      })
    ).registerCollectivity.collectivity;
    expect(outside).toMatchObject({ officialCode: syndicat, inseeCode: null, departement: null, epci: null });
    await refused({ officialCode: syndicat, name: "Encore", kind: "ETABLISSEMENT_PUBLIC_TERRITORIAL", population: 1 }, "CONFLICT");

    // The network's own list is searched the same way.
    const listed = async (search: string, kind?: string) =>
      (
        await app.ok(
          `query($search: String, $kind: CollectivityKind) { collectivities(search: $search, kind: $kind) { totalCount edges { node { name } } } }`,
          {
            search,
            kind,
          },
        )
      ).collectivities;
    expect(await listed("st etienne")).toEqual({ totalCount: 2, edges: [{ node: { name: "Saint-Étienne" } }, { node: { name: "Saint-Étienne Métropole" } }] });
    expect((await listed("st etienne", "METROPOLE")).edges).toEqual([{ node: { name: "Saint-Étienne Métropole" } }]);
    expect((await listed("FOY LES")).edges).toEqual([{ node: { name: "Sainte-Foy-lès-Lyon" } }]);
    expect((await listed("214202186")).edges).toEqual([{ node: { name: "Saint-Étienne" } }]);
    expect((await listed("42218")).edges).toEqual([{ node: { name: "Saint-Étienne" } }]);

    // The directory's entry names the registered collectivity, to a reader with a token.
    const entry = await app.ok(`{ territoryEntry(code: "42218") { collectivity { id } } }`);
    expect(entry.territoryEntry.collectivity).toEqual({ id: commune.id });
  });

  it("a page of collectivities with their places and EPCI, or a search with each entry's EPCI, members and collectivity, costs a handful of queries", async () => {
    const loire = (await app.ok(`{ territoryEntry(code: "244200770") { members { inseeCode } } }`)).territoryEntry.members.map((m: any) => m.inseeCode);
    // Saint-Étienne is registered already; Firminy is the next test's.
    for (const inseeCode of loire.filter((code: string) => code !== "42218" && code !== "42095").slice(0, 12)) {
      await app.ok(`mutation($c: String!) { registerCollectivity(input: { inseeCode: $c }) { collectivity { id } } }`, { c: inseeCode });
    }
    const page = await app.checkouts(`{ collectivities(first: 20, kind: COMMUNE) { edges { node { name
      departement { name } region { name } epci { name members { inseeCode } collectivity { id } } } } } }`);
    const nodes = page.data.collectivities.edges.map((e: any) => e.node).filter((n: any) => n.epci?.name === "Saint-Étienne Métropole");
    expect(nodes.length).toBeGreaterThanOrEqual(13);
    expect(nodes.every((n: any) => n.departement.name === "Loire" && n.region.name === "Auvergne-Rhône-Alpes" && n.epci.members.length > 50)).toBe(true);
    expect(nodes[0].epci.collectivity).not.toBeNull();
    // A query per item and field made 85. Eight: the page and its count, places and EPCI,
    // members and registrations, collectivities.
    expect(page.count).toBeLessThanOrEqual(8);
    // Régions alone: the page, its count and one query for the places.
    expect((await app.checkouts(`{ collectivities(first: 20, kind: COMMUNE) { edges { node { region { name } } } } }`)).count).toBeLessThanOrEqual(3);

    const search = await app.checkouts(`{ territory(search: "saint", first: 20) { name epci { name members { name } } collectivity { name } } }`);
    expect(search.data.territory).toHaveLength(20);
    expect(search.data.territory.filter((e: any) => e.epci?.members.length > 0).length).toBeGreaterThan(10);
    expect(search.count).toBeLessThanOrEqual(7);
  });

  it("a millésime's merger shows on the collectivity, which leaves its peer groups", async () => {
    const REGISTER = `mutation($input: RegisterCollectivityInput!) { registerCollectivity(input: $input) { collectivity { id } } }`;
    const { id } = (await app.ok(REGISTER, { input: { inseeCode: "42095" } })).registerCollectivity.collectivity;
    await app.caughtUp();
    const group = `query { benchmark(peerGroup: { kind: COMMUNE, departementCode: "42" }) { peerGroup { size } } }`;
    const before = (await app.ok(group)).benchmark.peerGroup.size;
    // As a new millésime would bring it: Firminy merged into Saint-Étienne.
    await app.pool.query("DELETE FROM territory_communes WHERE insee_code = '42095'");
    await app.pool.query("INSERT INTO territory_former_communes (insee_code, name, successor_code) VALUES ('42095', 'Firminy', '42218')");
    expect(await recordTerritoryChanges(app.pool, app.services.commands)).toBe(1);
    await app.caughtUp();
    const shown = await app.ok(`query($id: ID!) { collectivity(id: $id) { name mergedInto { inseeCode name officialCode } } }`, { id });
    expect(shown.collectivity).toEqual({ name: "Firminy", mergedInto: { inseeCode: "42218", name: "Saint-Étienne", officialCode: "214202186" } });
    await app.release();
    expect((await app.ok(group)).benchmark.peerGroup.size).toBe(before - 1);
  });
});
