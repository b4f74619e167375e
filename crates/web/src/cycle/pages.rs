//! The pages of the reporting cycle (logged-in users), server-rendered forms over
//! [`super::service`]:
//!
//! | route | page |
//! |---|---|
//! | `GET /cycle`, `POST /cycle` | 進行中の報告; admins open a report year |
//! | `GET /editions/{id}` | the progress board; admins lock, unlock, publish, correct |
//! | `POST /editions/{id}/lock`, `/unlock`, `/publish`, `/correction` | the edition's state (admin) |
//! | `GET /editions/{id}/sheets/{no}`, `POST …/sheets/{no}` | a sheet: read, or edit and save |
//! | `POST …/sheets/{no}/transition` | 提出, 差戻し (with comments per field), 確定, 確定解除 |
//! | `POST …/sheets/{no}/comments`, `POST …/comments/{comment_id}/resolve` | comments (admins, reviewers) |
//! | `POST …/sheets/{no}/waivers` | 指摘の確認済み (admin) |
//! | `GET …/sheets/{no}/history` | the sheet's history with readable diffs, newest first, 20 a page (`?page=N`; another page number is a 404) |
//! | `GET …/sheets/{no}/history/{entry}` | one change with its whole texts (the link of a shortened row) |
//!
//! A successful POST redirects (303) back to its page with its [`Notice`] (`?done=…`). A
//! refusal that is not about the role (403) or an address (404) shows the page again with the
//! message and its status (409, 422), the input kept; a form whose values cannot be read shows
//! it again with the errors beside the inputs (400), nothing saved; a stale save (409) shows
//! both versions side by side.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kaikaku_model::FiscalYear;
use kaikaku_model::calendar::{Era, parse_date};
use kaikaku_model::workflow::{
    Denied, EditionState, Field, Role, SheetAction, diff_items, may_comment,
};
use kaikaku_store::{Cycle, Edition, HistoryOrder};

use super::form::{FormErrors, SheetForm};
use super::notice::Notice;
use super::service::{self, Actor, AfterSave, SheetDetail};
use super::views::{self, Choice, CommentView, EditView, FindingNote, HistoryRow, Notes, ReadView};
use crate::http::extract::{CommentKey, EditionId, HistoryEntryKey, SheetKey, page_number};
use crate::people::auth::AuthUser;
use crate::public::service::correction_changes;
use crate::views::changes::{ChangeView, grouped};
use crate::views::{Crumb, Layout, time};
use crate::{AppState, Error};

// -------------------------------------------------------------------------------------------
// Addresses.
// -------------------------------------------------------------------------------------------

impl SheetKey {
    fn href(self) -> String {
        format!("/editions/{}/sheets/{}", self.report_id, self.no.0)
    }
}

fn edition_href(report_id: i64) -> String {
    format!("/editions/{report_id}")
}

/// The pairs of a posted `application/x-www-form-urlencoded` body.
fn pairs(body: &Bytes) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map_or("", |(_, value)| value.as_str())
}

/// A refusal that a page shows beside its form (409, 422); 403, 404 and server errors are
/// error pages.
fn shown_in_page(error: &Error) -> bool {
    matches!(
        error.status(),
        StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST
    )
}

fn layout(user: &AuthUser, title: String, crumbs: Vec<Crumb>) -> Layout {
    Layout {
        title,
        crumbs,
        paper_a3: false,
        session: Some(user.bar()),
    }
}

fn cycle_crumb(link: bool) -> Crumb {
    Crumb {
        label: "進行中の報告".to_owned(),
        href: link.then(|| "/cycle".to_owned()),
    }
}

/// The trail down to an edition's progress board (linked when `link`).
fn edition_crumbs(edition: &Edition, link: bool) -> Vec<Crumb> {
    vec![
        Crumb::home(),
        cycle_crumb(true),
        Crumb {
            label: edition_label(edition),
            href: link.then(|| edition_href(edition.report_id)),
        },
    ]
}

/// The trail down to one of an edition's sheets (linked to `sheet_href` when given).
fn sheet_crumbs(
    edition: &Edition,
    no: kaikaku_model::ItemNo,
    sheet_href: Option<String>,
) -> Vec<Crumb> {
    let mut crumbs = edition_crumbs(edition, true);
    crumbs.push(Crumb {
        label: no.to_string(),
        href: sheet_href,
    });
    crumbs
}

fn edition_label(edition: &Edition) -> String {
    let revision = if edition.revision > 1 {
        format!(" 第{}版", edition.revision)
    } else {
        String::new()
    };
    format!(
        "{} {}{revision}",
        edition.plan_name,
        edition.fiscal_year.wareki_label()
    )
}

// -------------------------------------------------------------------------------------------
// GET /cycle, POST /cycle.
// -------------------------------------------------------------------------------------------

/// An edition in a list.
#[derive(Debug)]
struct EditionRow {
    href: String,
    plan_name: String,
    year_label: String,
    title: String,
    revision: i32,
    state_code: &'static str,
    state_label: &'static str,
    items: i64,
    due: String,
}

impl EditionRow {
    fn new(edition: &Edition) -> EditionRow {
        EditionRow {
            href: edition_href(edition.report_id),
            plan_name: edition.plan_name.clone(),
            year_label: edition.fiscal_year.label(),
            title: edition.title.clone(),
            revision: edition.revision,
            state_code: edition.status.code(),
            state_label: edition.status.label(),
            items: edition.items,
            due: edition.due_date.map(time::date).unwrap_or_default(),
        }
    }
}

