import { describe, expect, it } from "vitest";
import { territoryRows } from "../../src/territory/cog.ts";

describe("the Code officiel géographique as rows", () => {
  it("keeps current communes only, each with its EPCI, its département and région; EPCI by SIREN with their type", () => {
    const rows = territoryRows({
      communes: [
        {
          code: "42218",
          nom: "Saint-Étienne",
          type: "commune-actuelle",
          siren: "214202186",
          population: 173136,
          codesPostaux: ["42000", "42100"],
          departement: "42",
          region: "84",
        },
        { code: "42190", nom: "Saint-Victor-sur-Loire", type: "commune-associee", chefLieu: "42218", departement: "42", region: "84" },
        // A commune déléguée under its own code is its commune nouvelle: nothing vanished.
        { code: "42218", nom: "Saint-Étienne", type: "commune-deleguee", chefLieu: "42218", departement: "42", region: "84" },
        { code: "97502", nom: "Saint-Pierre", type: "commune-actuelle", population: 5_500, departement: "975" },
        { code: "43001", nom: "Aiguilhe", type: "commune-actuelle", population: 1_500, departement: "43", region: "84" },
      ],
      epci: [
        {
          code: "244200770",
          nom: "Saint-Étienne Métropole",
          type: "METRO",
          populationMunicipale: 404_000,
          membres: [{ code: "43001" }, { code: "42218" }],
        },
      ],
      departements: [{ code: "42", nom: "Loire", region: "84", typeLiaison: 3 }],
      regions: [{ code: "84", nom: "Auvergne-Rhône-Alpes", typeLiaison: 1 }],
    });
    expect(rows.communes).toEqual([
      {
        insee_code: "42218",
        name: "Saint-Étienne",
        siren: "214202186",
        population: 173136,
        postal_codes: ["42000", "42100"],
        departement_code: "42",
        region_code: "84",
        epci_siren: "244200770",
      },
      // Without a SIREN or an EPCI, as in Saint-Pierre-et-Miquelon.
      {
        insee_code: "97502",
        name: "Saint-Pierre",
        siren: null,
        population: 5500,
        postal_codes: [],
        departement_code: "975",
        region_code: null,
        epci_siren: null,
      },
      {
        insee_code: "43001",
        name: "Aiguilhe",
        siren: null,
        population: 1500,
        postal_codes: [],
        departement_code: "43",
        region_code: "84",
        epci_siren: "244200770",
      },
    ]);
    // Placed where most of its people live, whatever the order of its members.
    expect(rows.epci).toEqual([
      { siren: "244200770", name: "Saint-Étienne Métropole", type: "METRO", population: 404_000, departement_code: "42", region_code: "84" },
    ]);
    expect(rows.departements).toEqual([{ code: "42", name: "Loire", region_code: "84", tncc: 3 }]);
    expect(rows.regions).toEqual([{ code: "84", name: "Auvergne-Rhône-Alpes", tncc: 1 }]);
    expect(rows.formerCommunes).toEqual([{ insee_code: "42190", name: "Saint-Victor-sur-Loire", successor_code: "42218" }]);
  });
});
