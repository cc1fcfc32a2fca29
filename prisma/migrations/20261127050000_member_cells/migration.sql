-- A release pass reads the contributors of its stale cells only: an index on
-- the cell key (the expression benchmark-releases.ts filters on, written the
-- same way) turns each batch's scan of the whole network into an index scan.
-- An expression index, which schema.prisma cannot describe.
CREATE INDEX "benchmark_members_cell_idx" ON "benchmark_members" ((kind || '|' || stratum || '|' || coalesce(wealth_quartile::text, '-')))
    WHERE matrix_id IS NOT NULL;
