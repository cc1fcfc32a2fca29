-- The public position of an event: its place in the global log, which is
-- ordered by (writer transaction id, global_position). Fixed-width hex, so
-- positions compare as plain strings in that same order.
CREATE FUNCTION "event_position"(xid XID8, global_position BIGINT) RETURNS TEXT
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT lpad(to_hex(xid::text::bigint), 16, '0') || '-' || lpad(to_hex(global_position), 16, '0')
$$;
