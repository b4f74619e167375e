//! The rows the store reads, named: one struct per statement of two columns or more (a single
//! column is read with `query_scalar`), each field named as the statement names its column
//! (`p.name AS plan_name`), so that a query and the code that reads it agree by name, not by
//! position. The operations turn them into
//! records ([`crate::records`]) with the strict decoders of [`crate::codec`]; the decoding
//! that more than one operation needs is here.

use crate::codec::{corrupt, decode_role, decode_timestamp};
use crate::{StoreError, User};

/// A row of the public listing (`sql::report_listing!`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ListingRow {
    pub(crate) id: i64,
    pub(crate) plan_id: i64,
    pub(crate) plan_name: String,
    pub(crate) municipality_code: String,
    pub(crate) municipality_name: String,
    pub(crate) report_fiscal_year: i32,
    pub(crate) title: String,
    pub(crate) items: i64,
    pub(crate) warnings: i64,
    pub(crate) source_name: Option<String>,
    pub(crate) imported_at: String,
    pub(crate) revision: i32,
    pub(crate) origin: String,
    pub(crate) published_at: Option<String>,
    pub(crate) base_date: Option<String>,
    pub(crate) correction_note: Option<String>,
}

/// A municipality with published editions (`sql::LIST_MUNICIPALITIES`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct MunicipalityRow {
    pub(crate) municipality_code: String,
    pub(crate) municipality_name: String,
    pub(crate) plans: i64,
    pub(crate) editions: i64,
    pub(crate) latest_fiscal_year: i32,
}

/// A report's own columns, for loading it (`sql::SELECT_REPORTS`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ReportRow {
    pub(crate) id: i64,
    pub(crate) plan_name: String,
    pub(crate) municipality_code: String,
    pub(crate) municipality_name: String,
    pub(crate) report_fiscal_year: i32,
    pub(crate) title: String,
}

/// A year of a report's plan period (`sql::SELECT_REPORT_FISCAL_YEARS`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct FiscalYearRow {
    pub(crate) id: i64,
    pub(crate) report_id: i64,
    pub(crate) fiscal_year: i32,
}

/// A `summary_rows` row (`sql::SELECT_SUMMARY_ROWS`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SummaryLineRow {
    pub(crate) id: i64,
    pub(crate) report_id: i64,
    pub(crate) item_no: i64,
    pub(crate) title: String,
    pub(crate) reporting_department: String,
    pub(crate) line: i64,
}

/// A `warnings` row (`sql::SELECT_WARNINGS`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct WarningRow {
    pub(crate) id: i64,
    pub(crate) report_id: i64,
    pub(crate) line: i64,
    pub(crate) message: String,
}

/// An item's own columns (`sql::SELECT_ITEMS`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ItemRow {
    pub(crate) id: i64,
    pub(crate) report_id: i64,
    pub(crate) item_no: i64,
    pub(crate) title: String,
    pub(crate) reporting_department: Option<String>,
    pub(crate) goal: Option<String>,
    pub(crate) line: i64,
}

/// An `item_departments` row (`sql::SELECT_DEPARTMENTS`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct DepartmentRow {
    pub(crate) item_id: i64,
    pub(crate) name: String,
}

/// A `content_rows` row (`sql::SELECT_CONTENT_ROWS`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ContentLineRow {
    pub(crate) id: i64,
    pub(crate) item_id: i64,
    pub(crate) text: String,
    pub(crate) line: i64,
}

/// A `schedule_cells` row (`sql::SELECT_SCHEDULE_CELLS`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ScheduleCellRow {
    pub(crate) id: i64,
    pub(crate) content_row_id: i64,
    pub(crate) fiscal_year: i32,
    pub(crate) text: String,
    pub(crate) actions: String,
    pub(crate) phase_code: Option<String>,
    pub(crate) phase: Option<String>,
}

/// An `actions` row (`sql::SELECT_ACTIONS`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ActionRow {
    pub(crate) id: i64,
    pub(crate) item_id: i64,
    pub(crate) action_no: i32,
    pub(crate) text: String,
}

