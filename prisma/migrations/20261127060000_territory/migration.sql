-- The official French territory (the Code officiel géographique, one
-- millésime at a time): reference data loaded by `npm run territory:import`,
-- not decisions, so outside the event log. Written by the tables' owner only;
-- the service's role reads them like every table.
CREATE TABLE "territory_regions" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    CONSTRAINT "territory_regions_pkey" PRIMARY KEY ("code")
);

CREATE TABLE "territory_departements" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "region_code" TEXT NOT NULL,
    CONSTRAINT "territory_departements_pkey" PRIMARY KEY ("code")
);

-- EPCI à fiscalité propre, by SIREN; type CC, CA, CU, METRO or MET69.
CREATE TABLE "territory_epci" (
    "siren" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "population" INTEGER,
    CONSTRAINT "territory_epci_pkey" PRIMARY KEY ("siren")
);

-- Current communes, by INSEE code; a few have no SIREN (Saint-Pierre-et-Miquelon).
CREATE TABLE "territory_communes" (
    "insee_code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "siren" TEXT,
    "population" INTEGER,
    "postal_codes" TEXT[] NOT NULL DEFAULT '{}',
    "departement_code" TEXT,
    "region_code" TEXT,
    "epci_siren" TEXT,
    CONSTRAINT "territory_communes_pkey" PRIMARY KEY ("insee_code")
);
CREATE INDEX "territory_communes_siren_idx" ON "territory_communes" ("siren");
CREATE INDEX "territory_communes_epci_idx" ON "territory_communes" ("epci_siren");

-- Which millésime is loaded, and when: one row, none before the first import.
CREATE TABLE "territory_info" (
    "one" BOOLEAN NOT NULL DEFAULT true,
    "millesime" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "imported_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "territory_info_pkey" PRIMARY KEY ("one"),
    CONSTRAINT "territory_info_one" CHECK ("one")
);
