-- collectivities(search): names compared as the territory's search compares
-- them (pilotis_search_form), anywhere in the name, through a trigram index.
ALTER TABLE "collectivity_directory" ADD COLUMN "search_name" TEXT GENERATED ALWAYS AS ("pilotis_search_form"("name")) STORED;
CREATE INDEX "collectivity_directory_search_idx" ON "collectivity_directory" USING gin ("search_name" gin_trgm_ops);
