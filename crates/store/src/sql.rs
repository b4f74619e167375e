//! Every SQL statement the store runs, written once for SQLite and PostgreSQL alike:
//! `$n` placeholders, `RETURNING`, `ON CONFLICT`, `LIMIT`, no backend-specific functions;
//! timestamps and dates are bound as text written in Rust.
//!
//! Loading selects the reports whose id lies in `$1 ..= $2` (one id for one report, the whole
//! range for all of them) and, for item tables, the items whose number lies in `$3 ..= $4`
//! (one number for one sheet), with one statement per table; children are joined through
//! their parents and ordered by parent id and position, so that rows group in document order.

/// The plan an import with a municipality goes to: the one of that municipality and name, or
/// else one of that name stored before its municipality was known (code ''), which the import
/// then adopts. `$1` name, `$2` municipality code.
pub(crate) const FIND_PLAN_FOR_MUNICIPALITY: &str = "SELECT id FROM plans \
     WHERE name = $1 AND municipality_code IN ('', $2) ORDER BY municipality_code DESC LIMIT 1";

/// Every plan of a name, in any municipality. `$1` name.
pub(crate) const FIND_PLANS_NAMED: &str = "SELECT id, municipality_code, municipality_name \
     FROM plans WHERE name = $1 ORDER BY municipality_code";

/// Files a plan under its municipality (adopting a plan whose municipality was not known, or
/// taking a new spelling of the municipality's name) and row-locks it. `$1` plan id, `$2` code,
/// `$3` municipality name ('' keeps the stored one).
pub(crate) const SET_PLAN_MUNICIPALITY: &str = "UPDATE plans SET municipality_code = $2, \
     municipality_name = CASE WHEN $3 = '' THEN municipality_name ELSE $3 END \
     WHERE id = $1 RETURNING id";

/// Creates a plan (or, when a concurrent import created it first, takes that one) and returns
/// its id. `$1` name, `$2` municipality code ('' when unknown), `$3` municipality name.
pub(crate) const INSERT_PLAN: &str = "INSERT INTO plans (name, municipality_code, \
     municipality_name) VALUES ($1, $2, $3) \
     ON CONFLICT (municipality_code, name) DO UPDATE SET name = excluded.name \
     RETURNING id";

/// How many editions made in kaikaku a plan and fiscal year have (an import must not replace
/// them). `$1` plan id, `$2` report fiscal year.
pub(crate) const COUNT_CYCLE_EDITIONS: &str = "SELECT COUNT(*) FROM reports \
     WHERE plan_id = $1 AND report_fiscal_year = $2 AND origin = 'cycle'";

/// Deletes the imported report of a plan and fiscal year (children cascade), returning its id.
/// `$1` plan id, `$2` report fiscal year.
pub(crate) const DELETE_IMPORTED_REPORT: &str = "DELETE FROM reports \
     WHERE plan_id = $1 AND report_fiscal_year = $2 AND origin = 'import' RETURNING id";

/// `$1` plan id, `$2` report fiscal year, `$3` revision, `$4` status, `$5` origin, `$6` title,
/// `$7` source name, `$8` source encoding, `$9` imported at, `$10` due date, `$11` opened at,
/// `$12` published at, `$13` correction note.
pub(crate) const INSERT_REPORT: &str = "INSERT INTO reports \
     (plan_id, report_fiscal_year, revision, status, origin, title, source_name, \
     source_encoding, imported_at, due_date, opened_at, published_at, correction_note) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id";

/// A multi-row `INSERT`, written once for both engines: `head` names the table and its columns
/// up to `VALUES`, each row is one placeholder per entry of `casts` (the entry follows its
/// placeholder, e.g. `::tsvector`), and `tail` ends the statement (`RETURNING …` or nothing).
/// [`Insert::sql`] writes the statement for a number of rows; values are always bound.
#[derive(Debug)]
pub(crate) struct Insert {
    pub(crate) head: &'static str,
    pub(crate) casts: &'static [&'static str],
    pub(crate) tail: &'static str,
}

/// At most this many placeholders in one statement: SQLite's limit (32,766 variables), which
/// is below PostgreSQL's (65,535).
pub(crate) const MAX_BINDS: usize = 32_766;

impl Insert {
    /// How many rows fit in one statement.
    pub(crate) fn rows_per_statement(&self) -> usize {
        MAX_BINDS / self.casts.len()
    }

    /// The statement for `rows` rows (at least one, at most [`Insert::rows_per_statement`]):
    /// `head ($1, $2 …), ($n+1 …) … tail` when `numbered`, else with anonymous `?`
    /// placeholders, bound in order (the engine's `NUMBERED_PLACEHOLDERS`).
    pub(crate) fn sql(&self, rows: usize, numbered: bool) -> String {
        use std::fmt::Write as _;
        debug_assert!(rows >= 1 && rows <= self.rows_per_statement());
        let mut sql =
            String::with_capacity(self.head.len() + self.tail.len() + rows * 8 * self.casts.len());
        sql.push_str(self.head);
        let mut n = 0;
        for row in 0..rows {
            sql.push_str(if row == 0 { " (" } else { ", (" });
            for (column, cast) in self.casts.iter().enumerate() {
                n += 1;
                let comma = if column == 0 { "" } else { ", " };
                if numbered {
                    let _ = write!(sql, "{comma}${n}{cast}");
                } else {
                    let _ = write!(sql, "{comma}?{cast}");
                }
            }
            sql.push(')');
        }
        sql.push_str(self.tail);
        sql
    }
}