/// A `narratives` row (`sql::SELECT_NARRATIVES`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct NarrativeRow {
    pub(crate) id: i64,
    pub(crate) item_id: i64,
    pub(crate) fiscal_year: i32,
    pub(crate) kind: String,
    pub(crate) text: String,
    pub(crate) line: i64,
}

/// An `effect_rows` row (`sql::SELECT_EFFECT_ROWS`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct EffectLineRow {
    pub(crate) id: i64,
    pub(crate) item_id: i64,
    pub(crate) fiscal_year: Option<i32>,
    pub(crate) is_total: bool,
    pub(crate) text: String,
    pub(crate) line: i64,
}

/// A `quantities` row (`sql::SELECT_QUANTITIES`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct QuantityRow {
    pub(crate) id: i64,
    pub(crate) effect_row_id: i64,
    pub(crate) label: String,
    pub(crate) value: String,
    pub(crate) unit: String,
    pub(crate) status: Option<String>,
}

/// An `evaluations` row (`sql::SELECT_EVALUATIONS`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct EvaluationRow {
    pub(crate) id: i64,
    pub(crate) item_id: i64,
    pub(crate) fiscal_year: i32,
    pub(crate) text: String,
    pub(crate) line: i64,
}

/// A `reposts` row (`sql::SELECT_REPOSTS`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct RepostRow {
    pub(crate) id: i64,
    pub(crate) item_id: i64,
    pub(crate) item_no: i64,
}

/// What an insert of child rows returns for each row (`RETURNING id, … AS parent_id,
/// position` of `sql::INSERT_ITEMS`, `sql::INSERT_CONTENT_ROWS`, `sql::INSERT_EFFECT_ROWS`):
/// its new id and what identifies it, its parent's id and its position.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct InsertedRow {
    pub(crate) id: i64,
    pub(crate) parent_id: i64,
    pub(crate) position: i32,
}

/// A plan of a given name (`sql::FIND_PLANS_NAMED`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct NamedPlanRow {
    pub(crate) id: i64,
    pub(crate) municipality_code: String,
    pub(crate) municipality_name: String,
}

/// How many editions are published and the highest id among them (`sql::PUBLICATION_STAMP`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct PublicationStampRow {
    pub(crate) published: i64,
    pub(crate) latest_id: i64,
}

/// A `users` row (`sql::SELECT_USER` and the other user statements).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct UserRow {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) role: String,
    pub(crate) department: Option<String>,
    pub(crate) password_hash: String,
    pub(crate) created_at: String,
}

impl UserRow {
    /// The user, or [`StoreError::Corrupt`] for a role or time that does not decode.
    pub(crate) fn decode(self) -> Result<User, StoreError> {
        let bad = corrupt("users", self.id);
        Ok(User {
            id: self.id,
            name: self.name,
            role: decode_role(&self.role).map_err(&bad)?,
            department: self.department,
            password_hash: self.password_hash,
            created_at: decode_timestamp(&self.created_at).map_err(&bad)?,
        })
    }
}

/// A session with its user (`sql::SELECT_SESSION`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SessionRow {
    pub(crate) token_hash: String,
    pub(crate) csrf_token: String,
    pub(crate) expires_at: String,
    #[sqlx(flatten)]
    pub(crate) user: UserRow,
}

/// What an edition is filed under, and its state (`sql::SELECT_EDITION_KEY`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct EditionKeyRow {
    pub(crate) plan_id: i64,
    pub(crate) plan_name: String,
    pub(crate) report_fiscal_year: i32,
    pub(crate) revision: i32,
    pub(crate) status: String,
}

