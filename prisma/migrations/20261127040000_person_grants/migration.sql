-- Who may sign in as a person (OpenID Connect), and with which role: one
-- grant per e-mail address, given by an admin or by an editor for their own
-- collectivity. Access rules like tokens, not decisions on a matrix: kept
-- here, with who granted and when, rather than in the event log.
CREATE TABLE "person_grants" (
    "email" TEXT NOT NULL,
    "role" "TokenRole" NOT NULL,
    "collectivity_id" TEXT,
    "granted_by" TEXT NOT NULL,
    "granted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT date_trunc('milliseconds', now()),
    "reason" TEXT,
    "revoked_at" TIMESTAMPTZ(3),
    CONSTRAINT "person_grants_pkey" PRIMARY KEY ("email")
);
CREATE INDEX "person_grants_collectivity_idx" ON "person_grants" ("collectivity_id");

CREATE OR REPLACE FUNCTION "pilotis_grant_runtime"(runtime_role TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', runtime_role);
    -- Reads everything, tables added later included (this runs after every migration).
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA public TO %I', runtime_role);
    EXECUTE format('GRANT INSERT ON events, commands TO %I', runtime_role);
    EXECUTE format('GRANT USAGE ON SEQUENCE events_global_position_seq TO %I', runtime_role);
    EXECUTE format('GRANT INSERT, UPDATE ON streams, api_tokens, person_grants TO %I', runtime_role);
    EXECUTE format('GRANT INSERT, UPDATE, DELETE ON projections, matrix_views, decision_timeline, collectivity_directory,
        directory_matrix_tallies, benchmark_matrices, benchmark_members, benchmark_reference_weights, benchmark_groups,
        benchmark_cells, benchmark_cell_inputs TO %I', runtime_role);
END;
$$;