pub(crate) const INSERT_REPORT_FISCAL_YEARS: Insert = Insert {
    head: "INSERT INTO report_fiscal_years (report_id, position, fiscal_year) VALUES",
    casts: &[""; 3],
    tail: "",
};

pub(crate) const INSERT_SUMMARY_ROWS: Insert = Insert {
    head: "INSERT INTO summary_rows \
     (report_id, position, item_no, title, reporting_department, line) VALUES",
    casts: &[""; 6],
    tail: "",
};

pub(crate) const INSERT_WARNINGS: Insert = Insert {
    head: "INSERT INTO warnings (report_id, position, line, message) VALUES",
    casts: &[""; 4],
    tail: "",
};

/// The eighth column is the sheet state. Returns each row's id with its (report id, position),
/// unique (RETURNING's row order is not guaranteed), as `rows::InsertedRow`.
pub(crate) const INSERT_ITEMS: Insert = Insert {
    head: "INSERT INTO items \
     (report_id, position, item_no, title, reporting_department, goal, line, state) VALUES",
    casts: &[""; 8],
    tail: " RETURNING id, report_id AS parent_id, position",
};

pub(crate) const INSERT_DEPARTMENTS: Insert = Insert {
    head: "INSERT INTO item_departments (item_id, position, name) VALUES",
    casts: &[""; 3],
    tail: "",
};

/// Returns each row's id with its (item id, position), unique, as `rows::InsertedRow`.
pub(crate) const INSERT_CONTENT_ROWS: Insert = Insert {
    head: "INSERT INTO content_rows (item_id, position, text, line) VALUES",
    casts: &[""; 4],
    tail: " RETURNING id, item_id AS parent_id, position",
};

pub(crate) const INSERT_SCHEDULE_CELLS: Insert = Insert {
    head: "INSERT INTO schedule_cells \
     (content_row_id, position, fiscal_year, text, actions, phase_code, phase) VALUES",
    casts: &[""; 7],
    tail: "",
};

pub(crate) const INSERT_ACTIONS: Insert = Insert {
    head: "INSERT INTO actions (item_id, position, action_no, text) VALUES",
    casts: &[""; 4],
    tail: "",
};

pub(crate) const INSERT_NARRATIVES: Insert = Insert {
    head: "INSERT INTO narratives (item_id, position, fiscal_year, kind, text, line) VALUES",
    casts: &[""; 6],
    tail: "",
};

/// Returns each row's id with its (item id, position), unique, as `rows::InsertedRow`.
pub(crate) const INSERT_EFFECT_ROWS: Insert = Insert {
    head: "INSERT INTO effect_rows (item_id, position, fiscal_year, is_total, text, line) VALUES",
    casts: &[""; 6],
    tail: " RETURNING id, item_id AS parent_id, position",
};

pub(crate) const INSERT_QUANTITIES: Insert = Insert {
    head: "INSERT INTO quantities (effect_row_id, position, label, value, unit, status) VALUES",
    casts: &[""; 6],
    tail: "",
};

pub(crate) const INSERT_EVALUATIONS: Insert = Insert {
    head: "INSERT INTO evaluations (item_id, fiscal_year, text, line) VALUES",
    casts: &[""; 4],
    tail: "",
};

pub(crate) const INSERT_REPOSTS: Insert = Insert {
    head: "INSERT INTO reposts (item_id, position, item_no) VALUES",
    casts: &[""; 3],
    tail: "",
};

/// A query that succeeds whenever the database answers (health checks).
pub(crate) const PING: &str = "SELECT 1";

/// The public listing, with item and warning counts: the latest published revision of each
/// plan and year; `report_listing!()` followed by `AND …` conditions and an ORDER BY.
macro_rules! report_listing {
    () => {
        "SELECT r.id, p.id AS plan_id, p.name AS plan_name, p.municipality_code, \
         p.municipality_name, r.report_fiscal_year, r.title, \
         (SELECT COUNT(*) FROM items i WHERE i.report_id = r.id) AS items, \
         (SELECT COUNT(*) FROM warnings w WHERE w.report_id = r.id) AS warnings, \
         r.source_name, r.imported_at, r.revision, r.origin, r.published_at, r.base_date, \
         r.correction_note \
         FROM reports r JOIN plans p ON p.id = r.plan_id \
         WHERE r.status = 'published' AND r.revision = (SELECT MAX(l.revision) FROM reports l \
         WHERE l.plan_id = r.plan_id AND l.report_fiscal_year = r.report_fiscal_year \
         AND l.status = 'published')"
    };
}

