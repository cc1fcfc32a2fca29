-- Who may read a published matrix (AGGREGATES_ONLY, NETWORK, PUBLIC; null
-- while DRAFT). The column lets lists filter without opening each state;
-- the projections fill it when they rebuild for their new version.
ALTER TABLE "matrix_views" ADD COLUMN "visibility" TEXT;
CREATE INDEX "matrix_views_public_idx" ON "matrix_views" ("published_at" DESC, "matrix_id" DESC) WHERE "visibility" = 'PUBLIC';

-- The directory counts only matrices the network may read: an
-- AGGREGATES_ONLY matrix's counts would tell what it holds.
ALTER TABLE "directory_matrix_tallies" RENAME COLUMN "published" TO "shared";
