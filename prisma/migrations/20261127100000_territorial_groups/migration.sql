-- Peer groups by place (README "Benchmarks": territorial groups).
--
-- The territory gains what labels and places need: each région's and
-- département's type de nom en clair (TNCC: "du Rhône", "de l'Ain"), each
-- EPCI's département and région (where most of its people live), and the
-- communes merged into a commune nouvelle, with their successor. A
-- `npm run territory:import` fills them.
ALTER TABLE "territory_regions" ADD COLUMN "tncc" SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE "territory_departements" ADD COLUMN "tncc" SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE "territory_epci" ADD COLUMN "departement_code" TEXT;
ALTER TABLE "territory_epci" ADD COLUMN "region_code" TEXT;

CREATE TABLE "territory_former_communes" (
    "insee_code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "successor_code" TEXT NOT NULL,
    CONSTRAINT "territory_former_communes_pkey" PRIMARY KEY ("insee_code")
);

-- A member's place; the benchmarks projection (version 5) rebuilds to fill it.
ALTER TABLE "benchmark_members" ADD COLUMN "region_code" TEXT;
ALTER TABLE "benchmark_members" ADD COLUMN "departement_code" TEXT;
ALTER TABLE "benchmark_members" ADD COLUMN "epci_code" TEXT;
CREATE INDEX "benchmark_members_region_idx" ON "benchmark_members" ("region_code");
CREATE INDEX "benchmark_members_departement_idx" ON "benchmark_members" ("departement_code");
CREATE INDEX "benchmark_members_epci_idx" ON "benchmark_members" ("epci_code");

-- Groups and release units of a place; territorial cells (kind × région ×
-- département) have no stratum.
ALTER TABLE "benchmark_groups" ADD COLUMN "territory" TEXT;
ALTER TABLE "benchmark_cells" ADD COLUMN "territory" TEXT;
ALTER TABLE "benchmark_cell_inputs" ALTER COLUMN "stratum" DROP NOT NULL;
ALTER TABLE "benchmark_cell_inputs" ADD COLUMN "region_code" TEXT;
ALTER TABLE "benchmark_cell_inputs" ADD COLUMN "departement_code" TEXT;

-- As benchmark_members_cell_idx, for the territorial cells (the expression
-- benchmark-releases.ts filters on, written the same way).
CREATE INDEX "benchmark_members_territorial_cell_idx" ON "benchmark_members"
    (('T|' || kind || '|' || region_code || '|' || coalesce(departement_code, '-')))
    WHERE matrix_id IS NOT NULL AND region_code IS NOT NULL;