/// The order of every listing of plans: by municipality (unknown first), plan name, year.
macro_rules! listing_order {
    () => {
        " ORDER BY p.municipality_code, p.name, r.report_fiscal_year, r.id"
    };
}

/// Every published plan and year.
pub(crate) const LIST_REPORTS: &str = concat!(report_listing!(), listing_order!());

/// Those of one municipality. `$1` municipality code ('' for plans of no known municipality).
pub(crate) const LIST_REPORTS_OF: &str = concat!(
    report_listing!(),
    " AND p.municipality_code = $1",
    listing_order!()
);

/// Those of one plan. `$1` plan id.
pub(crate) const LIST_REPORTS_OF_PLAN: &str =
    concat!(report_listing!(), " AND r.plan_id = $1", listing_order!());

/// The one of a plan and year. `$1` plan id, `$2` report fiscal year.
pub(crate) const SELECT_PUBLISHED: &str = concat!(
    report_listing!(),
    " AND r.plan_id = $1 AND r.report_fiscal_year = $2"
);

/// The municipalities with published editions: code, name, plans, plan-years, latest year.
/// Revision 1 of a plan and year stays published when corrections follow, so counting those
/// counts each published plan and year once.
pub(crate) const LIST_MUNICIPALITIES: &str = "SELECT p.municipality_code, \
     MAX(p.municipality_name) AS municipality_name, COUNT(DISTINCT p.id) AS plans, \
     COUNT(*) AS editions, MAX(r.report_fiscal_year) AS latest_fiscal_year \
     FROM reports r JOIN plans p ON p.id = r.plan_id \
     WHERE r.status = 'published' AND r.revision = 1 \
     GROUP BY p.municipality_code ORDER BY p.municipality_code";

/// What [`crate::Store::publication_stamp`] reads.
pub(crate) const PUBLICATION_STAMP: &str = "SELECT COUNT(*) AS published, \
     COALESCE(MAX(id), 0) AS latest_id FROM reports WHERE status = 'published'";

/// The state of one report. `$1` report id.
pub(crate) const SELECT_REPORT_STATUS: &str = "SELECT status FROM reports WHERE id = $1";

pub(crate) const SELECT_REPORTS: &str = "SELECT r.id, p.name AS plan_name, p.municipality_code, \
     p.municipality_name, r.report_fiscal_year, r.title \
     FROM reports r JOIN plans p ON p.id = r.plan_id \
     WHERE r.id BETWEEN $1 AND $2 \
     ORDER BY p.municipality_code, p.name, r.report_fiscal_year, r.id";

// The two tables two joins below `items` (schedule cells, quantities) are ordered by `+column`:
// the unary plus keeps SQLite from reading the whole table in the order of its (parent,
// position) index to avoid a sort — without statistics it prefers that to starting from the
// report's few items, which made loading one edition of the national corpus take 170 ms
// instead of 4 (`EXPLAIN QUERY PLAN`: `SCAN q USING INDEX`). PostgreSQL reads `+x` as `x`.

pub(crate) const SELECT_REPORT_FISCAL_YEARS: &str = "SELECT id, report_id, fiscal_year \
     FROM report_fiscal_years WHERE report_id BETWEEN $1 AND $2 \
     ORDER BY report_id, position";

pub(crate) const SELECT_SUMMARY_ROWS: &str = "SELECT id, report_id, item_no, title, \
     reporting_department, line FROM summary_rows WHERE report_id BETWEEN $1 AND $2 \
     ORDER BY report_id, position";

pub(crate) const SELECT_WARNINGS: &str = "SELECT id, report_id, line, message \
     FROM warnings WHERE report_id BETWEEN $1 AND $2 ORDER BY report_id, position";

pub(crate) const SELECT_ITEMS: &str = "SELECT id, report_id, item_no, title, \
     reporting_department, goal, line FROM items WHERE report_id BETWEEN $1 AND $2 \
     AND item_no BETWEEN $3 AND $4 ORDER BY report_id, position";

pub(crate) const SELECT_DEPARTMENTS: &str = "SELECT d.item_id, d.name \
     FROM item_departments d JOIN items i ON i.id = d.item_id \
     WHERE i.report_id BETWEEN $1 AND $2 AND i.item_no BETWEEN $3 AND $4 \
     ORDER BY d.item_id, d.position";

pub(crate) const SELECT_CONTENT_ROWS: &str = "SELECT c.id, c.item_id, c.text, c.line \
     FROM content_rows c JOIN items i ON i.id = c.item_id \
     WHERE i.report_id BETWEEN $1 AND $2 AND i.item_no BETWEEN $3 AND $4 \
     ORDER BY c.item_id, c.position";

pub(crate) const SELECT_SCHEDULE_CELLS: &str = "SELECT s.id, s.content_row_id, \
     s.fiscal_year, s.text, s.actions, s.phase_code, s.phase \
     FROM schedule_cells s JOIN content_rows c ON c.id = s.content_row_id \
     JOIN items i ON i.id = c.item_id \
     WHERE i.report_id BETWEEN $1 AND $2 AND i.item_no BETWEEN $3 AND $4 \
     ORDER BY +s.content_row_id, s.position";