/// `GET /cycle`: 進行中の報告.
#[derive(Debug, Template, WebTemplate)]
#[template(path = "cycle_index.html")]
pub(crate) struct CyclePage {
    layout: Layout,
    notice: Option<Notice>,
    alert: Option<String>,
    editions: Vec<EditionRow>,
    published: Vec<EditionRow>,
    is_admin: bool,
    plans: Vec<Choice>,
    fiscal_year: String,
    due_date: String,
}

/// The values of the open-a-year form.
#[derive(Debug, Default)]
struct OpenForm {
    plan_id: String,
    fiscal_year: String,
    due_date: String,
}

async fn cycle_page(
    state: &AppState,
    user: &AuthUser,
    notice: Option<Notice>,
    alert: Option<String>,
    form: Option<OpenForm>,
) -> Result<CyclePage, Error> {
    let store = state.store();
    let editions = store.list_editions().await?;
    let plans = service::plans(store).await?;
    let form = form.unwrap_or_default();
    let selected = if form.plan_id.is_empty() {
        plans
            .first()
            .map(|p| p.plan_id.to_string())
            .unwrap_or_default()
    } else {
        form.plan_id.clone()
    };
    let fiscal_year = if form.fiscal_year.is_empty() {
        plans
            .iter()
            .find(|p| p.plan_id.to_string() == selected)
            .map(|p| p.next_year.gregorian().to_string())
            .unwrap_or_default()
    } else {
        form.fiscal_year.clone()
    };
    Ok(CyclePage {
        layout: layout(
            user,
            "進行中の報告".to_owned(),
            vec![Crumb::home(), cycle_crumb(false)],
        ),
        notice,
        alert,
        editions: editions
            .iter()
            .filter(|e| e.status != EditionState::Published)
            .map(EditionRow::new)
            .collect(),
        published: editions
            .iter()
            .filter(|e| e.status == EditionState::Published)
            .map(EditionRow::new)
            .collect(),
        is_admin: user.role == Role::Admin,
        plans: plans
            .iter()
            .map(|p| Choice {
                value: p.plan_id.to_string(),
                label: format!(
                    "{}（公開済みの最新: {}、次は{}）",
                    p.plan_name,
                    p.latest_year.wareki_label(),
                    p.next_year.wareki_label()
                ),
                selected: p.plan_id.to_string() == selected,
            })
            .collect(),
        fiscal_year,
        due_date: form.due_date,
    })
}

/// `GET /cycle`.
pub(crate) async fn index(
    State(state): State<AppState>,
    user: AuthUser,
    RawQuery(query): RawQuery,
) -> Result<CyclePage, Error> {
    cycle_page(&state, &user, Notice::parse(query.as_deref()), None, None).await
}

/// A fiscal year typed as `2022`, `令和4年度`, `R4`, or `4年度` in today's era.
fn read_fiscal_year(text: &str) -> Option<FiscalYear> {
    let era = Era::of_date(service::today());
    FiscalYear::parse(text.trim(), Some(era)).ok()
}

/// A date typed as `2026-11-30` (a date input), `令和8年11月30日`, `R8.11.30`; empty is `None`.
fn read_date(text: &str) -> Result<Option<chrono::NaiveDate>, ()> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    parse_date(text).map(Some).ok_or(())
}

/// `POST /cycle`: opens a report year (admin).
pub(crate) async fn open(
    State(state): State<AppState>,
    user: AuthUser,
    body: Bytes,
) -> Result<Response, Error> {
    crate::people::auth::require(&user, &[Role::Admin])?;
    let pairs = pairs(&body);
    let form = OpenForm {
        plan_id: field(&pairs, "plan_id").trim().to_owned(),
        fiscal_year: field(&pairs, "fiscal_year").trim().to_owned(),
        due_date: field(&pairs, "due_date").trim().to_owned(),
    };
    let plan_id = form.plan_id.parse::<i64>().ok();
    let year = read_fiscal_year(&form.fiscal_year);
    let due = read_date(&form.due_date);
    let problem = match (plan_id, year, &due) {
        (None, ..) => Some("計画を選んでください。"),
        (_, None, _) => Some("報告年度を 2025 や 令和7年度 のように入力してください。"),
        (.., Err(())) => {
            Some("提出期限を 2026-11-30 や 令和8年11月30日 のように入力してください。")
        }
        _ => None,
    };
    let (Some(plan_id), Some(year), Ok(due), None) = (plan_id, year, due, problem) else {
        let alert = problem.map(str::to_owned);
        let page = cycle_page(&state, &user, None, alert, Some(form)).await?;
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    };
    match service::open_year(state.store(), &Actor::from(&*user), plan_id, year, due).await {
        Ok(id) => Ok(Redirect::to(&Notice::Opened.href(&edition_href(id), "")).into_response()),
        Err(error) if shown_in_page(&error) || error.status() == StatusCode::NOT_FOUND => {
            let status = error.status();
            let page = cycle_page(&state, &user, None, Some(error.message()), Some(form)).await?;
            Ok((status, page).into_response())
        }
        Err(error) => Err(error),
    }
}

// -------------------------------------------------------------------------------------------
// The progress board.
// -------------------------------------------------------------------------------------------

