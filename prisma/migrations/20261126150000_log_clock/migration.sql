-- The log's clock: events are ordered by the writer's transaction id, and a
-- log restored from an export (npm run events:import) into another server
-- keeps its positions, whose ids may be ahead of that server's. The clock's
-- offset, set by the import, is added to every id the log uses (the column's
-- default and the horizon), so that new events still come after the restored
-- ones. Zero everywhere else.
CREATE TABLE "events_clock" (
    "one"    BOOLEAN PRIMARY KEY DEFAULT true CHECK ("one"),
    "offset" BIGINT NOT NULL DEFAULT 0 CHECK ("offset" >= 0)
);
INSERT INTO "events_clock" DEFAULT VALUES;

CREATE FUNCTION "events_transaction_id"() RETURNS XID8 LANGUAGE sql VOLATILE AS $$
    SELECT (pg_current_xact_id()::text::bigint + (SELECT "offset" FROM "events_clock"))::text::xid8
$$;

ALTER TABLE "events" ALTER COLUMN "transaction_id" SET DEFAULT events_transaction_id();

CREATE OR REPLACE FUNCTION "events_log_horizon"() RETURNS XID8 LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    snapshot  pg_snapshot := pg_current_snapshot();
    next_id   BIGINT := pg_snapshot_xmax(snapshot)::text::bigint;
    epoch     BIGINT := next_id & ~x'FFFFFFFF'::bigint;
    half      CONSTANT BIGINT := x'80000000'::bigint;
    oldest    BIGINT;
    unknown   BOOLEAN;
BEGIN
    WITH locks AS MATERIALIZED (
        SELECT locktype, database, classid, objid, objsubid, transactionid, virtualtransaction, mode, granted
        FROM pg_locks
    ), appenders AS (
        SELECT virtualtransaction FROM locks
        WHERE locktype = 'advisory' AND classid = 1885957231 AND objid = 1 AND objsubid = 2 AND granted
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
    ), ids AS (
        SELECT appenders.virtualtransaction, epoch + locks.transactionid::text::bigint AS id
        FROM appenders LEFT JOIN locks
          ON locks.virtualtransaction = appenders.virtualtransaction
         AND locks.locktype = 'transactionid' AND locks.mode = 'ExclusiveLock' AND locks.granted
    )
    SELECT min(CASE WHEN id >= next_id + half THEN id - 2 * half
                    WHEN id < next_id - half THEN id + 2 * half
                    ELSE id END),
           bool_or(id IS NULL)
      INTO oldest, unknown
      FROM ids;
    IF unknown THEN
        oldest := least(oldest, pg_snapshot_xmin(snapshot)::text::bigint);
    END IF;
    RETURN (least(next_id, coalesce(oldest, next_id)) + (SELECT "offset" FROM "events_clock"))::text::xid8;
END;
$$;
