-- The decision timeline gets a row for three events in five, so its two
-- indexes are much of what a catch-up writes. Their keys (event positions,
-- fixed-width hexadecimal that sorts alike under any locale, and collectivity
-- ids, only ever matched) are compared as bytes with the "C" collation
-- rather than through the locale's rules: 50,000 rows of the national network
-- inserted in 416-422 ms against 437-511 ms under C.UTF-8.
ALTER TABLE "decision_timeline"
    ALTER COLUMN "position" TYPE text COLLATE "C",
    ALTER COLUMN "collectivity_id" TYPE text COLLATE "C";