pub(crate) const SELECT_ACTIONS: &str = "SELECT a.id, a.item_id, a.action_no, a.text \
     FROM actions a JOIN items i ON i.id = a.item_id \
     WHERE i.report_id BETWEEN $1 AND $2 AND i.item_no BETWEEN $3 AND $4 \
     ORDER BY a.item_id, a.position";

pub(crate) const SELECT_NARRATIVES: &str = "SELECT n.id, n.item_id, n.fiscal_year, n.kind, \
     n.text, n.line FROM narratives n JOIN items i ON i.id = n.item_id \
     WHERE i.report_id BETWEEN $1 AND $2 AND i.item_no BETWEEN $3 AND $4 \
     ORDER BY n.item_id, n.position";

pub(crate) const SELECT_EFFECT_ROWS: &str = "SELECT e.id, e.item_id, e.fiscal_year, \
     e.is_total, e.text, e.line FROM effect_rows e JOIN items i ON i.id = e.item_id \
     WHERE i.report_id BETWEEN $1 AND $2 AND i.item_no BETWEEN $3 AND $4 \
     ORDER BY e.item_id, e.position";

pub(crate) const SELECT_QUANTITIES: &str = "SELECT q.id, q.effect_row_id, q.label, q.value, \
     q.unit, q.status FROM quantities q JOIN effect_rows e ON e.id = q.effect_row_id \
     JOIN items i ON i.id = e.item_id \
     WHERE i.report_id BETWEEN $1 AND $2 AND i.item_no BETWEEN $3 AND $4 \
     ORDER BY +q.effect_row_id, q.position";

pub(crate) const SELECT_EVALUATIONS: &str = "SELECT v.id, v.item_id, v.fiscal_year, v.text, \
     v.line FROM evaluations v JOIN items i ON i.id = v.item_id \
     WHERE i.report_id BETWEEN $1 AND $2 AND i.item_no BETWEEN $3 AND $4";

pub(crate) const SELECT_REPOSTS: &str = "SELECT r.id, r.item_id, r.item_no \
     FROM reposts r JOIN items i ON i.id = r.item_id \
     WHERE i.report_id BETWEEN $1 AND $2 AND i.item_no BETWEEN $3 AND $4 \
     ORDER BY r.item_id, r.position";

// ---------------------------------------------------------------------------------------------
// Users and sessions

/// `$1` name, `$2` role code, `$3` department, `$4` password hash, `$5` created at.
pub(crate) const INSERT_USER: &str = "INSERT INTO users \
     (name, role, department, password_hash, created_at) VALUES ($1, $2, $3, $4, $5) \
     RETURNING id";

pub(crate) const SELECT_USER: &str = "SELECT id, name, role, department, password_hash, \
     created_at FROM users WHERE id = $1";

pub(crate) const SELECT_USER_BY_NAME: &str = "SELECT id, name, role, department, \
     password_hash, created_at FROM users WHERE name = $1";

pub(crate) const SELECT_USERS: &str = "SELECT id, name, role, department, password_hash, \
     created_at FROM users ORDER BY name, id";

/// `$1` user id, `$2` hash.
pub(crate) const UPDATE_PASSWORD_HASH: &str =
    "UPDATE users SET password_hash = $2 WHERE id = $1 RETURNING id";

/// `$1` token hash, `$2` user id, `$3` CSRF token, `$4` created at, `$5` expires at.
pub(crate) const INSERT_SESSION: &str = "INSERT INTO sessions \
     (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";

/// A session with its user. `$1` token hash.
pub(crate) const SELECT_SESSION: &str = "SELECT s.token_hash, s.csrf_token, s.expires_at, \
     u.id, u.name, u.role, u.department, u.password_hash, u.created_at \
     FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1";

pub(crate) const DELETE_SESSION: &str = "DELETE FROM sessions WHERE token_hash = $1";

pub(crate) const DELETE_USER_SESSIONS: &str = "DELETE FROM sessions WHERE user_id = $1";

/// Fixed-width RFC 3339 text compares as time. `$1` now.
pub(crate) const DELETE_EXPIRED_SESSIONS: &str = "DELETE FROM sessions WHERE expires_at <= $1";

// ---------------------------------------------------------------------------------------------
// Editions

/// The columns of an edition listing; `edition_select!()` followed by a WHERE or ORDER BY.
macro_rules! edition_select {
    () => {
        "SELECT r.id AS report_id, p.id AS plan_id, p.name AS plan_name, \
         r.report_fiscal_year, r.revision, r.status, r.origin, r.title, \
         (SELECT COUNT(*) FROM items i WHERE i.report_id = r.id) AS items, r.due_date, \
         r.base_date, r.opened_at, r.locked_at, r.published_at, r.correction_note \
         FROM reports r JOIN plans p ON p.id = r.plan_id"
    };
}

pub(crate) const LIST_EDITIONS: &str = concat!(
    edition_select!(),
    " ORDER BY p.municipality_code, p.name, r.report_fiscal_year, r.revision, r.id"
);