/// One sheet on the board.
#[derive(Debug)]
struct BoardRowView {
    no: u32,
    title: String,
    href: String,
    state_code: &'static str,
    state_label: &'static str,
    updated: String,
    updated_by: String,
    overdue: bool,
    open_comments: i64,
    editable: bool,
}

/// The sheets of one department.
#[derive(Debug)]
struct DepartmentGroup {
    department: String,
    own: bool,
    rows: Vec<BoardRowView>,
}

/// A count of sheets in one state.
#[derive(Debug)]
struct StateCount {
    code: &'static str,
    label: &'static str,
    count: usize,
}

/// A change of a correction.
#[derive(Debug)]
struct CorrectionChange {
    item: String,
    change: ChangeView,
}

/// `GET /editions/{id}`: the progress board.
#[derive(Debug, Template, WebTemplate)]
#[template(path = "cycle_board.html")]
pub(crate) struct BoardPage {
    layout: Layout,
    notice: Option<Notice>,
    alert: Option<String>,
    report_id: i64,
    title: String,
    label: String,
    state_code: &'static str,
    state_label: &'static str,
    due: String,
    base: String,
    today: String,
    today_iso: String,
    correction_note: Option<String>,
    public_href: Option<String>,
    counts: Vec<StateCount>,
    total: usize,
    overdue: usize,
    groups: Vec<DepartmentGroup>,
    is_admin: bool,
    is_open: bool,
    is_locked: bool,
    is_published: bool,
    history: Vec<HistoryRow>,
    older_history: u64,
    changes: Vec<CorrectionChange>,
    base_date: String,
    note: String,
}

async fn board_page(
    state: &AppState,
    user: &AuthUser,
    report_id: i64,
    notice: Option<Notice>,
    alert: Option<String>,
    typed: (String, String),
) -> Result<BoardPage, Error> {
    let store = state.store();
    let actor = Actor::from(&**user);
    let board = service::board(store, &actor, report_id).await?;
    let edition = &board.edition;
    let edition_history = service::edition_history(store, report_id).await?;
    let mut history = views::history(&edition_history.entries, |_| None);
    // Oldest first, as a log reads; older entries than these are counted.
    history.reverse();
    // (Saturating: under PostgreSQL's READ COMMITTED an entry journaled between the count and
    // the read may be among those read.)
    let older_history = edition_history.total.saturating_sub(history.len() as u64);
    let changes = correction_changes(store, edition)
        .await?
        .iter()
        .map(|(no, change)| CorrectionChange {
            item: no.to_string(),
            change: ChangeView::new(change),
        })
        .collect();
    let mut groups: Vec<DepartmentGroup> = Vec::new();
    for row in &board.rows {
        let department = row
            .sheet
            .reporting_department
            .clone()
            .unwrap_or_else(|| "（記入担当課なし）".to_owned());
        let view = BoardRowView {
            no: row.sheet.no.0,
            title: row.sheet.title.clone(),
            href: SheetKey {
                report_id,
                no: row.sheet.no,
            }
            .href(),
            state_code: row.sheet.state.code(),
            state_label: row.sheet.state.label(),
            updated: row.sheet.updated_at.map(time::when).unwrap_or_default(),
            updated_by: row.sheet.updated_by.clone().unwrap_or_default(),
            overdue: row.overdue,
            open_comments: row.sheet.open_comments,
            editable: row.editable,
        };
        match groups.iter_mut().find(|g| g.department == department) {
            Some(group) => group.rows.push(view),
            None => groups.push(DepartmentGroup {
                department,
                own: row.own,
                rows: vec![view],
            }),
        }
    }
    // An editor's own department first.
    groups.sort_by_key(|g| !g.own);
    let public_href = (edition.status == EditionState::Published).then(|| {
        format!(
            "/plans/{}/{}",
            edition.plan_id,
            edition.fiscal_year.gregorian()
        )
    });
    let (base_date, note) = typed;
    Ok(BoardPage {
        layout: layout(
            user,
            format!("進捗一覧｜{}", edition.title),
            edition_crumbs(edition, false),
        ),
        notice,
        alert,
        report_id,
        title: edition.title.clone(),
        label: edition_label(edition),
        state_code: edition.status.code(),
        state_label: edition.status.label(),
        due: edition.due_date.map(time::date).unwrap_or_default(),
        base: edition.base_date.map(time::date).unwrap_or_default(),
        today: time::date(board.today),
        today_iso: board.today.format("%Y-%m-%d").to_string(),
        correction_note: edition.correction_note.clone(),
        public_href,
        counts: board
            .counts()
            .into_iter()
            .map(|(state, count)| StateCount {
                code: state.code(),
                label: state.label(),
                count,
            })
            .collect(),
        total: board.rows.len(),
        overdue: board.overdue(),
        groups,
        is_admin: actor.is_admin(),
        is_open: edition.status == EditionState::Open,
        is_locked: edition.status == EditionState::Locked,
        is_published: edition.status == EditionState::Published,
        history,
        older_history,
        changes,
        base_date,
        note,
    })
}

/// `GET /editions/{id}`.
pub(crate) async fn board(
    State(state): State<AppState>,
    user: AuthUser,
    EditionId(report_id): EditionId,
    RawQuery(query): RawQuery,
) -> Result<BoardPage, Error> {
    board_page(
        &state,
        &user,
        report_id,
        Notice::parse(query.as_deref()),
        None,
        Default::default(),
    )
    .await
}

