-- kaikaku on PostgreSQL: the schema of migrations/sqlite (0001_reports, 0002_municipality,
-- 0003_search) in one migration, with the same tables, columns, types, constraints and
-- comments, except:
--
-- - ids are `BIGINT GENERATED ALWAYS AS IDENTITY` (never reused, like SQLite's AUTOINCREMENT);
-- - the append-only audit log is a trigger FUNCTION (RAISE EXCEPTION) for UPDATE, DELETE and
--   TRUNCATE;
-- - full-text search keeps the same Rust-made hex-bigram tokens as a `tsvector` under a GIN
--   index (`search_index`), matched with phrase queries (`'6162' <-> '6263'`); an item has one
--   row, or several when its token stream is longer than the 16,383 positions a tsvector
--   keeps (kaikaku_store::search::tsvector_rows).
--
-- Later changes go into new migrations here AND in migrations/sqlite.

-- People who log in. Never deleted: audit rows, comments and waivers name them.
CREATE TABLE users (
    id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name              TEXT   NOT NULL UNIQUE,
    -- The municipality a plan belongs to (全国地方公共団体コード and name), when it is known.
    -- Empty strings mean "not given": imports without a municipality leave what was stored.
    municipality_code TEXT   NOT NULL DEFAULT '',
    municipality_name TEXT   NOT NULL DEFAULT ''
);

CREATE TABLE reports (
    -- AUTOINCREMENT: an id is never reused, so an id once shown (in a URL, in the audit log)
    -- never names another report. PostgreSQL identity columns never reuse ids either.
    id                 BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id   BIGINT  NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    fiscal_year INTEGER NOT NULL,
    UNIQUE (report_id, position)
);

CREATE TABLE summary_rows (
    id                   BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id            BIGINT  NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    position             INTEGER NOT NULL,
    item_no              BIGINT  NOT NULL,
    title                TEXT    NOT NULL,
    reporting_department TEXT    NOT NULL,
    line                 BIGINT  NOT NULL,
    UNIQUE (report_id, position)
);

CREATE TABLE warnings (
    id        BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id BIGINT  NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    line      BIGINT  NOT NULL,
    message   TEXT    NOT NULL,
    UNIQUE (report_id, position)
);

CREATE TABLE items (
    id                   BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
    id       BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id  BIGINT  NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name     TEXT    NOT NULL,
    UNIQUE (item_id, position)
);

CREATE TABLE content_rows (
    id       BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id  BIGINT  NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text     TEXT    NOT NULL,
    line     BIGINT  NOT NULL,
    UNIQUE (item_id, position)
);

CREATE TABLE schedule_cells (
    id             BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
    id        BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id   BIGINT  NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    -- ① = 1.
    action_no INTEGER NOT NULL,
    text      TEXT    NOT NULL,
    UNIQUE (item_id, position)
);

CREATE TABLE narratives (
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
    id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id     BIGINT  NOT NULL UNIQUE REFERENCES items (id) ON DELETE CASCADE,
    fiscal_year INTEGER NOT NULL,
    text        TEXT    NOT NULL,
    line        BIGINT  NOT NULL
);

CREATE TABLE reposts (
    id       BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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

-- Append-only: any UPDATE or DELETE of an audit row raises an exception (as SQLite's
-- RAISE(ABORT) triggers do), TRUNCATE too.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: rows cannot be %', lower(TG_OP) || 'd';
END;
$$;

CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- A check finding accepted by the policy division with a reason, so that the sheet can be
-- confirmed although the finding stays. `finding_key` is the web layer's stable key of the
-- finding (rule code and what it concerns).
CREATE TABLE waivers (
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id     BIGINT  NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    finding_key TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    user_id     BIGINT  NOT NULL REFERENCES users (id),
    at          TEXT    NOT NULL,
    UNIQUE (item_id, finding_key)
);

-- Full-text search over the texts of every sheet (kaikaku_store::search; see
-- migrations/sqlite/0003_search.sql for the tokens). `search_documents` holds each searchable
-- text of an item as written; `search_index` its tokens, positions kept for phrases.
CREATE TABLE search_documents (
    id       BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id  BIGINT  NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    field    TEXT    NOT NULL,
    label    TEXT    NOT NULL,
    text     TEXT    NOT NULL,
    UNIQUE (item_id, position)
);

CREATE TABLE search_index (
    item_id BIGINT   NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    tokens  tsvector NOT NULL
);

CREATE INDEX search_index_by_item ON search_index (item_id);
CREATE INDEX search_index_tokens ON search_index USING GIN (tokens);

-- Editions waiting to be indexed (empty on PostgreSQL, which had search from its start; kept
-- so that both engines run the same store code).
CREATE TABLE search_backlog (
    report_id BIGINT PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE
);
