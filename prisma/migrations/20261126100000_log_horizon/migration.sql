-- The readable horizon of the global log, per database and per appender.
--
-- The log is ordered by (writer transaction id, global_position). A reader
-- may pass transaction id X only once no transaction below X can still add
-- events. pg_snapshot_xmin(pg_current_snapshot()) answers that for every
-- transaction of the whole server, so a write transaction in another
-- database, or a rebuild here, stalled every reader. Here only transactions
-- that append to THIS events table count:
--
-- 1. Every transaction that inserts events first takes a shared advisory
--    lock (the appenders' lock), before it has a transaction id, and keeps it
--    until it ends. The statement trigger below enforces both.
-- 2. A reader takes N = the next transaction id to be assigned, THEN reads
--    pg_locks: H = min(N, ids of the transactions holding the appenders'
--    lock), THEN, in a later statement (a new snapshot), reads events below H.
--
-- Why nothing is skipped: let an appender A have id X < H. X < N, so A had its
-- id, hence the lock, before N was read; had A still been running when
-- pg_locks was read, H <= X. So A had ended before the reading statement
-- took its snapshot: its events are visible there, or were rolled back.
-- Transactions of other databases and transactions here that append nothing
-- hold no appenders' lock and never hold readers back.

-- Advisory lock keys (two int4 form): 1885957231 is 'pilo' in ASCII; 1 names
-- the appenders.
CREATE FUNCTION "events_announce_appender"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('pilotis.appender', true) IS DISTINCT FROM 'on' THEN
        IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
            RAISE EXCEPTION 'events must be the first thing a transaction writes (the log horizon relies on it)'
                USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
        PERFORM pg_advisory_xact_lock_shared(1885957231, 1);
        PERFORM set_config('pilotis.appender', 'on', true);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER "events_announce_appender"
    BEFORE INSERT ON "events"
    FOR EACH STATEMENT EXECUTE FUNCTION "events_announce_appender"();

-- H as defined above. N is the snapshot's xmax: every id assigned later is at
-- least N. pg_locks shows 32-bit transaction ids: each is widened with N's
-- epoch (a running transaction is less than 2^31 ids away from N). An
-- appender caught between taking its id and locking it (a few instructions)
-- shows no id yet: it may be anything from the snapshot's xmin on, so the
-- horizon falls back to that xmin for that instant.
CREATE FUNCTION "events_log_horizon"() RETURNS XID8 LANGUAGE plpgsql VOLATILE AS $$
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
    RETURN least(next_id, coalesce(oldest, next_id))::text::xid8;
END;
$$;

-- The log after (after_transaction, after_position), below the horizon, in
-- log order. Read committed only: the SELECT must take its snapshot after the
-- horizon was computed, which a VOLATILE plpgsql function gives statement by
-- statement; a repeatable-read snapshot would be older and could skip.
CREATE FUNCTION "events_read_log"(after_transaction XID8, after_position BIGINT, only_stream TEXT, max_events INTEGER)
RETURNS SETOF "events" LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    horizon XID8;
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'the global log is read at read committed isolation only'
            USING ERRCODE = 'invalid_transaction_state';
    END IF;
    horizon := events_log_horizon();
    RETURN QUERY
        SELECT * FROM events
        WHERE (transaction_id, global_position) > (after_transaction, after_position)
          AND transaction_id < horizon
          AND (only_stream IS NULL OR stream_id = only_stream)
        ORDER BY transaction_id, global_position
        LIMIT max_events;
END;
$$;

-- The last readable event's position (null on an empty log), under the same rule.
CREATE FUNCTION "events_head_position"() RETURNS TEXT LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    horizon XID8 := events_log_horizon();
BEGIN
    RETURN (SELECT event_position(transaction_id, global_position) FROM events
            WHERE transaction_id < horizon
            ORDER BY transaction_id DESC, global_position DESC LIMIT 1);
END;
$$;

-- How many readable events lie after a position, and when the oldest of them
-- happened: how far a projection is behind, under the same rule.
CREATE FUNCTION "events_behind"(after_transaction XID8, after_position BIGINT)
RETURNS TABLE (behind BIGINT, oldest TIMESTAMPTZ) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    horizon XID8 := events_log_horizon();
BEGIN
    RETURN QUERY
        SELECT count(*), min(occurred_at) FROM events
        WHERE (transaction_id, global_position) > (after_transaction, after_position)
          AND transaction_id < horizon;
END;
$$;