/// The board again after an edition action: a redirect with the notice, or the page with the
/// refusal.
async fn after_edition_action(
    state: &AppState,
    user: &AuthUser,
    report_id: i64,
    result: Result<Notice, Error>,
    typed: (String, String),
) -> Result<Response, Error> {
    match result {
        Ok(done) => Ok(Redirect::to(&done.href(&edition_href(report_id), "")).into_response()),
        Err(error) if shown_in_page(&error) => {
            let status = error.status();
            let page =
                board_page(state, user, report_id, None, Some(error.message()), typed).await?;
            Ok((status, page).into_response())
        }
        Err(error) => Err(error),
    }
}

/// `POST /editions/{id}/lock`: locks with the 基準日 `base_date` (admin).
pub(crate) async fn lock(
    State(state): State<AppState>,
    user: AuthUser,
    EditionId(report_id): EditionId,
    body: Bytes,
) -> Result<Response, Error> {
    crate::people::auth::require(&user, &[Role::Admin])?;
    let pairs = pairs(&body);
    let typed = field(&pairs, "base_date").trim().to_owned();
    let result = match read_date(&typed) {
        Ok(Some(base_date)) => {
            service::lock(state.store(), &Actor::from(&*user), report_id, base_date)
                .await
                .map(|()| Notice::Locked)
        }
        _ => Err(Error::Invalid(
            "基準日を 2026-03-31 や 令和8年3月31日 のように入力してください。".to_owned(),
        )),
    };
    after_edition_action(&state, &user, report_id, result, (typed, String::new())).await
}

/// `POST /editions/{id}/unlock` (admin).
pub(crate) async fn unlock(
    State(state): State<AppState>,
    user: AuthUser,
    EditionId(report_id): EditionId,
) -> Result<Response, Error> {
    let result = service::unlock(state.store(), &Actor::from(&*user), report_id)
        .await
        .map(|()| Notice::Unlocked);
    after_edition_action(&state, &user, report_id, result, Default::default()).await
}

/// `POST /editions/{id}/publish` (admin).
pub(crate) async fn publish(
    State(state): State<AppState>,
    user: AuthUser,
    EditionId(report_id): EditionId,
) -> Result<Response, Error> {
    let result = service::publish(state.store(), &Actor::from(&*user), report_id)
        .await
        .map(|()| Notice::Published);
    after_edition_action(&state, &user, report_id, result, Default::default()).await
}

/// `POST /editions/{id}/correction`: opens a correction with its `note` (admin), then shows
/// the new revision's board.
pub(crate) async fn correction(
    State(state): State<AppState>,
    user: AuthUser,
    EditionId(report_id): EditionId,
    body: Bytes,
) -> Result<Response, Error> {
    crate::people::auth::require(&user, &[Role::Admin])?;
    let pairs = pairs(&body);
    let note = field(&pairs, "note").to_owned();
    match service::open_correction(state.store(), &Actor::from(&*user), report_id, &note).await {
        Ok(id) => Ok(Redirect::to(&Notice::Corrected.href(&edition_href(id), "")).into_response()),
        Err(error) => {
            after_edition_action(&state, &user, report_id, Err(error), (String::new(), note)).await
        }
    }
}

// -------------------------------------------------------------------------------------------
// The sheet.
// -------------------------------------------------------------------------------------------

/// The start of the name of a 差戻し form's comment box, before the field's path
/// (`comment.narratives.0`).
const RETURN_COMMENT: &str = "comment.";

/// A comment box of the 差戻し form.
#[derive(Debug)]
struct ReturnField {
    name: String,
    label: String,
    value: String,
}

/// The current version beside the user's input, after a stale save.
#[derive(Debug)]
struct ConflictView {
    current: ReadView,
    current_version: i64,
    updated: String,
    differs: Vec<String>,
}

/// `GET /editions/{id}/sheets/{no}`: one sheet.
#[derive(Debug, Template, WebTemplate)]
#[template(path = "cycle_sheet.html")]
pub(crate) struct SheetPage {
    layout: Layout,
    notice: Option<Notice>,
    alert: Option<String>,
    href: String,
    board_href: String,
    history_href: String,
    edition_label: String,
    edition_state: &'static str,
    no: u32,
    title: String,
    reporting_department: String,
    state_code: &'static str,
    state_label: &'static str,
    version: i64,
    /// The version the form sends: the one the user's input started from, or the current
    /// one (a fresh form, or after a conflict, to save over it knowingly).
    form_version: i64,
    updated: String,
    updated_by: String,
    copied: usize,
    findings: Vec<FindingNote>,
    open_findings: usize,
    edit: Option<EditView>,
    read: Option<ReadView>,
    conflict: Option<ConflictView>,
    comments: Vec<CommentView>,
    /// Resolved comments left out (the oldest).
    hidden_comments: usize,
    /// How many resolved comments are shown at most.
    shown_resolved: usize,
    open_comments: usize,
    comment_fields: Vec<Choice>,
    return_fields: Vec<ReturnField>,
    may_save: bool,
    may_submit: bool,
    may_return: bool,
    may_confirm: bool,
    may_reopen: bool,
    may_comment: bool,
    may_waive: bool,
    comment_body: String,
}

