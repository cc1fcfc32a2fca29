-- Benchmarks are released, not read live. Each release unit holds its last
-- release (the exact figures of NETWORK and PUBLIC matrices, the noisy
-- figures of AGGREGATES_ONLY ones) and a hash of the inputs it came from, so
-- that a unit whose inputs did not change keeps its release and spends no
-- privacy. Level 0: cells (a kind, a stratum and a quartile, or none
-- declared); 1: a kind and a stratum; 2: a kind; 3: the whole network.
ALTER TABLE "benchmark_members" ADD COLUMN "shared" BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE "benchmark_cells" (
    "key" TEXT NOT NULL,
    "level" SMALLINT NOT NULL,
    "kind" TEXT,
    "stratum" TEXT,
    "wealth_quartile" SMALLINT,
    "inputs_hash" TEXT NOT NULL,
    "released" JSONB NOT NULL,
    "released_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "benchmark_cells_pkey" PRIMARY KEY ("key")
);
CREATE INDEX "benchmark_cells_group_idx" ON "benchmark_cells" ("level", "kind", "stratum", "wealth_quartile");

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
        benchmark_cells TO %I', runtime_role);
END;
$$;
