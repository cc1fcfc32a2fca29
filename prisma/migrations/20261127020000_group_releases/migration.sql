-- Each group's release, summed from its units when they are released, so
-- that a read costs one row however many cells the group spans.
ALTER TABLE "benchmark_groups" ADD COLUMN "released" JSONB;
ALTER TABLE "benchmark_groups" ADD COLUMN "released_at" TIMESTAMPTZ(3);