/// What a sheet page shows besides the stored sheet.
#[derive(Debug, Default)]
struct Extras {
    notice: Option<Notice>,
    alert: Option<String>,
    /// The user's input, shown instead of the stored content, with the errors beside it.
    form: Option<(SheetForm, FormErrors)>,
    /// A stale save: the user's input beside the current version.
    conflict: bool,
    /// The version the user's input started from (kept when the form is shown again).
    version: Option<i64>,
    /// The comment boxes of a refused 差戻し, by field path.
    return_comments: BTreeMap<String, String>,
    /// A refused comment.
    comment: (String, String),
}

fn notes_of(detail: &SheetDetail) -> Notes {
    Notes {
        copied: detail.sheet.copied.iter().map(|f| f.path()).collect(),
        differs: BTreeSet::new(),
        comments: service::shown_comments(&detail.comments)
            .0
            .into_iter()
            .map(|comment| CommentView::new(comment, &detail.sheet.item))
            .collect(),
        findings: views::finding_notes(&detail.findings),
    }
}

async fn sheet_page(
    state: &AppState,
    user: &AuthUser,
    key: SheetKey,
    extras: Extras,
) -> Result<SheetPage, Error> {
    let actor = Actor::from(&**user);
    let detail = service::sheet(state.store(), &actor, key.report_id, key.no).await?;
    let sheet = &detail.sheet;
    let permissions = detail.permissions;
    let notes = notes_of(&detail);
    let previous = detail.previous_forecast.as_deref();
    let (edit, read, conflict) = match (&extras.form, extras.conflict) {
        (Some((form, _)), true) => {
            // The user's item against the current one: which fields differ.
            let (mine, map) = form
                .to_item(&sheet.item, &detail.frame, state.limits())
                .unwrap_or_else(|_| (sheet.item.clone(), Default::default()));
            let changes = diff_items(&sheet.item, &mine);
            let differs: BTreeSet<String> = changes.iter().map(|c| c.field.path()).collect();
            let mut current_notes = notes.clone();
            current_notes.differs = differs.clone();
            let mut mine_notes = notes.clone();
            mine_notes.differs = differs.clone();
            let edit = EditView::new(
                &form.clone().with_blank_rows(),
                &sheet.item,
                &detail.frame,
                &FormErrors::new(),
                &mine_notes,
                previous,
                Some((&map, &differs)),
            );
            let conflict = ConflictView {
                current: ReadView::new(&sheet.item, &detail.frame, &current_notes, previous),
                current_version: sheet.version,
                updated: format!(
                    "{}（{}）",
                    sheet.updated_at.map(time::when).unwrap_or_default(),
                    sheet.updated_by.as_deref().unwrap_or("—")
                ),
                differs: changes.iter().map(|c| c.field.label()).collect(),
            };
            (Some(edit), None, Some(conflict))
        }
        (Some((form, errors)), false) if permissions.save => {
            let edit = EditView::new(
                &form.clone().with_blank_rows(),
                &sheet.item,
                &detail.frame,
                errors,
                &notes,
                previous,
                None,
            );
            (Some(edit), None, None)
        }
        _ if permissions.save => {
            let form = SheetForm::from_item(&sheet.item, &detail.frame);
            let edit = EditView::new(
                &form,
                &sheet.item,
                &detail.frame,
                &FormErrors::new(),
                &notes,
                previous,
                None,
            );
            (Some(edit), None, None)
        }
        _ => (
            None,
            Some(ReadView::new(&sheet.item, &detail.frame, &notes, previous)),
            None,
        ),
    };
    let fields = views::comment_fields(&sheet.item);
    let (comment_field, comment_body) = extras.comment;
    let comments: Vec<CommentView> = notes.comments.clone();
    let hidden_comments = service::shown_comments(&detail.comments).1;
    Ok(SheetPage {
        layout: layout(
            user,
            format!(
                "{} {}｜{}",
                sheet.no, sheet.item.title, detail.edition.title
            ),
            sheet_crumbs(&detail.edition, sheet.no, None),
        ),
        notice: extras.notice,
        alert: extras.alert,
        href: key.href(),
        board_href: edition_href(key.report_id),
        history_href: format!("{}/history", key.href()),
        edition_label: edition_label(&detail.edition),
        edition_state: detail.edition.status.label(),
        no: sheet.no.0,
        title: sheet.item.title.clone(),
        reporting_department: sheet.item.reporting_department.clone().unwrap_or_default(),
        state_code: sheet.state.code(),
        state_label: sheet.state.label(),
        version: sheet.version,
        form_version: extras
            .version
            .filter(|_| !extras.conflict)
            .unwrap_or(sheet.version),
        updated: sheet.updated_at.map(time::when).unwrap_or_default(),
        updated_by: sheet.updated_by.clone().unwrap_or_default(),
        copied: sheet.copied.len(),
        open_findings: detail.open_findings().count(),
        findings: notes.findings.clone(),
        edit,
        read,
        conflict,
        open_comments: comments.iter().filter(|c| c.resolved.is_none()).count(),
        comments,
        hidden_comments,
        shown_resolved: service::SHOWN_RESOLVED_COMMENTS,
        comment_fields: fields
            .iter()
            .map(|(path, label)| Choice {
                selected: *path == comment_field,
                value: path.clone(),
                label: label.clone(),
            })
            .collect(),
        return_fields: fields
            .iter()
            .map(|(path, label)| ReturnField {
                name: format!("{RETURN_COMMENT}{path}"),
                label: label.clone(),
                value: extras
                    .return_comments
                    .get(path)
                    .cloned()
                    .unwrap_or_default(),
            })
            .collect(),
        may_save: permissions.save,
        may_submit: permissions.submit,
        may_return: permissions.return_,
        may_confirm: permissions.confirm,
        may_reopen: permissions.reopen,
        may_comment: permissions.comment,
        may_waive: permissions.waive,
        comment_body,
    })
}