/// `$1` report id.
pub(crate) const SELECT_EDITION: &str = concat!(edition_select!(), " WHERE r.id = $1");

/// What an edition is filed under, and its state. `$1` report id.
pub(crate) const SELECT_EDITION_KEY: &str = "SELECT r.plan_id, p.name AS plan_name, \
     r.report_fiscal_year, \
     r.revision, r.status FROM reports r JOIN plans p ON p.id = r.plan_id WHERE r.id = $1";

/// A no-op write of a plan that returns its name: run first by the writers that create an
/// edition of a plan (a cycle, a correction), so that (on PostgreSQL) they and imports of the
/// same plan, whose upsert of the plan row takes the same row lock, go one at a time; an import
/// cannot delete the revision a correction is being made from. `$1` plan id.
pub(crate) const LOCK_PLAN: &str = "UPDATE plans SET name = name WHERE id = $1 RETURNING name";

/// How many editions (any revision) a plan and year have. `$1` plan id, `$2` year.
pub(crate) const COUNT_EDITIONS: &str =
    "SELECT COUNT(*) FROM reports WHERE plan_id = $1 AND report_fiscal_year = $2";

/// The latest revision of a plan and year, NULL when there is none. `$1` plan id, `$2` year.
pub(crate) const MAX_REVISION: &str = "SELECT MAX(revision) FROM reports \
     WHERE plan_id = $1 AND report_fiscal_year = $2";

/// The plan's latest year with an edition before `$2`, NULL when there is none.
pub(crate) const LATEST_EARLIER_YEAR: &str = "SELECT MAX(report_fiscal_year) FROM reports \
     WHERE plan_id = $1 AND report_fiscal_year < $2";

/// The latest published revision of a plan and year. `$1` plan id, `$2` year.
pub(crate) const LATEST_PUBLISHED: &str = "SELECT id FROM reports \
     WHERE plan_id = $1 AND report_fiscal_year = $2 AND status = 'published' \
     ORDER BY revision DESC LIMIT 1";

/// A no-op write that succeeds only while the edition is open: run first by every write to an
/// edition's sheets, so that (on PostgreSQL) it holds the edition's row lock and a concurrent
/// lock of the edition waits for it. `$1` report id.
pub(crate) const CLAIM_OPEN_EDITION: &str =
    "UPDATE reports SET status = status WHERE id = $1 AND status = 'open' RETURNING id";

/// Like [`CLAIM_OPEN_EDITION`], for an edition open or locked (comments are allowed until it is
/// published). `$1` report id.
pub(crate) const CLAIM_UNPUBLISHED_EDITION: &str = "UPDATE reports SET status = status \
     WHERE id = $1 AND status <> 'published' RETURNING id";

/// `$1` report id, `$2` base date, `$3` locked at.
pub(crate) const LOCK_EDITION: &str = "UPDATE reports \
     SET status = 'locked', base_date = $2, locked_at = $3 \
     WHERE id = $1 AND status = 'open' RETURNING id";

/// The states of an edition's sheets. `$1` report id.
pub(crate) const SELECT_SHEET_STATES: &str = "SELECT state FROM items WHERE report_id = $1";

pub(crate) const UNLOCK_EDITION: &str = "UPDATE reports SET status = 'open', locked_at = NULL, base_date = NULL \
     WHERE id = $1 AND status = 'locked' RETURNING id";

/// `$1` report id, `$2` published at.
pub(crate) const PUBLISH_EDITION: &str = "UPDATE reports \
     SET status = 'published', published_at = $2 \
     WHERE id = $1 AND status = 'locked' RETURNING id";

// ---------------------------------------------------------------------------------------------
// Audit log

/// `$1` report id, `$2` item number (NULL for the edition), `$3` user id, `$4` at, `$5` field
/// path, `$6` before, `$7` after.
pub(crate) const INSERT_AUDIT: &str = "INSERT INTO audit_log \
     (report_id, item_no, user_id, at, field, before_text, after_text) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// A sheet's history, oldest first. `$1` report id, `$2` item number.
pub(crate) const SELECT_SHEET_AUDIT: &str = "SELECT a.id, a.at, u.name AS user_name, a.field, \
     a.before_text, a.after_text FROM audit_log a LEFT JOIN users u ON u.id = a.user_id \
     WHERE a.report_id = $1 AND a.item_no = $2 ORDER BY a.id";

/// An edition's own history, oldest first. `$1` report id.
pub(crate) const SELECT_EDITION_AUDIT: &str = "SELECT a.id, a.at, u.name AS user_name, a.field, \
     a.before_text, a.after_text FROM audit_log a LEFT JOIN users u ON u.id = a.user_id \
     WHERE a.report_id = $1 AND a.item_no IS NULL ORDER BY a.id";

