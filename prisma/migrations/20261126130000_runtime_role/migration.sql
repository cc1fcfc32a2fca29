-- What the role the API and workers run as may do: read and append the
-- record, never change it; keep streams' snapshots, tokens and read models.
-- It owns nothing, so it can neither alter the events table nor switch its
-- append-only trigger off. The migrator calls this after migrating when
-- PILOTIS_DB_RUNTIME_ROLE names that role; a migration adding a table the
-- service writes adds it here too (reading comes with every table).
CREATE FUNCTION "pilotis_grant_runtime"(runtime_role TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', runtime_role);
    -- Reads everything, tables added later included (this runs after every migration).
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA public TO %I', runtime_role);
    EXECUTE format('GRANT INSERT ON events, commands TO %I', runtime_role);
    EXECUTE format('GRANT USAGE ON SEQUENCE events_global_position_seq TO %I', runtime_role);
    EXECUTE format('GRANT INSERT, UPDATE ON streams, api_tokens TO %I', runtime_role);
    EXECUTE format('GRANT INSERT, UPDATE, DELETE ON projections, matrix_views, decision_timeline, collectivity_directory,
        directory_matrix_tallies, benchmark_matrices, benchmark_members, benchmark_reference_weights, benchmark_groups TO %I', runtime_role);
END;
$$;
