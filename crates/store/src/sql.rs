//! Every SQL statement the store runs, written once for SQLite and PostgreSQL alike:
//! `$n` placeholders, `RETURNING id`, `ON CONFLICT`, no backend-specific functions.
//!
//! Loading selects the reports whose id lies in `$1 ..= $2` (one id for one report, the whole
//! range for all of them) with one statement per table; children are joined through their
//! parents and ordered by parent id and position, so that rows group in document order.

/// Creates the plan if missing and returns its id. `$1` name.
pub(crate) const UPSERT_PLAN: &str = "INSERT INTO plans (name) VALUES ($1) \
     ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id";

/// Deletes the report of a plan and fiscal year (children cascade), returning its id.
/// `$1` plan id, `$2` report fiscal year.
pub(crate) const DELETE_REPORT: &str =
    "DELETE FROM reports WHERE plan_id = $1 AND report_fiscal_year = $2 RETURNING id";

/// `$1` plan id, `$2` report fiscal year, `$3` title, `$4` source name, `$5` source
/// encoding, `$6` imported at.
pub(crate) const INSERT_REPORT: &str = "INSERT INTO reports \
     (plan_id, report_fiscal_year, title, source_name, source_encoding, imported_at) \
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";

pub(crate) const INSERT_REPORT_FISCAL_YEAR: &str =
    "INSERT INTO report_fiscal_years (report_id, position, fiscal_year) VALUES ($1, $2, $3)";

pub(crate) const INSERT_SUMMARY_ROW: &str = "INSERT INTO summary_rows \
     (report_id, position, item_no, title, reporting_department, line) \
     VALUES ($1, $2, $3, $4, $5, $6)";

pub(crate) const INSERT_WARNING: &str =
    "INSERT INTO warnings (report_id, position, line, message) VALUES ($1, $2, $3, $4)";

pub(crate) const INSERT_ITEM: &str = "INSERT INTO items \
     (report_id, position, item_no, title, reporting_department, goal, line) \
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";

pub(crate) const INSERT_DEPARTMENT: &str =
    "INSERT INTO item_departments (item_id, position, name) VALUES ($1, $2, $3)";

pub(crate) const INSERT_CONTENT_ROW: &str = "INSERT INTO content_rows \
     (item_id, position, text, line) VALUES ($1, $2, $3, $4) RETURNING id";

pub(crate) const INSERT_SCHEDULE_CELL: &str = "INSERT INTO schedule_cells \
     (content_row_id, position, fiscal_year, text, actions, phase_code, phase) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

pub(crate) const INSERT_ACTION: &str =
    "INSERT INTO actions (item_id, position, action_no, text) VALUES ($1, $2, $3, $4)";

pub(crate) const INSERT_NARRATIVE: &str = "INSERT INTO narratives \
     (item_id, position, fiscal_year, kind, text, line) VALUES ($1, $2, $3, $4, $5, $6)";

pub(crate) const INSERT_EFFECT_ROW: &str = "INSERT INTO effect_rows \
     (item_id, position, fiscal_year, is_total, text, line) \
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";

pub(crate) const INSERT_QUANTITY: &str = "INSERT INTO quantities \
     (effect_row_id, position, label, value, unit, status) VALUES ($1, $2, $3, $4, $5, $6)";

pub(crate) const INSERT_EVALUATION: &str = "INSERT INTO evaluations \
     (item_id, fiscal_year, text, line) VALUES ($1, $2, $3, $4)";

pub(crate) const INSERT_REPOST: &str =
    "INSERT INTO reposts (item_id, position, item_no) VALUES ($1, $2, $3)";

/// The listing, with item and warning counts.
/// A query that succeeds whenever the database answers (health checks).
pub(crate) const PING: &str = "SELECT 1";

pub(crate) const LIST_REPORTS: &str = "SELECT r.id, p.id, p.name, r.report_fiscal_year, r.title, \
     (SELECT COUNT(*) FROM items i WHERE i.report_id = r.id), \
     (SELECT COUNT(*) FROM warnings w WHERE w.report_id = r.id), \
     r.source_name, r.imported_at \
     FROM reports r JOIN plans p ON p.id = r.plan_id \
     ORDER BY p.name, r.report_fiscal_year, r.id";

pub(crate) const SELECT_REPORTS: &str = "SELECT r.id, p.name, r.report_fiscal_year, r.title \
     FROM reports r JOIN plans p ON p.id = r.plan_id \
     WHERE r.id BETWEEN $1 AND $2 \
     ORDER BY p.name, r.report_fiscal_year, r.id";

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
     ORDER BY report_id, position";

pub(crate) const SELECT_DEPARTMENTS: &str = "SELECT d.item_id, d.name \
     FROM item_departments d JOIN items i ON i.id = d.item_id \
     WHERE i.report_id BETWEEN $1 AND $2 ORDER BY d.item_id, d.position";

pub(crate) const SELECT_CONTENT_ROWS: &str = "SELECT c.id, c.item_id, c.text, c.line \
     FROM content_rows c JOIN items i ON i.id = c.item_id \
     WHERE i.report_id BETWEEN $1 AND $2 ORDER BY c.item_id, c.position";

pub(crate) const SELECT_SCHEDULE_CELLS: &str = "SELECT s.id, s.content_row_id, \
     s.fiscal_year, s.text, s.actions, s.phase_code, s.phase \
     FROM schedule_cells s JOIN content_rows c ON c.id = s.content_row_id \
     JOIN items i ON i.id = c.item_id \
     WHERE i.report_id BETWEEN $1 AND $2 ORDER BY s.content_row_id, s.position";

pub(crate) const SELECT_ACTIONS: &str = "SELECT a.id, a.item_id, a.action_no, a.text \
     FROM actions a JOIN items i ON i.id = a.item_id \
     WHERE i.report_id BETWEEN $1 AND $2 ORDER BY a.item_id, a.position";

pub(crate) const SELECT_NARRATIVES: &str = "SELECT n.id, n.item_id, n.fiscal_year, n.kind, \
     n.text, n.line FROM narratives n JOIN items i ON i.id = n.item_id \
     WHERE i.report_id BETWEEN $1 AND $2 ORDER BY n.item_id, n.position";

pub(crate) const SELECT_EFFECT_ROWS: &str = "SELECT e.id, e.item_id, e.fiscal_year, \
     e.is_total, e.text, e.line FROM effect_rows e JOIN items i ON i.id = e.item_id \
     WHERE i.report_id BETWEEN $1 AND $2 ORDER BY e.item_id, e.position";

pub(crate) const SELECT_QUANTITIES: &str = "SELECT q.id, q.effect_row_id, q.label, q.value, \
     q.unit, q.status FROM quantities q JOIN effect_rows e ON e.id = q.effect_row_id \
     JOIN items i ON i.id = e.item_id \
     WHERE i.report_id BETWEEN $1 AND $2 ORDER BY q.effect_row_id, q.position";

pub(crate) const SELECT_EVALUATIONS: &str = "SELECT v.id, v.item_id, v.fiscal_year, v.text, \
     v.line FROM evaluations v JOIN items i ON i.id = v.item_id \
     WHERE i.report_id BETWEEN $1 AND $2";

pub(crate) const SELECT_REPOSTS: &str = "SELECT r.id, r.item_id, r.item_no \
     FROM reposts r JOIN items i ON i.id = r.item_id \
     WHERE i.report_id BETWEEN $1 AND $2 ORDER BY r.item_id, r.position";