/// An edition as listed (`sql::edition_select!`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct EditionListRow {
    pub(crate) report_id: i64,
    pub(crate) plan_id: i64,
    pub(crate) plan_name: String,
    pub(crate) report_fiscal_year: i32,
    pub(crate) revision: i32,
    pub(crate) status: String,
    pub(crate) origin: String,
    pub(crate) title: String,
    pub(crate) items: i64,
    pub(crate) due_date: Option<String>,
    pub(crate) base_date: Option<String>,
    pub(crate) opened_at: Option<String>,
    pub(crate) locked_at: Option<String>,
    pub(crate) published_at: Option<String>,
    pub(crate) correction_note: Option<String>,
}

/// An `audit_log` row with its user's name (`sql::SELECT_SHEET_AUDIT`,
/// `sql::SELECT_EDITION_AUDIT`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct AuditRow {
    pub(crate) id: i64,
    pub(crate) at: String,
    pub(crate) user_name: Option<String>,
    pub(crate) field: String,
    pub(crate) before_text: String,
    pub(crate) after_text: String,
}

/// An `audit_log` row of a history page, its texts cut, with their whole lengths
/// (`sql::SELECT_SHEET_AUDIT_PAGE`, `sql::SELECT_EDITION_AUDIT_PAGE`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct AuditExcerptRow {
    #[sqlx(flatten)]
    pub(crate) row: AuditRow,
    pub(crate) before_chars: i64,
    pub(crate) after_chars: i64,
}

/// A sheet's own row (`sql::SELECT_SHEET_HEAD`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SheetHeadRow {
    pub(crate) item_id: i64,
    pub(crate) state: String,
    pub(crate) version: i64,
    pub(crate) reporting_department: Option<String>,
    pub(crate) updated_at: Option<String>,
    pub(crate) updated_by: Option<String>,
}

/// A sheet on the progress board (`sql::SELECT_SHEET_SUMMARIES`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SheetSummaryRow {
    pub(crate) item_id: i64,
    pub(crate) item_no: i64,
    pub(crate) title: String,
    pub(crate) reporting_department: Option<String>,
    pub(crate) state: String,
    pub(crate) version: i64,
    pub(crate) updated_at: Option<String>,
    pub(crate) updated_by: Option<String>,
    pub(crate) open_comments: i64,
}

/// A comment with the names of its author and resolver (`sql::SELECT_COMMENTS`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct CommentRow {
    pub(crate) id: i64,
    pub(crate) field: String,
    pub(crate) author: String,
    pub(crate) body: String,
    pub(crate) created_at: String,
    pub(crate) resolved_at: Option<String>,
    pub(crate) resolved_by: Option<String>,
}

/// A waiver with its user's name (`sql::SELECT_WAIVERS`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct WaiverRow {
    pub(crate) id: i64,
    pub(crate) finding_key: String,
    pub(crate) reason: String,
    pub(crate) user_name: String,
    pub(crate) at: String,
}

/// A search document stored without its folded text (`sql::SELECT_UNFOLDED_DOCUMENTS`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct UnfoldedDocumentRow {
    pub(crate) id: i64,
    pub(crate) text: String,
}

/// The text a search hit is shown by (each engine's `SELECT_BEST_DOCUMENTS`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct BestDocumentRow {
    pub(crate) item_id: i64,
    pub(crate) field: String,
    pub(crate) label: String,
    pub(crate) text: String,
}

/// One hit of a search statement (`sql::search_columns!`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct HitRow {
    pub(crate) item_id: i64,
    pub(crate) report_id: i64,
    pub(crate) plan_id: i64,
    pub(crate) plan_name: String,
    pub(crate) municipality_code: String,
    pub(crate) municipality_name: String,
    pub(crate) report_fiscal_year: i32,
    pub(crate) revision: i32,
    pub(crate) status: String,
    pub(crate) item_no: i64,
    pub(crate) title: String,
}

/// A table of an SQLite database, with the statement that created it (`backup`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SqliteTableRow {
    pub(crate) name: String,
    pub(crate) sql: Option<String>,
}

/// A table of a PostgreSQL database, with its schema-qualified name as PostgreSQL quotes it
/// (`backup`).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct PgTableRow {
    pub(crate) name: String,
    pub(crate) quoted: String,
}
