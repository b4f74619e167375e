-- kaikaku: one yearly progress report per plan and report fiscal year, fully normalised.
--
-- Portable on purpose: the PostgreSQL migration (migrations/postgres) differs only in the
-- primary keys (`BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY` instead of SQLite's rowid
-- alias `INTEGER PRIMARY KEY`). Integer widths are declared as PostgreSQL needs them
-- (INTEGER = i32, BIGINT = i64); decimals are TEXT so that no value is ever rounded.
-- Every child table cascades from its parent and keeps document order in `position`
-- (0-based); UNIQUE (parent, position) doubles as the index used to load children in order.
-- `line` columns are 1-based line numbers in the source document.
-- Codes (kind, status, phase_code) are validated when read back, not by CHECK lists, so that a
-- new code in the model needs no table rebuild.

CREATE TABLE plans (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE reports (
    id                 INTEGER PRIMARY KEY,
    plan_id            BIGINT  NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    -- Gregorian year in which the fiscal year starts (令和3年度 = 2021).
    report_fiscal_year INTEGER NOT NULL,
    title              TEXT    NOT NULL,
    source_name        TEXT    NOT NULL,
    source_encoding    TEXT    NOT NULL,
    -- RFC 3339, UTC.
    imported_at        TEXT    NOT NULL,
    UNIQUE (plan_id, report_fiscal_year)
);

-- The plan period, one row per fiscal year.
CREATE TABLE report_fiscal_years (
    id          INTEGER PRIMARY KEY,
    report_id   BIGINT  NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    fiscal_year INTEGER NOT NULL,
    UNIQUE (report_id, position)
);

CREATE TABLE summary_rows (
    id                   INTEGER PRIMARY KEY,
    report_id            BIGINT  NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    position             INTEGER NOT NULL,
    item_no              BIGINT  NOT NULL,
    title                TEXT    NOT NULL,
    reporting_department TEXT    NOT NULL,
    line                 BIGINT  NOT NULL,
    UNIQUE (report_id, position)
);

CREATE TABLE warnings (
    id        INTEGER PRIMARY KEY,
    report_id BIGINT  NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    line      BIGINT  NOT NULL,
    message   TEXT    NOT NULL,
    UNIQUE (report_id, position)
);

CREATE TABLE items (
    id                   INTEGER PRIMARY KEY,
    report_id            BIGINT  NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    position             INTEGER NOT NULL,
    item_no              BIGINT  NOT NULL,
    title                TEXT    NOT NULL,
    reporting_department TEXT,
    goal                 TEXT,
    line                 BIGINT  NOT NULL,
    UNIQUE (report_id, position),
    UNIQUE (report_id, item_no)
);

CREATE TABLE item_departments (
    id       INTEGER PRIMARY KEY,
    item_id  BIGINT  NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name     TEXT    NOT NULL,
    UNIQUE (item_id, position)
);

CREATE TABLE content_rows (
    id       INTEGER PRIMARY KEY,
    item_id  BIGINT  NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text     TEXT    NOT NULL,
    line     BIGINT  NOT NULL,
    UNIQUE (item_id, position)
);

CREATE TABLE schedule_cells (
    id             INTEGER PRIMARY KEY,
    content_row_id BIGINT  NOT NULL REFERENCES content_rows (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    fiscal_year    INTEGER NOT NULL,
    -- The cell as written; empty for an empty cell.
    text           TEXT    NOT NULL,
    -- The action numbers cited, ranges expanded: '1,2,3'; '' when none.
    actions        TEXT    NOT NULL,
    -- The phase: a stable code (study, trial, implementation, other) and the word as shown.
    phase_code     TEXT,
    phase          TEXT,
    UNIQUE (content_row_id, position),
    CHECK ((phase_code IS NULL) = (phase IS NULL))
);

CREATE TABLE actions (
    id        INTEGER PRIMARY KEY,
    item_id   BIGINT  NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    -- ① = 1.
    action_no INTEGER NOT NULL,
    text      TEXT    NOT NULL,
    UNIQUE (item_id, position)
);

CREATE TABLE narratives (
    id          INTEGER PRIMARY KEY,
    item_id     BIGINT  NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    fiscal_year INTEGER NOT NULL,
    -- actual, forecast or plan (NarrativeKind::code).
    kind        TEXT    NOT NULL,
    text        TEXT    NOT NULL,
    line        BIGINT  NOT NULL,
    UNIQUE (item_id, position)
);

CREATE TABLE effect_rows (
    id          INTEGER PRIMARY KEY,
    item_id     BIGINT  NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    -- NULL on the 総計 row.
    fiscal_year INTEGER,
    is_total    BOOLEAN NOT NULL,
    text        TEXT    NOT NULL,
    line        BIGINT  NOT NULL,
    UNIQUE (item_id, position)
);

CREATE TABLE quantities (
    id            INTEGER PRIMARY KEY,
    effect_row_id BIGINT  NOT NULL REFERENCES effect_rows (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    label         TEXT    NOT NULL,
    -- The exact decimal as text, scale kept ('1205.56', '32.3', '-1200').
    value         TEXT    NOT NULL,
    -- The canonical unit symbol (円, 千円, %, ㎡, 件, 施設 …).
    unit          TEXT    NOT NULL,
    -- actual, plan, target, forecast (Status::code) or NULL.
    status        TEXT,
    UNIQUE (effect_row_id, position)
);

-- At most one per item, so there is no order to keep.
CREATE TABLE evaluations (
    id          INTEGER PRIMARY KEY,
    item_id     BIGINT  NOT NULL UNIQUE REFERENCES items (id) ON DELETE CASCADE,
    fiscal_year INTEGER NOT NULL,
    text        TEXT    NOT NULL,
    line        BIGINT  NOT NULL
);

CREATE TABLE reposts (
    id       INTEGER PRIMARY KEY,
    item_id  BIGINT  NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    -- The item the entry is reposted from.
    item_no  BIGINT  NOT NULL,
    UNIQUE (item_id, position)
);
