-- A collectivity registered from the official directory carries its INSEE
-- code, département and EPCI (SIREN); the directory projection (version 3)
-- rebuilds to fill them.
ALTER TABLE "collectivity_directory" ADD COLUMN "insee_code" TEXT;
ALTER TABLE "collectivity_directory" ADD COLUMN "departement_code" TEXT;
ALTER TABLE "collectivity_directory" ADD COLUMN "epci_code" TEXT;
CREATE INDEX "collectivity_directory_official_code_idx" ON "collectivity_directory" ("official_code");
