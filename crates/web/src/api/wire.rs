//! The shapes of the API's answers and requests. Reports, items and findings are the
//! published interchange format (`ReportJson`, `ItemJson`, `FindingJson` of
//! `kaikaku-interchange`, `docs/json-format.md`); what this module adds is the reporting
//! cycle around them (editions, sheet states and versions, comments, history, waivers), with
//! the same conventions: stable codes beside Japanese labels (`"state": "submitted"`,
//! `"state_label": "提出済"`), Gregorian fiscal years beside their 和暦, dates as
//! `YYYY-MM-DD`, timestamps as RFC 3339 in UTC, `null` rather than a missing field.
//!
//! [`crate::api::openapi`] describes every shape here; keep the two in step.

use chrono::{DateTime, SecondsFormat, Utc};
use kaikaku_interchange::{FindingJson, ItemJson, ReportJson};
use kaikaku_model::workflow::{EditionState, SheetState};
use kaikaku_store::{AuditExcerpt, Comment, Edition, StoredReport, Waiver};
use serde::{Deserialize, Serialize};

use crate::cycle::service::BoardRow;
use crate::people::auth::SessionUser;

/// A time as the API gives it: RFC 3339 in UTC to the second (`2026-11-29T09:40:00Z`).
pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

// ---------------------------------------------------------------------------------------------
// Published data.

/// `GET /api/v1/plans`.
#[derive(Debug, Serialize)]
pub(crate) struct PlansJson {
    /// Every plan with a published edition, by plan name.
    pub plans: Vec<PlanJson>,
}

/// A plan and its published editions.
#[derive(Debug, Serialize)]
pub(crate) struct PlanJson {
    /// The plan id (stable).
    pub plan_id: i64,
    /// The plan name.
    pub plan_name: String,
    /// Its published editions (latest revision of each year), newest year first.
    pub editions: Vec<PublishedRefJson>,
}

/// A published edition as listed.
#[derive(Debug, Serialize)]
pub(crate) struct PublishedRefJson {
    /// The report fiscal year, Gregorian.
    pub fiscal_year: i32,
    /// The same year in 和暦.
    pub fiscal_year_label: String,
    /// The document title.
    pub title: String,
    /// How many item sheets.
    pub items: i64,
    /// 1, or the revision of the latest correction.
    pub revision: i32,
    /// When it was published.
    pub published_at: Option<String>,
    /// `import` or `cycle`.
    pub origin: &'static str,
    /// The edition in this API.
    pub url: String,
    /// The edition as a page.
    pub page: String,
}

impl PlansJson {
    /// Groups the published editions by plan, in the order of the listing (by plan name),
    /// each plan's editions newest first.
    pub(crate) fn new(reports: &[StoredReport]) -> PlansJson {
        let mut plans: Vec<PlanJson> = Vec::new();
        for report in reports {
            let Some(year) = report.report_fiscal_year else {
                continue;
            };
            let edition = PublishedRefJson {
                fiscal_year: year.gregorian(),
                fiscal_year_label: year.wareki_label(),
                title: report.title.clone(),
                items: report.items,
                revision: report.revision,
                published_at: report.published_at.map(rfc3339),
                origin: report.origin.code(),
                url: format!("/api/v1/plans/{}/{}", report.plan_id, year.gregorian()),
                page: format!("/plans/{}/{}", report.plan_id, year.gregorian()),
            };
            match plans.iter_mut().find(|p| p.plan_id == report.plan_id) {
                Some(plan) => plan.editions.push(edition),
                None => plans.push(PlanJson {
                    plan_id: report.plan_id,
                    plan_name: report.plan_name.clone(),
                    editions: vec![edition],
                }),
            }
        }
        for plan in &mut plans {
            plan.editions
                .sort_by_key(|edition| std::cmp::Reverse(edition.fiscal_year));
        }
        PlansJson { plans }
    }
}

/// `GET /api/v1/plans/{plan_id}/{fiscal_year}`: the report in the interchange format, with
/// the edition's publication data and the check findings beside its fields.
#[derive(Debug, Serialize)]
pub(crate) struct PublishedEditionJson {
    /// The report, its fields at the top level: the body is a `ReportJson` with more fields.
    #[serde(flatten)]
    pub report: ReportJson,
    /// The plan id.
    pub plan_id: i64,
    /// 1, or the revision of the latest correction.
    pub revision: i32,
    /// When this revision was published.
    pub published_at: Option<String>,
    /// 基準日 (`YYYY-MM-DD`), for editions made in kaikaku.
    pub base_date: Option<String>,
    /// Why the correction was made (revision 2 and later).
    pub correction_note: Option<String>,
    /// Where a stated total does not add up (`kaikaku check`).
    pub findings: Vec<FindingJson>,
}

// ---------------------------------------------------------------------------------------------
// The session.

