-- Event store. Written by hand: Prisma cannot express the xid8 column, the
-- append-only triggers or the partial index below.

CREATE TABLE "events" (
    "global_position" BIGSERIAL PRIMARY KEY,
    -- The writer's transaction id orders the global log: readers only pass
    -- events whose transaction is older than every transaction still running.
    "transaction_id"  XID8 NOT NULL DEFAULT pg_current_xact_id(),
    "stream_id"       TEXT NOT NULL,
    "stream_version"  INTEGER NOT NULL CHECK ("stream_version" > 0),
    "type"            TEXT NOT NULL,
    "payload"         JSONB NOT NULL,
    "actor"           TEXT NOT NULL,
    "reason"          TEXT,
    "command_id"      TEXT,
    "correlation_id"  TEXT,
    "causation_id"    TEXT,
    -- Milliseconds, as the API shows them, truncated so that an event is
    -- never later than the clock: matrix(asOf: <an event's occurredAt>)
    -- then includes that event.
    "occurred_at"     TIMESTAMPTZ(3) NOT NULL DEFAULT date_trunc('milliseconds', now())
);

CREATE UNIQUE INDEX "events_stream_id_stream_version_key" ON "events" ("stream_id", "stream_version");
CREATE INDEX "events_log_order_idx" ON "events" ("transaction_id", "global_position");
CREATE INDEX "events_command_id_idx" ON "events" ("command_id") WHERE "command_id" IS NOT NULL;

CREATE FUNCTION "events_are_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "events_no_update_or_delete"
    BEFORE UPDATE OR DELETE ON "events"
    FOR EACH ROW EXECUTE FUNCTION "events_are_immutable"();

CREATE TRIGGER "events_no_truncate"
    BEFORE TRUNCATE ON "events"
    FOR EACH STATEMENT EXECUTE FUNCTION "events_are_immutable"();

CREATE TABLE "streams" (
    "stream_id"        TEXT PRIMARY KEY,
    "stream_type"      TEXT NOT NULL,
    "owner_id"         TEXT,
    "snapshot"         JSONB,
    "snapshot_version" INTEGER NOT NULL DEFAULT 0,
    "created_at"       TIMESTAMPTZ(6) NOT NULL DEFAULT now()
);

CREATE INDEX "streams_stream_type_created_at_idx" ON "streams" ("stream_type", "created_at");
CREATE INDEX "streams_owner_id_idx" ON "streams" ("owner_id");

CREATE TABLE "commands" (
    "command_id"  TEXT PRIMARY KEY,
    "fingerprint" TEXT NOT NULL,
    "stream_id"   TEXT NOT NULL,
    "result"      JSONB NOT NULL,
    "created_at"  TIMESTAMPTZ(6) NOT NULL DEFAULT now()
);

CREATE TYPE "TokenRole" AS ENUM ('ADMIN', 'EDITOR', 'OBSERVER');

CREATE TABLE "api_tokens" (
    "id"              TEXT PRIMARY KEY,
    "token_hash"      TEXT NOT NULL,
    "role"            "TokenRole" NOT NULL,
    "collectivity_id" TEXT,
    "subject"         TEXT NOT NULL,
    "created_at"      TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    "revoked_at"      TIMESTAMPTZ(6)
);

CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens" ("token_hash");