/// A page of a sheet's history, newest first, each text cut to its first `$5` characters
/// beside its whole length. `$1` report id, `$2` item number, `$3` limit, `$4` offset.
pub(crate) const SELECT_SHEET_AUDIT_PAGE: &str = "SELECT a.id, a.at, u.name AS user_name, \
     a.field, substr(a.before_text, 1, CAST($5 AS INTEGER)) AS before_text, \
     substr(a.after_text, 1, CAST($5 AS INTEGER)) AS after_text, \
     CAST(length(a.before_text) AS BIGINT) AS before_chars, \
     CAST(length(a.after_text) AS BIGINT) AS after_chars \
     FROM audit_log a LEFT JOIN users u ON u.id = a.user_id \
     WHERE a.report_id = $1 AND a.item_no = $2 ORDER BY a.id DESC LIMIT $3 OFFSET $4";

/// The same as `SELECT_SHEET_AUDIT_PAGE`, oldest first.
pub(crate) const SELECT_SHEET_AUDIT_PAGE_OLDEST: &str = "SELECT a.id, a.at, u.name AS user_name, \
     a.field, substr(a.before_text, 1, CAST($5 AS INTEGER)) AS before_text, \
     substr(a.after_text, 1, CAST($5 AS INTEGER)) AS after_text, \
     CAST(length(a.before_text) AS BIGINT) AS before_chars, \
     CAST(length(a.after_text) AS BIGINT) AS after_chars \
     FROM audit_log a LEFT JOIN users u ON u.id = a.user_id \
     WHERE a.report_id = $1 AND a.item_no = $2 ORDER BY a.id LIMIT $3 OFFSET $4";

/// The same page of an edition's own history. `$1` report id, `$2` limit, `$3` offset, `$4`
/// characters kept.
pub(crate) const SELECT_EDITION_AUDIT_PAGE: &str = "SELECT a.id, a.at, u.name AS user_name, \
     a.field, substr(a.before_text, 1, CAST($4 AS INTEGER)) AS before_text, \
     substr(a.after_text, 1, CAST($4 AS INTEGER)) AS after_text, \
     CAST(length(a.before_text) AS BIGINT) AS before_chars, \
     CAST(length(a.after_text) AS BIGINT) AS after_chars \
     FROM audit_log a LEFT JOIN users u ON u.id = a.user_id \
     WHERE a.report_id = $1 AND a.item_no IS NULL ORDER BY a.id DESC LIMIT $2 OFFSET $3";

/// The same as `SELECT_EDITION_AUDIT_PAGE`, oldest first.
pub(crate) const SELECT_EDITION_AUDIT_PAGE_OLDEST: &str = "SELECT a.id, a.at, u.name AS user_name, \
     a.field, substr(a.before_text, 1, CAST($4 AS INTEGER)) AS before_text, \
     substr(a.after_text, 1, CAST($4 AS INTEGER)) AS after_text, \
     CAST(length(a.before_text) AS BIGINT) AS before_chars, \
     CAST(length(a.after_text) AS BIGINT) AS after_chars \
     FROM audit_log a LEFT JOIN users u ON u.id = a.user_id \
     WHERE a.report_id = $1 AND a.item_no IS NULL ORDER BY a.id LIMIT $2 OFFSET $3";

/// How many entries a sheet's history has. `$1` report id, `$2` item number.
pub(crate) const COUNT_SHEET_AUDIT: &str =
    "SELECT COUNT(*) FROM audit_log WHERE report_id = $1 AND item_no = $2";

/// How many entries an edition's own history has. `$1` report id.
pub(crate) const COUNT_EDITION_AUDIT: &str =
    "SELECT COUNT(*) FROM audit_log WHERE report_id = $1 AND item_no IS NULL";

/// One entry of a sheet's history. `$1` report id, `$2` item number, `$3` entry id.
pub(crate) const SELECT_SHEET_AUDIT_ENTRY: &str = "SELECT a.id, a.at, u.name AS user_name, \
     a.field, a.before_text, a.after_text FROM audit_log a \
     LEFT JOIN users u ON u.id = a.user_id \
     WHERE a.report_id = $1 AND a.item_no = $2 AND a.id = $3";

// ---------------------------------------------------------------------------------------------
// Sheets

/// A sheet's row. `$1` report id, `$2` item number.
pub(crate) const SELECT_SHEET_HEAD: &str = "SELECT i.id AS item_id, i.state, i.version, \
     i.reporting_department, i.updated_at, u.name AS updated_by \
     FROM items i LEFT JOIN users u ON u.id = i.updated_by \
     WHERE i.report_id = $1 AND i.item_no = $2";

pub(crate) const SELECT_SHEET_VERSION: &str = "SELECT version FROM items WHERE id = $1";

/// The progress board. `$1` report id.
pub(crate) const SELECT_SHEET_SUMMARIES: &str = "SELECT i.id AS item_id, i.item_no, i.title, \
     i.reporting_department, i.state, i.version, i.updated_at, u.name AS updated_by, \
     (SELECT COUNT(*) FROM comments c WHERE c.item_id = i.id AND c.resolved_at IS NULL) \
     AS open_comments \
     FROM items i LEFT JOIN users u ON u.id = i.updated_by \
     WHERE i.report_id = $1 ORDER BY i.position";

