-- Benchmark read models (src/projections/benchmarks.ts). Members and the
-- matrices behind them move with the projection's checkpoint; group
-- aggregates are recomputed after it, debounced, for the groups marked dirty.

-- Each matrix as its events left it, kept apart from matrix_views so that
-- either projection can be rebuilt alone.
CREATE TABLE "benchmark_matrices" (
    "matrix_id"       TEXT PRIMARY KEY,
    "collectivity_id" TEXT NOT NULL,
    "status"          TEXT NOT NULL,
    "published_at"    TIMESTAMPTZ(3),
    "version"         INTEGER NOT NULL,
    "state"           JSONB NOT NULL
);
CREATE INDEX "benchmark_matrices_published_idx" ON "benchmark_matrices" ("collectivity_id", "published_at" DESC) WHERE "status" = 'PUBLISHED';

-- One row per collectivity: where it sits among its peers and, when it has a
-- published matrix, what its latest one contributes.
CREATE TABLE "benchmark_members" (
    "collectivity_id"        TEXT PRIMARY KEY,
    "kind"                   TEXT NOT NULL,
    "population"             INTEGER NOT NULL,
    "stratum"                TEXT NOT NULL,
    "financial_potential"    DOUBLE PRECISION,
    "wealth_quartile"        SMALLINT,
    "matrix_id"              TEXT,
    "factor_keys"            TEXT[] NOT NULL DEFAULT '{}',
    "adopted_strategy_keys"  TEXT[] NOT NULL DEFAULT '{}',
    "strategy_statuses"      JSONB NOT NULL DEFAULT '{}',
    "tool_statuses"          JSONB NOT NULL DEFAULT '{}',
    "scoring"                JSONB NOT NULL DEFAULT '[]',
    "decision_dates"         TIMESTAMPTZ(3)[] NOT NULL DEFAULT '{}',
    "factor_count"           INTEGER,
    "strategy_count"         INTEGER,
    "adoption_rate"          DOUBLE PRECISION,
    "completion_rate"        DOUBLE PRECISION,
    "internal_score"         DOUBLE PRECISION,
    "external_score"         DOUBLE PRECISION
);
CREATE INDEX "benchmark_members_group_idx" ON "benchmark_members" ("kind", "stratum", "wealth_quartile");
CREATE INDEX "benchmark_members_stratum_idx" ON "benchmark_members" ("stratum", "wealth_quartile");
CREATE INDEX "benchmark_members_factor_keys_idx" ON "benchmark_members" USING GIN ("factor_keys");

-- The network's reference weight per catalogue factor and collectivity kind.
CREATE TABLE "benchmark_reference_weights" (
    "kind"          TEXT NOT NULL,
    "catalogue_key" TEXT NOT NULL,
    "weight"        DOUBLE PRECISION NOT NULL,
    PRIMARY KEY ("kind", "catalogue_key")
);

-- Aggregates per peer group, keyed 'KIND|STRATUM|QUARTILE' with '*' for an
-- open dimension. Suppression is decided on read, from "contributors".
CREATE TABLE "benchmark_groups" (
    "key"             TEXT PRIMARY KEY,
    "kind"            TEXT,
    "stratum"         TEXT,
    "wealth_quartile" SMALLINT,
    "size"            INTEGER NOT NULL DEFAULT 0,
    "contributors"    INTEGER NOT NULL DEFAULT 0,
    "aggregates"      JSONB,
    "dirty"           BOOLEAN NOT NULL DEFAULT true,
    -- bumped by every mark: a refresh that raced a mark leaves the group dirty
    "generation"      BIGINT NOT NULL DEFAULT 0,
    "computed_at"     TIMESTAMPTZ(3)
);
CREATE INDEX "benchmark_groups_dirty_idx" ON "benchmark_groups" ("key") WHERE "dirty";
CREATE INDEX "benchmark_groups_kind_idx" ON "benchmark_groups" ("kind");