/// `GET /editions/{id}/sheets/{no}`.
pub(crate) async fn sheet(
    State(state): State<AppState>,
    user: AuthUser,
    key: SheetKey,
    RawQuery(query): RawQuery,
) -> Result<SheetPage, Error> {
    let extras = Extras {
        notice: Notice::parse(query.as_deref()),
        ..Extras::default()
    };
    sheet_page(&state, &user, key, extras).await
}

fn version_of(pairs: &[(String, String)]) -> Result<i64, Error> {
    field(pairs, "version")
        .trim()
        .parse::<i64>()
        .map_err(|_| Error::BadRequest)
}

/// The sheet again after a POST: a redirect with the notice, or the page with the refusal
/// (its status), `extras` keeping what was typed.
async fn after_sheet_action(
    state: &AppState,
    user: &AuthUser,
    key: SheetKey,
    result: Result<Notice, Error>,
    anchor: &str,
    mut extras: Extras,
) -> Result<Response, Error> {
    match result {
        Ok(done) => Ok(Redirect::to(&done.href(&key.href(), anchor)).into_response()),
        Err(error) if shown_in_page(&error) => {
            let status = error.status();
            extras.alert = Some(error.message());
            let page = sheet_page(state, user, key, extras).await?;
            Ok((status, page).into_response())
        }
        Err(error) => Err(error),
    }
}

