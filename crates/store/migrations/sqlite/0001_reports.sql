-- Unreleased until the first landing; later changes go into new migrations.
--
-- kaikaku: the reports of reform plans, one edition per plan, report fiscal year and revision,
-- fully normalised, and the yearly reporting cycle that makes new editions (users, sessions,
-- sheet states and versions, copy marks, comments, the audit log, waivers).
--
-- An edition is a `reports` row and a sheet is an `items` row. Imported reports are published
-- editions (revision 1, origin `import`); editions made in kaikaku have origin `cycle` and go
-- open → locked → published; a correction (訂正) of a published edition is the next revision.
--
-- Portable on purpose: the PostgreSQL migration (migrations/postgres) differs only in the
-- primary keys (`BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY` instead of SQLite's rowid
-- alias `INTEGER PRIMARY KEY`) and in how the audit log refuses changes (see `audit_log`).
-- Integer widths are declared as PostgreSQL needs them (INTEGER = i32, BIGINT = i64); decimals
-- are TEXT so that no value is ever rounded; timestamps are RFC 3339 text in UTC to the second
-- (`2026-11-29T09:40:00Z`, fixed width, so that text order is time order) and dates ISO 8601
-- (`2022-03-31`), both written by the application.
-- Every child table cascades from its parent and keeps document order in `position`
-- (0-based); UNIQUE (parent, position) doubles as the index used to load children in order.
-- `line` columns are 1-based line numbers in the source document (0 in editions made in
-- kaikaku, which have no source document).
-- Codes (kind, status, phase_code, role, state, origin, field paths) are validated when read
-- back, not by CHECK lists, so that a new code in the model needs no table rebuild.

-- People who log in. Never deleted: audit rows, comments and waivers name them.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    -- admin, editor or reviewer (Role::code).
    role          TEXT    NOT NULL,
    -- The department (記入担当課) of an editor.
    department    TEXT,
    -- A PHC string (argon2); the store never sees a password.
    password_hash TEXT    NOT NULL,
    created_at    TEXT    NOT NULL
);

-- Log-in sessions. Only a hash of the cookie token is stored.
CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL
);

CREATE INDEX sessions_by_expiry ON sessions (expires_at);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE plans (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE reports (
    -- AUTOINCREMENT: an id is never reused, so an id once shown (in a URL, in the audit log)
    -- never names another report. PostgreSQL identity columns never reuse ids either.
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id            BIGINT  NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    -- Gregorian year in which the fiscal year starts (令和3年度 = 2021).
    report_fiscal_year INTEGER NOT NULL,
    -- 1 for the first edition of a plan and year; each correction (訂正) adds one.
    revision           INTEGER NOT NULL DEFAULT 1,
    -- open, locked or published (EditionState::code).
    status             TEXT    NOT NULL DEFAULT 'published',
    -- import (read from a published document) or cycle (made in kaikaku).
    origin             TEXT    NOT NULL DEFAULT 'import',
    title              TEXT    NOT NULL,
    -- The imported file; NULL for editions made in kaikaku.
    source_name        TEXT,
    source_encoding    TEXT,
    -- When the row was written: the import, or the opening of a cycle edition.
    imported_at        TEXT    NOT NULL,
    -- 基準日, set when the edition is locked.
    base_date          TEXT,
    -- 提出期限 for the departments' sheets.
    due_date           TEXT,
    opened_at          TEXT,
    locked_at          TEXT,
    -- Imports: their imported_at.
    published_at       TEXT,
    -- Why a correction (revision 2 and later) was made.
    correction_note    TEXT,
    UNIQUE (plan_id, report_fiscal_year, revision)
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
    -- not_started, in_progress, submitted, returned or confirmed (SheetState::code).
    state                TEXT    NOT NULL DEFAULT 'confirmed',
    -- Bumped by every save and transition: a write names the version it started from and is
    -- refused when another write came first (no lost updates).
    version              BIGINT  NOT NULL DEFAULT 1,
    updated_at           TEXT,
    updated_by           BIGINT  REFERENCES users (id),
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

-- The parts of a sheet carried over from last year's edition and not edited since
-- (Field::path: `contents.0`, `goal` …): shown marked until someone edits them.
CREATE TABLE copied_fields (
    item_id BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    field   TEXT   NOT NULL,
    PRIMARY KEY (item_id, field)
);

-- Remarks on one field of a sheet: those of a return (差戻し), and reviewers' notes.
CREATE TABLE comments (
    id          INTEGER PRIMARY KEY,
    item_id     BIGINT  NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    -- Field::path.
    field       TEXT    NOT NULL,
    author_id   BIGINT  NOT NULL REFERENCES users (id),
    body        TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    resolved_at TEXT,
    resolved_by BIGINT  REFERENCES users (id),
    CHECK ((resolved_at IS NULL) = (resolved_by IS NULL))
);

CREATE INDEX comments_by_item ON comments (item_id);

-- Every change to a sheet (item_no set) or to an edition's state (item_no NULL): who, when,
-- which field, the readable text before and after. Rows name the sheet by (report_id,
-- item_no), not by item id, and nothing cascades into this table, so history outlives any
-- rewrite of the sheet rows; a report with history cannot be deleted (the foreign key has no
-- ON DELETE action), and published editions never are.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    report_id   BIGINT  NOT NULL REFERENCES reports (id),
    item_no     BIGINT,
    -- NULL when no person acted.
    user_id     BIGINT  REFERENCES users (id),
    at          TEXT    NOT NULL,
    -- Field::path (`state` for a state change).
    field       TEXT    NOT NULL,
    before_text TEXT    NOT NULL,
    after_text  TEXT    NOT NULL
);

CREATE INDEX audit_log_by_sheet ON audit_log (report_id, item_no);

-- Append-only: any UPDATE or DELETE of an audit row aborts its statement. The PostgreSQL
-- migration does the same with a BEFORE UPDATE OR DELETE trigger whose function raises an
-- exception (`RAISE EXCEPTION 'audit_log is append-only'`), plus REVOKE UPDATE, DELETE from
-- the application role.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be updated');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be deleted');
END;

-- A check finding accepted by the policy division with a reason, so that the sheet can be
-- confirmed although the finding stays. `finding_key` is the web layer's stable key of the
-- finding (rule code and what it concerns).
CREATE TABLE waivers (
    id          INTEGER PRIMARY KEY,
    item_id     BIGINT  NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    finding_key TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    user_id     BIGINT  NOT NULL REFERENCES users (id),
    at          TEXT    NOT NULL,
    UNIQUE (item_id, finding_key)
);
