-- Read models, written only by projectors (src/projections). Each projection
-- commits its rows and its checkpoint in one transaction.

CREATE TABLE "projections" (
    "name"       TEXT PRIMARY KEY,
    -- position of the last event applied; '' before the first
    "checkpoint" TEXT NOT NULL DEFAULT '',
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);

-- The matrix as its events left it (src/domain/matrix.ts state); grids and
-- scores are computed from it on read.
CREATE TABLE "matrix_views" (
    "matrix_id"       TEXT PRIMARY KEY,
    "collectivity_id" TEXT NOT NULL,
    "status"          TEXT NOT NULL,
    "published_at"    TIMESTAMPTZ(3),
    "version"         INTEGER NOT NULL,
    "position"        TEXT NOT NULL,
    "state"           JSONB NOT NULL,
    "updated_at"      TIMESTAMPTZ(3) NOT NULL
);
CREATE INDEX "matrix_views_collectivity_id_idx" ON "matrix_views" ("collectivity_id");

-- The collectivities, with what their published matrices hold.
CREATE TABLE "collectivity_directory" (
    "collectivity_id"                TEXT PRIMARY KEY,
    "name"                           TEXT NOT NULL,
    "kind"                           TEXT NOT NULL,
    "population"                     INTEGER NOT NULL,
    "official_code"                  TEXT,
    "financial_potential_per_capita" DOUBLE PRECISION,
    "region_code"                    TEXT,
    "version"                        INTEGER NOT NULL,
    "registered_at"                  TIMESTAMPTZ(3) NOT NULL,
    "updated_at"                     TIMESTAMPTZ(3) NOT NULL,
    "matrix_count"                   INTEGER NOT NULL DEFAULT 0,
    "factor_count"                   INTEGER NOT NULL DEFAULT 0,
    "strategies_by_status"           JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX "collectivity_directory_kind_name_idx" ON "collectivity_directory" ("kind", "name", "collectivity_id");
CREATE INDEX "collectivity_directory_name_idx" ON "collectivity_directory" ("name", "collectivity_id");

-- What each matrix adds to its collectivity's counts, so that one event
-- updates the directory without reading the matrix.
CREATE TABLE "directory_matrix_tallies" (
    "matrix_id"            TEXT PRIMARY KEY,
    "collectivity_id"      TEXT NOT NULL,
    "published"            BOOLEAN NOT NULL DEFAULT false,
    "factor_count"         INTEGER NOT NULL DEFAULT 0,
    "strategies_by_status" JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX "directory_matrix_tallies_collectivity_id_idx" ON "directory_matrix_tallies" ("collectivity_id");

-- Every decision on a strategy or an initiative, per collectivity.
CREATE TABLE "decision_timeline" (
    "position"        TEXT PRIMARY KEY,
    "collectivity_id" TEXT NOT NULL,
    "matrix_id"       TEXT NOT NULL,
    "subject_type"    TEXT NOT NULL,
    "subject_id"      TEXT NOT NULL,
    "title"           TEXT NOT NULL,
    "from_status"     TEXT,
    "to_status"       TEXT NOT NULL,
    "actor"           TEXT NOT NULL,
    "reason"          TEXT,
    "at"              TIMESTAMPTZ(3) NOT NULL
);
CREATE INDEX "decision_timeline_collectivity_idx" ON "decision_timeline" ("collectivity_id", "position");