/// `POST /editions/{id}/sheets/{no}`: saves the form (`intent=save`), or saves and submits it
/// in one transaction (`intent=submit`).
pub(crate) async fn save(
    State(state): State<AppState>,
    user: AuthUser,
    key: SheetKey,
    body: Bytes,
) -> Result<Response, Error> {
    let actor = Actor::from(&*user);
    let store = state.store();
    let stored = store.sheet(key.report_id, key.no).await?;
    service::check_role(&actor, &stored, SheetAction::Save)?;
    let pairs = pairs(&body);
    let version = version_of(&pairs)?;
    let after = match field(&pairs, "intent") {
        "submit" => AfterSave::Submit,
        _ => AfterSave::Stay,
    };
    let form = SheetForm::from_pairs(&pairs);
    let frame = service::frame(store, key.report_id).await?;
    let item = match form.to_item(&stored.item, &frame, state.limits()) {
        Ok((item, _)) => item,
        Err(errors) => {
            let extras = Extras {
                alert: Some(format!(
                    "入力内容に{}件の誤りがあります。該当する欄の表示を確認してください。保存はされていません。",
                    errors.len()
                )),
                form: Some((form, errors)),
                version: Some(version),
                ..Extras::default()
            };
            let page = sheet_page(&state, &user, key, extras).await?;
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let limits = state.limits();
    match service::save_sheet(
        store,
        &actor,
        limits,
        key.report_id,
        key.no,
        version,
        &item,
        after,
    )
    .await
    {
        Ok(_) => {
            let done = match after {
                AfterSave::Stay => Notice::Saved,
                AfterSave::Submit => Notice::Submitted,
            };
            Ok(Redirect::to(&done.href(&key.href(), "")).into_response())
        }
        Err(Error::Conflict {
            current_version, ..
        }) => {
            let extras = Extras {
                alert: Some(format!(
                    "このシートはほかの人が保存したため（現在の版 {current_version}）、あなたの入力は保存されていません。下の「あなたの入力」と「現在保存されている内容」を見比べて、必要なら入力を直してからもう一度保存してください。"
                )),
                form: Some((form, FormErrors::new())),
                conflict: true,
                ..Extras::default()
            };
            let page = sheet_page(&state, &user, key, extras).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(error) if shown_in_page(&error) => {
            let status = error.status();
            let extras = Extras {
                alert: Some(error.message()),
                form: Some((form, FormErrors::new())),
                version: Some(version),
                ..Extras::default()
            };
            let page = sheet_page(&state, &user, key, extras).await?;
            Ok((status, page).into_response())
        }
        Err(error) => Err(error),
    }
}

/// `POST /editions/{id}/sheets/{no}/transition`: `action` (`submit`, `return`, `confirm`,
/// `reopen`), `version`, and `comment.{field path}` boxes (a 差戻し's remarks).
pub(crate) async fn transition(
    State(state): State<AppState>,
    user: AuthUser,
    key: SheetKey,
    body: Bytes,
) -> Result<Response, Error> {
    let pairs = pairs(&body);
    let action = SheetAction::from_code(field(&pairs, "action")).ok_or(Error::BadRequest)?;
    let version = version_of(&pairs)?;
    let mut typed = BTreeMap::new();
    let mut comments = Vec::new();
    let mut unknown = None;
    for (name, value) in &pairs {
        let Some(path) = name.strip_prefix(RETURN_COMMENT) else {
            continue;
        };
        if value.trim().is_empty() {
            continue;
        }
        typed.insert(path.to_owned(), value.clone());
        match Field::parse(path) {
            Some(field) => comments.push((field, value.clone())),
            None => unknown = Some(path.to_owned()),
        }
    }
    let result = match unknown {
        Some(path) => Err(Error::Invalid(format!(
            "「{path}」はシートの項目ではありません。"
        ))),
        None => service::transition(
            state.store(),
            &Actor::from(&*user),
            key.report_id,
            key.no,
            version,
            action,
            &comments,
        )
        .await
        .map(|_| Notice::after(action)),
    };
    let extras = Extras {
        return_comments: typed,
        ..Extras::default()
    };
    after_sheet_action(&state, &user, key, result, "", extras).await
}

/// `POST /editions/{id}/sheets/{no}/comments`: `field` (a field path) and `body`.
pub(crate) async fn comment(
    State(state): State<AppState>,
    user: AuthUser,
    key: SheetKey,
    body: Bytes,
) -> Result<Response, Error> {
    if !may_comment(user.role) {
        return Err(Error::Denied(Denied::Role));
    }
    let pairs = pairs(&body);
    let path = field(&pairs, "field").to_owned();
    let text = field(&pairs, "body").to_owned();
    let result = match Field::parse(&path) {
        Some(field) => service::add_comment(
            state.store(),
            &Actor::from(&*user),
            key.report_id,
            key.no,
            field,
            &text,
        )
        .await
        .map(|_| Notice::Commented),
        None => Err(Error::Invalid(
            "コメントする欄を選んでください。".to_owned(),
        )),
    };
    let extras = Extras {
        comment: (path, text),
        ..Extras::default()
    };
    after_sheet_action(&state, &user, key, result, "#comments", extras).await
}

/// `POST /editions/{id}/sheets/{no}/comments/{comment_id}/resolve`.
pub(crate) async fn resolve(
    State(state): State<AppState>,
    user: AuthUser,
    CommentKey { sheet, comment_id }: CommentKey,
) -> Result<Response, Error> {
    let result = service::resolve_comment(
        state.store(),
        &Actor::from(&*user),
        sheet.report_id,
        sheet.no,
        comment_id,
    )
    .await
    .map(|()| Notice::Resolved);
    after_sheet_action(&state, &user, sheet, result, "#comments", Extras::default()).await
}

/// `POST /editions/{id}/sheets/{no}/waivers`: `finding` (the finding's key) and `reason`
/// (admin).
pub(crate) async fn waive(
    State(state): State<AppState>,
    user: AuthUser,
    key: SheetKey,
    body: Bytes,
) -> Result<Response, Error> {
    let pairs = pairs(&body);
    let result = service::waive(
        state.store(),
        &Actor::from(&*user),
        key.report_id,
        key.no,
        field(&pairs, "finding"),
        field(&pairs, "reason"),
    )
    .await
    .map(|_| Notice::Waived);
    after_sheet_action(&state, &user, key, result, "#findings", Extras::default()).await
}

// -------------------------------------------------------------------------------------------
// The history.
// -------------------------------------------------------------------------------------------

/// A link to one page of a paginated list.
#[derive(Debug)]
pub(crate) struct PageLink {
    /// The page number.
    number: u64,
    /// Its address.
    href: String,
    /// True for the page shown.
    current: bool,
}

/// The links of a paginated list: the first and last pages, and two on each side of the
/// current one (at most 7 links however many pages), with a gap marked where pages are left
/// out (`None`).
fn page_links(base: &str, page: u64, pages: u64) -> Vec<Option<PageLink>> {
    let link = |number: u64| {
        Some(PageLink {
            number,
            href: page_href(base, number),
            current: number == page,
        })
    };
    let from = page.saturating_sub(2).max(1);
    let to = page.saturating_add(2).min(pages);
    let mut links = Vec::new();
    if from > 1 {
        links.push(link(1));
        if from > 2 {
            links.push(None);
        }
    }
    links.extend((from..=to).map(link));
    if to < pages {
        if to + 1 < pages {
            links.push(None);
        }
        links.push(link(pages));
    }
    links
}

/// The address of page `number` of the list at `base` (the first page is `base` itself).
fn page_href(base: &str, number: u64) -> String {
    if number == 1 {
        base.to_owned()
    } else {
        format!("{base}?page={number}")
    }
}

/// `GET /editions/{id}/sheets/{no}/history`: the sheet's audit log, a page at a time.
#[derive(Debug, Template, WebTemplate)]
#[template(path = "cycle_history.html")]
pub(crate) struct HistoryPage {
    layout: Layout,
    sheet_href: String,
    no: u32,
    title: String,
    edition_label: String,
    rows: Vec<HistoryRow>,
    /// `全45件中 21～40件目`.
    range: String,
    page: u64,
    pages: u64,
    links: Vec<Option<PageLink>>,
    previous_href: Option<String>,
    next_href: Option<String>,
}

/// `GET /editions/{id}/sheets/{no}/history?page=N` (newest first, 20 a page).
pub(crate) async fn history(
    State(state): State<AppState>,
    user: AuthUser,
    key: SheetKey,
    RawQuery(query): RawQuery,
) -> Result<HistoryPage, Error> {
    let page = page_number(query.as_deref())?;
    let store = state.store();
    let history = service::history(
        store,
        key.report_id,
        key.no,
        HistoryOrder::NewestFirst,
        page,
    )
    .await?;
    let sheet = store.sheet(key.report_id, key.no).await?;
    let edition = store.edition(key.report_id).await?;
    let base = format!("{}/history", key.href());
    let rows = views::history(&history.entries, |entry| Some(format!("{base}/{entry}")));
    let first = (history.page - 1) * u64::from(service::HISTORY_PAGE_SIZE) + 1;
    let range = if history.total == 0 {
        String::new()
    } else {
        format!(
            "全{}件中 {}～{}件目",
            grouped(history.total),
            grouped(first),
            grouped(first + rows.len() as u64 - 1)
        )
    };
    let title = if history.page > 1 {
        format!(
            "変更履歴（{}/{}ページ）｜{} {}",
            history.page, history.pages, sheet.no, sheet.item.title
        )
    } else {
        format!("変更履歴｜{} {}", sheet.no, sheet.item.title)
    };
    Ok(HistoryPage {
        layout: layout(&user, title, {
            let mut crumbs = sheet_crumbs(&edition, sheet.no, Some(key.href()));
            crumbs.push(Crumb {
                label: "変更履歴".to_owned(),
                href: None,
            });
            crumbs
        }),
        sheet_href: key.href(),
        no: sheet.no.0,
        title: sheet.item.title.clone(),
        edition_label: edition_label(&edition),
        rows,
        range,
        page: history.page,
        pages: history.pages,
        links: page_links(&base, history.page, history.pages),
        previous_href: (history.page > 1).then(|| page_href(&base, history.page - 1)),
        next_href: (history.page < history.pages).then(|| page_href(&base, history.page + 1)),
    })
}

/// `GET /editions/{id}/sheets/{no}/history/{entry}`: one change with its whole texts.
#[derive(Debug, Template, WebTemplate)]
#[template(path = "cycle_history_entry.html")]
pub(crate) struct HistoryEntryPage {
    layout: Layout,
    history_href: String,
    no: u32,
    title: String,
    edition_label: String,
    when: String,
    user: String,
    label: String,
    before: String,
    after: String,
    before_chars: String,
    after_chars: String,
}

/// `GET /editions/{id}/sheets/{no}/history/{entry}`.
pub(crate) async fn history_entry(
    State(state): State<AppState>,
    user: AuthUser,
    HistoryEntryKey { sheet: key, entry }: HistoryEntryKey,
) -> Result<HistoryEntryPage, Error> {
    let store = state.store();
    let entry = service::history_entry(store, key.report_id, key.no, entry).await?;
    let sheet = store.sheet(key.report_id, key.no).await?;
    let edition = store.edition(key.report_id).await?;
    let history_href = format!("{}/history", key.href());
    let label = entry.field.label_in(&sheet.item);
    Ok(HistoryEntryPage {
        layout: layout(
            &user,
            format!("変更内容の全文｜{} {}", sheet.no, label),
            {
                let mut crumbs = sheet_crumbs(&edition, sheet.no, Some(key.href()));
                crumbs.push(Crumb {
                    label: "変更履歴".to_owned(),
                    href: Some(history_href.clone()),
                });
                crumbs.push(Crumb {
                    label: "全文".to_owned(),
                    href: None,
                });
                crumbs
            },
        ),
        history_href,
        no: sheet.no.0,
        title: sheet.item.title.clone(),
        edition_label: edition_label(&edition),
        when: time::when(entry.at),
        user: entry.user.clone().unwrap_or_else(|| "—".to_owned()),
        label,
        before_chars: grouped(entry.before.chars().count() as u64),
        after_chars: grouped(entry.after.chars().count() as u64),
        before: entry.before,
        after: entry.after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_links_keep_the_ends_and_two_on_each_side() {
        let shown = |page, pages| {
            page_links("/h", page, pages)
                .into_iter()
                .map(|link| match link {
                    Some(link) if link.current => format!("[{}]", link.number),
                    Some(link) => link.number.to_string(),
                    None => "…".to_owned(),
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(shown(1, 1), "[1]");
        assert_eq!(shown(1, 3), "[1] 2 3");
        assert_eq!(shown(5, 10), "1 … 3 4 [5] 6 7 … 10");
        assert_eq!(shown(4, 10), "1 2 3 [4] 5 6 … 10");
        assert_eq!(shown(10, 10), "1 … 8 9 [10]");
        assert_eq!(
            shown(u64::MAX, u64::MAX),
            "1 … 18446744073709551613 18446744073709551614 [18446744073709551615]"
        );
        let links = page_links("/h", 2, 3);
        let hrefs: Vec<&str> = links.iter().flatten().map(|l| l.href.as_str()).collect();
        assert_eq!(hrefs, ["/h", "/h?page=2", "/h?page=3"]);
    }

    #[test]
    fn fiscal_years_and_dates_as_typed() {
        assert_eq!(
            read_fiscal_year("2022").map(FiscalYear::gregorian),
            Some(2022)
        );
        assert_eq!(
            read_fiscal_year("令和4年度").map(FiscalYear::gregorian),
            Some(2022)
        );
        assert_eq!(
            read_fiscal_year("R4").map(FiscalYear::gregorian),
            Some(2022)
        );
        assert_eq!(read_fiscal_year("来年"), None);
        assert_eq!(
            read_date("2026-11-30"),
            Ok(chrono::NaiveDate::from_ymd_opt(2026, 11, 30))
        );
        assert_eq!(read_date(""), Ok(None));
        assert_eq!(read_date("そのうち"), Err(()));
    }
}
