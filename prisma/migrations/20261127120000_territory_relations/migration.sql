-- The territory's tables refer to each other as the Code officiel
-- géographique does: a commune to its département, région and EPCI, an EPCI
-- to its département and région, a département to its région, a former
-- commune to the commune nouvelle it merged into. A millésime that breaks
-- one of these links is refused at import (its transaction rolls back and
-- the loaded one stays) instead of serving entries that name nothing.
-- A loaded millésime has none to delete: a new one truncates them all at once.
ALTER TABLE "territory_departements" ADD CONSTRAINT "territory_departements_region_code_fkey"
    FOREIGN KEY ("region_code") REFERENCES "territory_regions"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "territory_epci" ADD CONSTRAINT "territory_epci_departement_code_fkey"
    FOREIGN KEY ("departement_code") REFERENCES "territory_departements"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "territory_epci" ADD CONSTRAINT "territory_epci_region_code_fkey"
    FOREIGN KEY ("region_code") REFERENCES "territory_regions"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "territory_communes" ADD CONSTRAINT "territory_communes_departement_code_fkey"
    FOREIGN KEY ("departement_code") REFERENCES "territory_departements"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "territory_communes" ADD CONSTRAINT "territory_communes_region_code_fkey"
    FOREIGN KEY ("region_code") REFERENCES "territory_regions"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "territory_communes" ADD CONSTRAINT "territory_communes_epci_siren_fkey"
    FOREIGN KEY ("epci_siren") REFERENCES "territory_epci"("siren") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "territory_former_communes" ADD CONSTRAINT "territory_former_communes_successor_code_fkey"
    FOREIGN KEY ("successor_code") REFERENCES "territory_communes"("insee_code") ON DELETE RESTRICT ON UPDATE CASCADE;
