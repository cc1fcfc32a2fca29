-- What an operator needs to see a projection that fails: when it last ran
-- well, and the last error, until a batch succeeds again.
ALTER TABLE "projections" ADD COLUMN "last_run_at" TIMESTAMPTZ(3);
ALTER TABLE "projections" ADD COLUMN "last_error" TEXT;