/// The content and state of a sheet, guarded by its version. `$1` item id, `$2` expected
/// version, `$3` title, `$4` goal, `$5` line, `$6` state, `$7` updated at, `$8` updated by.
pub(crate) const UPDATE_SHEET: &str = "UPDATE items SET title = $3, goal = $4, line = $5, \
     state = $6, version = version + 1, updated_at = $7, updated_by = $8 \
     WHERE id = $1 AND version = $2 RETURNING version";

/// The state of a sheet, guarded by its version. `$1` item id, `$2` expected version, `$3`
/// state, `$4` updated at, `$5` updated by.
pub(crate) const UPDATE_SHEET_STATE: &str = "UPDATE items SET state = $3, \
     version = version + 1, updated_at = $4, updated_by = $5 \
     WHERE id = $1 AND version = $2 RETURNING version";

/// The child rows of one item, deleted before they are written again (schedule cells and
/// quantities cascade). `$1` item id.
pub(crate) const DELETE_ITEM_CHILDREN: [&str; 7] = [
    "DELETE FROM item_departments WHERE item_id = $1",
    "DELETE FROM content_rows WHERE item_id = $1",
    "DELETE FROM actions WHERE item_id = $1",
    "DELETE FROM narratives WHERE item_id = $1",
    "DELETE FROM effect_rows WHERE item_id = $1",
    "DELETE FROM evaluations WHERE item_id = $1",
    "DELETE FROM reposts WHERE item_id = $1",
];

/// `$1` item id, `$2` field path.
pub(crate) const INSERT_COPIED: &str = "INSERT INTO copied_fields (item_id, field) \
     VALUES ($1, $2) ON CONFLICT (item_id, field) DO NOTHING";

pub(crate) const SELECT_COPIED: &str = "SELECT field FROM copied_fields WHERE item_id = $1";

/// `$1` item id, `$2` field path.
pub(crate) const DELETE_COPIED: &str =
    "DELETE FROM copied_fields WHERE item_id = $1 AND field = $2";

// ---------------------------------------------------------------------------------------------
// Comments and waivers

/// `$1` item id, `$2` field path, `$3` author id, `$4` body, `$5` created at.
pub(crate) const INSERT_COMMENT: &str = "INSERT INTO comments \
     (item_id, field, author_id, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id";

/// `$1` report id, `$2` item number.
pub(crate) const SELECT_COMMENTS: &str = "SELECT c.id, c.field, a.name AS author, c.body, \
     c.created_at, c.resolved_at, r.name AS resolved_by FROM comments c \
     JOIN items i ON i.id = c.item_id JOIN users a ON a.id = c.author_id \
     LEFT JOIN users r ON r.id = c.resolved_by \
     WHERE i.report_id = $1 AND i.item_no = $2 ORDER BY c.id";

/// The edition a comment belongs to. `$1` comment id.
pub(crate) const SELECT_COMMENT_EDITION: &str = "SELECT i.report_id FROM comments c \
     JOIN items i ON i.id = c.item_id WHERE c.id = $1";

/// `$1` comment id, `$2` resolved at, `$3` resolved by.
pub(crate) const RESOLVE_COMMENT: &str = "UPDATE comments \
     SET resolved_at = $2, resolved_by = $3 WHERE id = $1 AND resolved_at IS NULL";

/// `$1` item id, `$2` finding key, `$3` reason, `$4` user id, `$5` at.
pub(crate) const INSERT_WAIVER: &str = "INSERT INTO waivers \
     (item_id, finding_key, reason, user_id, at) VALUES ($1, $2, $3, $4, $5) RETURNING id";

/// `$1` report id, `$2` item number.
pub(crate) const SELECT_WAIVERS: &str = "SELECT w.id, w.finding_key, w.reason, \
     u.name AS user_name, w.at \
     FROM waivers w JOIN items i ON i.id = w.item_id JOIN users u ON u.id = w.user_id \
     WHERE i.report_id = $1 AND i.item_no = $2 ORDER BY w.id";

// -------------------------------------------------------------------------------------------
// Full-text search (search.rs, index.rs). The documents are portable SQL; the index
// statements are each engine's (sqlite.rs: FTS5; postgres.rs: tsvector under GIN).

/// `$1` item id.
pub(crate) const DELETE_SEARCH_DOCUMENTS: &str = "DELETE FROM search_documents WHERE item_id = $1";

/// Item id, position, field path, field label, text, folded text.
pub(crate) const INSERT_SEARCH_DOCUMENTS: Insert = Insert {
    head: "INSERT INTO search_documents (item_id, position, field, label, text, folded) VALUES",
    casts: &[""; 6],
    tail: "",
};

/// Documents stored before their folded text was (`0005_search_speed`): `$1` after this id,
/// at most `$2`, by id.
pub(crate) const SELECT_UNFOLDED_DOCUMENTS: &str = "SELECT id, text FROM search_documents \
     WHERE folded IS NULL AND id > $1 ORDER BY id LIMIT $2";

/// Document id, folded text: sets the folded texts of those documents.
pub(crate) const UPDATE_FOLDED_DOCUMENTS: Insert = Insert {
    head: "WITH v (id, folded) AS (VALUES",
    casts: &[""; 2],
    tail: ") UPDATE search_documents SET folded = v.folded FROM v \
     WHERE search_documents.id = v.id",
};

