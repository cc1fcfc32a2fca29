-- Searching the territory as a person types: accents, case, hyphens and
-- apostrophes aside, "st"/"ste" read as "saint"/"sainte", misspellings
-- forgiven by trigram similarity. unaccent and pg_trgm are trusted
-- extensions (any owner of the database may create them); embedded PGlite
-- ships both.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- A name in the form searches compare. Immutable (the dictionary named, not
-- looked up), so that a stored column can be generated from it.
CREATE FUNCTION "pilotis_search_form"(name TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT btrim(regexp_replace(regexp_replace(regexp_replace(
        lower(public.unaccent('public.unaccent'::regdictionary, name)),
        '[^a-z0-9]+', ' ', 'g'),
        '\mst\M', 'saint', 'g'),
        '\mste\M', 'sainte', 'g'))
$$;

-- Stored, so that a search computes nothing per row; a GiST trigram index
-- serves both the prefix match (LIKE) and the nearest names (<->).
ALTER TABLE "territory_communes" ADD COLUMN "search_name" TEXT GENERATED ALWAYS AS ("pilotis_search_form"("name")) STORED;
ALTER TABLE "territory_epci" ADD COLUMN "search_name" TEXT GENERATED ALWAYS AS ("pilotis_search_form"("name")) STORED;
CREATE INDEX "territory_communes_search_idx" ON "territory_communes" USING gist ("search_name" gist_trgm_ops);
CREATE INDEX "territory_communes_postal_idx" ON "territory_communes" USING gin ("postal_codes");
CREATE INDEX "territory_epci_search_idx" ON "territory_epci" USING gist ("search_name" gist_trgm_ops);
