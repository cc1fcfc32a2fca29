-- Each cell's exact inputs (shared and private figures), kept between
-- release passes so that a pass computes again only the cells whose members
-- changed (stale) and sums the coarser units from the cells, instead of
-- reading every member of the network once per release window.
CREATE TABLE "benchmark_cell_inputs" (
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "stratum" TEXT NOT NULL,
    "wealth_quartile" SMALLINT,
    "shared" JSONB,
    "hidden" JSONB,
    "stale" BOOLEAN NOT NULL DEFAULT true,
    "generation" BIGINT NOT NULL DEFAULT 0,
    "computed_at" TIMESTAMPTZ(3),
    CONSTRAINT "benchmark_cell_inputs_pkey" PRIMARY KEY ("key")
);

-- Every cell that holds or held contributors starts stale: the first pass computes them all.
INSERT INTO "benchmark_cell_inputs" ("key", "kind", "stratum", "wealth_quartile")
SELECT DISTINCT kind || '|' || stratum || '|' || coalesce(wealth_quartile::text, '-'), kind, stratum, wealth_quartile
FROM "benchmark_members"
UNION
SELECT "key", "kind", "stratum", "wealth_quartile" FROM "benchmark_cells" WHERE "level" = 0;

CREATE OR REPLACE FUNCTION "pilotis_grant_runtime"(runtime_role TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', runtime_role);
    -- Reads everything, tables added later included (this runs after every migration).
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA public TO %I', runtime_role);
    EXECUTE format('GRANT INSERT ON events, commands TO %I', runtime_role);
    EXECUTE format('GRANT USAGE ON SEQUENCE events_global_position_seq TO %I', runtime_role);
    EXECUTE format('GRANT INSERT, UPDATE ON streams, api_tokens TO %I', runtime_role);
    EXECUTE format('GRANT INSERT, UPDATE, DELETE ON projections, matrix_views, decision_timeline, collectivity_directory,
        directory_matrix_tallies, benchmark_matrices, benchmark_members, benchmark_reference_weights, benchmark_groups,
        benchmark_cells, benchmark_cell_inputs TO %I', runtime_role);
END;
$$;
