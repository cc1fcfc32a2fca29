-- A collectivity that merged into a commune nouvelle says into which; the
-- directory projection (version 4) rebuilds to fill it.
ALTER TABLE "collectivity_directory" ADD COLUMN "merged_into" JSONB;
