-- no-transaction
-- A plan is named within its municipality: two towns may both have a plan called
-- 「行政改革大綱」. The key of `plans` becomes (municipality_code, name) instead of the name
-- alone; '' is still "municipality not known" (see kaikaku_store::save::resolve_plan for how
-- an import finds its plan).
--
-- SQLite cannot drop a UNIQUE constraint, so the table is rebuilt the documented way (create,
-- copy, drop, rename) with foreign keys off: dropping `plans` with them on would cascade into
-- every report. The ids are copied as they are, so every reference stays whole. The rebuild is
-- one transaction of its own; foreign keys are switched back on after it.
PRAGMA foreign_keys = OFF;

BEGIN;

CREATE TABLE plans_keyed (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL,
    municipality_code TEXT NOT NULL DEFAULT '',
    municipality_name TEXT NOT NULL DEFAULT '',
    UNIQUE (municipality_code, name)
);

INSERT INTO plans_keyed (id, name, municipality_code, municipality_name)
    SELECT id, name, municipality_code, municipality_name FROM plans;

DROP TABLE plans;

ALTER TABLE plans_keyed RENAME TO plans;

CREATE INDEX plans_by_name ON plans (name);

COMMIT;

PRAGMA foreign_keys = ON;
