-- The version of the code that wrote a projection's rows: a process whose
-- projector is newer rebuilds the projection from the first event before it
-- applies anything (rows written by older code may lack fields it reads).
ALTER TABLE "projections" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1;