/// `GET /api/v1/session`.
#[derive(Debug, Serialize)]
pub(crate) struct SessionJson {
    /// The log-in name.
    pub name: String,
    /// `admin`, `editor` or `reviewer`.
    pub role: &'static str,
    /// The role in Japanese.
    pub role_label: &'static str,
    /// The department (記入担当課 of an editor), or null.
    pub department: Option<String>,
    /// The token to send in `X-CSRF-Token` with every write.
    pub csrf_token: String,
}

impl From<&SessionUser> for SessionJson {
    fn from(user: &SessionUser) -> SessionJson {
        SessionJson {
            name: user.name.clone(),
            role: user.role.code(),
            role_label: user.role.label(),
            department: user.department.clone(),
            csrf_token: user.csrf.clone(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The reporting cycle.

/// `GET /api/v1/editions`.
#[derive(Debug, Serialize)]
pub(crate) struct EditionsJson {
    /// Every edition, all revisions and states, by plan name, fiscal year, revision.
    pub editions: Vec<EditionJson>,
}

/// One edition (a plan's report for one year, one revision) with where it is in the cycle.
#[derive(Debug, Serialize)]
pub(crate) struct EditionJson {
    /// The edition id (`/api/v1/editions/{id}`).
    pub id: i64,
    /// The plan id.
    pub plan_id: i64,
    /// The plan name.
    pub plan_name: String,
    /// The report fiscal year, Gregorian.
    pub fiscal_year: i32,
    /// The same year in 和暦.
    pub fiscal_year_label: String,
    /// 1, then one more per correction.
    pub revision: i32,
    /// `open`, `locked` or `published`.
    pub state: &'static str,
    /// 受付中, 確定（ロック）, 公開.
    pub state_label: &'static str,
    /// `import` or `cycle`.
    pub origin: &'static str,
    /// The document title.
    pub title: String,
    /// How many sheets.
    pub items: i64,
    /// 提出期限 (`YYYY-MM-DD`).
    pub due_date: Option<String>,
    /// 基準日 (`YYYY-MM-DD`), set when locked.
    pub base_date: Option<String>,
    /// When the cycle opened it.
    pub opened_at: Option<String>,
    /// When it was locked.
    pub locked_at: Option<String>,
    /// When it was published.
    pub published_at: Option<String>,
    /// Why this correction was made.
    pub correction_note: Option<String>,
}

impl From<&Edition> for EditionJson {
    fn from(edition: &Edition) -> EditionJson {
        EditionJson {
            id: edition.report_id,
            plan_id: edition.plan_id,
            plan_name: edition.plan_name.clone(),
            fiscal_year: edition.fiscal_year.gregorian(),
            fiscal_year_label: edition.fiscal_year.wareki_label(),
            revision: edition.revision,
            state: edition.status.code(),
            state_label: edition.status.label(),
            origin: edition.origin.code(),
            title: edition.title.clone(),
            items: edition.items,
            due_date: edition.due_date.map(|d| d.to_string()),
            base_date: edition.base_date.map(|d| d.to_string()),
            opened_at: edition.opened_at.map(rfc3339),
            locked_at: edition.locked_at.map(rfc3339),
            published_at: edition.published_at.map(rfc3339),
            correction_note: edition.correction_note.clone(),
        }
    }
}

/// `GET /api/v1/editions/{id}`: the edition and its progress board.
#[derive(Debug, Serialize)]
pub(crate) struct EditionBoardJson {
    /// The edition.
    #[serde(flatten)]
    pub edition: EditionJson,
    /// The day due dates are compared with (Japan time), `YYYY-MM-DD`.
    pub today: String,
    /// Every sheet in document order.
    pub sheets: Vec<SheetRowJson>,
}

/// One sheet on the progress board.
#[derive(Debug, Serialize)]
pub(crate) struct SheetRowJson {
    /// The item number.
    pub no: u32,
    /// The item title.
    pub title: String,
    /// 記入担当課.
    pub reporting_department: Option<String>,
    /// `not_started`, `in_progress`, `submitted`, `returned`, `confirmed`.
    pub state: &'static str,
    /// 未着手, 入力中, 提出済, 差戻し, 確定.
    pub state_label: &'static str,
    /// The version a save must name.
    pub version: i64,
    /// When it was last saved or moved.
    pub updated_at: Option<String>,
    /// Who last saved or moved it.
    pub updated_by: Option<String>,
    /// Comments not resolved.
    pub open_comments: i64,
    /// Not submitted although the edition's due date has passed.
    pub overdue: bool,
    /// The user may save the sheet now.
    pub editable: bool,
    /// The sheet is the user's department's (editors).
    pub own: bool,
}

impl From<&BoardRow> for SheetRowJson {
    fn from(row: &BoardRow) -> SheetRowJson {
        let sheet = &row.sheet;
        SheetRowJson {
            no: sheet.no.0,
            title: sheet.title.clone(),
            reporting_department: sheet.reporting_department.clone(),
            state: sheet.state.code(),
            state_label: sheet.state.label(),
            version: sheet.version,
            updated_at: sheet.updated_at.map(rfc3339),
            updated_by: sheet.updated_by.clone(),
            open_comments: sheet.open_comments,
            overdue: row.overdue,
            editable: row.editable,
            own: row.own,
        }
    }
}

/// `GET /api/v1/editions/{id}/sheets/{no}`: one sheet with all that the sheet page shows.
#[derive(Debug, Serialize)]
pub(crate) struct SheetJson {
    /// The edition.
    pub edition_id: i64,
    /// The edition's state: `open`, `locked`, `published`.
    pub edition_state: &'static str,
    /// The content in the interchange format.
    pub item: ItemJson,
    /// The sheet's state code.
    pub state: &'static str,
    /// The state in Japanese.
    pub state_label: &'static str,
    /// The version a save or transition must name.
    pub version: i64,
    /// When it was last saved or moved.
    pub updated_at: Option<String>,
    /// Who last saved or moved it.
    pub updated_by: Option<String>,
    /// The parts carried over from last year and not edited since (`contents.0`, `goal` …).
    pub copied: Vec<String>,
    /// Last year's 見込み for the report year, shown beside the new 実績, or null.
    pub previous_forecast: Option<String>,
    /// Remarks on its fields, oldest first.
    pub comments: Vec<CommentJson>,
    /// Where a stated total does not add up, each with its key and whether it is waived.
    pub findings: Vec<SheetFindingJson>,
    /// Findings accepted with a reason.
    pub waivers: Vec<WaiverJson>,
    /// What the user may do to the sheet now.
    pub permissions: PermissionsJson,
}

/// What the user may do to a sheet now (as the sheet page offers it).
#[derive(Clone, Copy, Debug, Serialize)]
pub(crate) struct PermissionsJson {
    /// 保存 (`PUT`).
    pub save: bool,
    /// 提出.
    pub submit: bool,
    /// 差戻し.
    pub r#return: bool,
    /// 確定 (still refused while a finding is open).
    pub confirm: bool,
    /// 確定解除.
    pub reopen: bool,
    /// Comment.
    pub comment: bool,
    /// Accept a finding with a reason.
    pub waive: bool,
}

/// A check finding of a sheet: the interchange `FindingJson` with the key a waiver names.
#[derive(Debug, Serialize)]
pub(crate) struct SheetFindingJson {
    /// The finding.
    #[serde(flatten)]
    pub finding: FindingJson,
    /// Its stable key on this sheet (for `POST …/waivers`).
    pub key: String,
    /// The field it concerns (`effects.2`, `narratives.1`), or null.
    pub field: Option<String>,
    /// True when an admin accepted it with a reason.
    pub waived: bool,
}

/// A remark on one field.
#[derive(Debug, Serialize)]
pub(crate) struct CommentJson {
    /// The comment id.
    pub id: i64,
    /// The field path (`narratives.0`).
    pub field: String,
    /// The field in Japanese.
    pub field_label: String,
    /// Who wrote it.
    pub author: String,
    /// The remark.
    pub body: String,
    /// When.
    pub created_at: String,
    /// When it was resolved, or null.
    pub resolved_at: Option<String>,
    /// Who resolved it, or null.
    pub resolved_by: Option<String>,
}

impl From<&Comment> for CommentJson {
    fn from(comment: &Comment) -> CommentJson {
        CommentJson {
            id: comment.id,
            field: comment.field.path(),
            field_label: comment.field.label(),
            author: comment.author.clone(),
            body: comment.body.clone(),
            created_at: rfc3339(comment.created_at),
            resolved_at: comment.resolved_at.map(rfc3339),
            resolved_by: comment.resolved_by.clone(),
        }
    }
}

/// A finding accepted with a reason.
#[derive(Debug, Serialize)]
pub(crate) struct WaiverJson {
    /// The waiver id.
    pub id: i64,
    /// The finding's key.
    pub finding_key: String,
    /// Why it is accepted.
    pub reason: String,
    /// Who accepted it.
    pub user: String,
    /// When.
    pub at: String,
}

impl From<&Waiver> for WaiverJson {
    fn from(waiver: &Waiver) -> WaiverJson {
        WaiverJson {
            id: waiver.id,
            finding_key: waiver.finding_key.clone(),
            reason: waiver.reason.clone(),
            user: waiver.user.clone(),
            at: rfc3339(waiver.at),
        }
    }
}

/// `GET …/history?page=N`.
#[derive(Debug, Serialize)]
pub(crate) struct HistoryJson {
    /// The page's journaled changes, oldest first.
    pub entries: Vec<AuditEntryJson>,
    /// Which page (from 1).
    pub page: u64,
    /// How many pages there are (at least 1).
    pub pages: u64,
    /// How many changes the history has.
    pub total: u64,
}

/// One journaled change.
#[derive(Debug, Serialize)]
pub(crate) struct AuditEntryJson {
    /// The entry's id.
    pub id: i64,
    /// When.
    pub at: String,
    /// Who, or null when no person acted.
    pub user: Option<String>,
    /// The field path (`state` for a change of state).
    pub field: String,
    /// The field in Japanese.
    pub field_label: String,
    /// The readable text before (empty when the part is new), whole unless it is longer than
    /// a field may be now (`before_chars`).
    pub before: String,
    /// The readable text after, the same way.
    pub after: String,
    /// The whole length of the text before, in characters.
    pub before_chars: u64,
    /// The whole length of the text after, in characters.
    pub after_chars: u64,
}

impl From<&AuditExcerpt> for AuditEntryJson {
    fn from(excerpt: &AuditExcerpt) -> AuditEntryJson {
        let entry = &excerpt.entry;
        AuditEntryJson {
            id: entry.id,
            at: rfc3339(entry.at),
            user: entry.user.clone(),
            field: entry.field.path(),
            field_label: entry.field.label(),
            before: entry.before.clone(),
            after: entry.after.clone(),
            before_chars: excerpt.before_chars,
            after_chars: excerpt.after_chars,
        }
    }
}

/// What a write answers: the sheet's state and new version.
#[derive(Debug, Serialize)]
pub(crate) struct SheetVersionJson {
    /// The state code after the write.
    pub state: &'static str,
    /// The state in Japanese.
    pub state_label: &'static str,
    /// The version the next save must name.
    pub version: i64,
}

impl SheetVersionJson {
    pub(crate) fn new(state: SheetState, version: i64) -> SheetVersionJson {
        SheetVersionJson {
            state: state.code(),
            state_label: state.label(),
            version,
        }
    }
}

/// What creating something answers: its id.
#[derive(Debug, Serialize)]
pub(crate) struct CreatedJson {
    /// The new id.
    pub id: i64,
}

// ---------------------------------------------------------------------------------------------
// Requests.

/// `PUT /api/v1/editions/{id}/sheets/{no}`.
#[derive(Debug, Deserialize)]
pub(crate) struct SaveSheetRequest {
    /// The version the client read.
    pub version: i64,
    /// The whole content, in the interchange format.
    pub item: ItemJson,
    /// Submit in the same transaction (保存して提出).
    #[serde(default)]
    pub submit: bool,
}

/// `POST …/transitions`.
#[derive(Debug, Deserialize)]
pub(crate) struct TransitionRequest {
    /// `submit`, `return`, `confirm` or `reopen`.
    pub action: String,
    /// The version the client read.
    pub version: i64,
    /// Remarks on fields (a return carries them).
    #[serde(default)]
    pub comments: Vec<CommentRequest>,
}

/// A remark on one field: `POST …/comments`, and inside a transition.
#[derive(Debug, Deserialize)]
pub(crate) struct CommentRequest {
    /// The field path (`narratives.0`, `evaluation` …).
    pub field: String,
    /// The remark.
    pub body: String,
}

/// `POST /api/v1/cycle`.
#[derive(Debug, Deserialize)]
pub(crate) struct OpenCycleRequest {
    /// The plan.
    pub plan_id: i64,
    /// The report fiscal year to open, Gregorian.
    pub fiscal_year: i32,
    /// 提出期限 (`YYYY-MM-DD`), or null.
    #[serde(default)]
    pub due_date: Option<String>,
}

/// `POST /api/v1/editions/{id}/lock`.
#[derive(Debug, Deserialize)]
pub(crate) struct LockRequest {
    /// 基準日 (`YYYY-MM-DD`).
    pub base_date: String,
}

/// `POST /api/v1/editions/{id}/correction`.
#[derive(Debug, Deserialize)]
pub(crate) struct CorrectionRequest {
    /// Why the correction is made.
    pub note: String,
}

/// `POST …/waivers`.
#[derive(Debug, Deserialize)]
pub(crate) struct WaiverRequest {
    /// The finding's key, from the sheet's `findings`.
    pub finding_key: String,
    /// Why it is accepted.
    pub reason: String,
}

/// Every edition state code, for the OpenAPI enums.
pub(crate) fn edition_states() -> Vec<&'static str> {
    EditionState::ALL.iter().map(|s| s.code()).collect()
}

/// Every sheet state code, for the OpenAPI enums.
pub(crate) fn sheet_states() -> Vec<&'static str> {
    SheetState::ALL.iter().map(|s| s.code()).collect()
}