/// Sets `latest_published` on every edition of the plan and year of edition `$1`: true on
/// its latest published revision, false on the others.
pub(crate) const REFRESH_LATEST_PUBLISHED: &str = "UPDATE reports \
     SET latest_published = COALESCE(reports.status = 'published' AND reports.revision = \
         (SELECT MAX(l.revision) FROM reports l WHERE l.plan_id = reports.plan_id \
         AND l.report_fiscal_year = reports.report_fiscal_year AND l.status = 'published'), \
         FALSE) \
     WHERE (plan_id, report_fiscal_year) = \
         (SELECT e.plan_id, e.report_fiscal_year FROM reports e WHERE e.id = $1)";

/// How many editions are the latest published of their plan and year.
pub(crate) const COUNT_LATEST_PUBLISHED: &str =
    "SELECT COUNT(*) FROM reports WHERE latest_published";

/// Editions waiting to be indexed.
pub(crate) const SELECT_SEARCH_BACKLOG: &str =
    "SELECT report_id FROM search_backlog ORDER BY report_id";

/// `$1` report id.
pub(crate) const DELETE_SEARCH_BACKLOG: &str = "DELETE FROM search_backlog WHERE report_id = $1";

// The engines' search statements (`SEARCH_ITEMS`, `SEARCH_WALK`) are put together from the
// pieces below, so that both engines select, filter and order alike.

/// What a search statement returns per item: item id, report id, plan id, plan name,
/// municipality code and name, report fiscal year, revision, status, item number, title.
macro_rules! search_columns {
    () => {
        "SELECT i.id AS item_id, r.id AS report_id, p.id AS plan_id, p.name AS plan_name, \
         p.municipality_code, p.municipality_name, r.report_fiscal_year, r.revision, \
         r.status, i.item_no, i.title"
    };
}

/// For `SEARCH_ITEMS`: the editions a search looks in (`$2` true: drafts too) and the
/// municipality (`$4`, '' for all): the latest published revision of each plan and year, and
/// every edition not published yet.
macro_rules! search_scope {
    () => {
        "(r.latest_published OR ($2 AND r.status <> 'published')) \
         AND ($4 = '' OR p.municipality_code = $4)"
    };
}

/// The order of the hits: newest year first, then plan name (and municipality and plan, for
/// plans of the same name), item number and newest revision.
macro_rules! search_order {
    () => {
        " ORDER BY r.report_fiscal_year DESC, p.name, p.municipality_code, p.id, i.item_no, \
         r.revision DESC"
    };
}

/// For `SEARCH_WALK`, `e`: published editions (the latest revision of each plan and year) of
/// the municipality `$3` ('' for all), in the order of the hits, `$4` of them after the first
/// `$5`, with the range of their item ids (`lo`, `hi`). The hits of these editions are the
/// ones that come after those of the `$5` before them and before any other.
macro_rules! search_walk_editions {
    () => {
        "WITH e AS (SELECT w.id, \
         (SELECT MIN(x.id) FROM items x WHERE x.report_id = w.id) AS lo, \
         (SELECT MAX(x.id) FROM items x WHERE x.report_id = w.id) AS hi \
         FROM (SELECT r.id FROM reports r JOIN plans p ON p.id = r.plan_id \
         WHERE r.latest_published AND ($3 = '' OR p.municipality_code = $3) \
         ORDER BY r.report_fiscal_year DESC, p.name, p.municipality_code, r.plan_id \
         LIMIT $4 OFFSET $5) w) "
    };
}

#[cfg(test)]
mod tests {
    use super::{INSERT_QUANTITIES, Insert, MAX_BINDS};

    #[test]
    fn a_multi_row_insert_numbers_its_placeholders_row_after_row() {
        let insert = Insert {
            head: "INSERT INTO t (a, b) VALUES",
            casts: &["", "::tsvector"],
            tail: " RETURNING id",
        };
        assert_eq!(
            insert.sql(1, true),
            "INSERT INTO t (a, b) VALUES ($1, $2::tsvector) RETURNING id"
        );
        assert_eq!(
            insert.sql(3, true),
            "INSERT INTO t (a, b) VALUES ($1, $2::tsvector), ($3, $4::tsvector), \
             ($5, $6::tsvector) RETURNING id"
        );
    }

    #[test]
    fn a_full_statement_stays_within_the_placeholder_limit() {
        let rows = INSERT_QUANTITIES.rows_per_statement();
        assert!(rows * INSERT_QUANTITIES.casts.len() <= MAX_BINDS);
        assert!((rows + 1) * INSERT_QUANTITIES.casts.len() > MAX_BINDS);
        assert!(
            INSERT_QUANTITIES
                .sql(rows, true)
                .ends_with(&format!("${})", rows * 6))
        );
        assert_eq!(
            INSERT_QUANTITIES.sql(2, false),
            "INSERT INTO quantities (effect_row_id, position, label, value, unit, status) \
             VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)"
        );
    }
}
