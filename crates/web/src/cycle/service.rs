//! Every operation of the reporting cycle, shared by the pages (`cycle::pages`) and the JSON
//! API: who may do what is decided here (with [`workflow::may`] and
//! [`workflow::may_comment`]), then the store does it in ONE transaction.
//!
//! Every function takes the store and the acting [`Actor`] and returns the web layer's
//! [`Error`], whose status is decided in one place (`crate::error`):
//!
//! | refusal | status |
//! |---|---|
//! | the role or the department may not ([`Error::Forbidden`], [`Error::Denied`] with [`Denied::Role`] or [`Denied::OtherDepartment`]) | 403 |
//! | an unknown edition, sheet, plan or comment ([`Error::Store`] with a `NotFound` kind) | 404 |
//! | a stale version ([`Error::Conflict`], with the sheet as it is now) | 409 |
//! | the state does not allow it: a closed edition, a sheet state, 確定 with open findings, lock before every sheet is 確定 ([`Error::Denied`], [`Error::Refused`], [`Error::Store`]) | 409 |
//! | a value that is not acceptable: an empty reason, a field the sheet does not have, a sheet past the [`Limits`] ([`Error::Invalid`]) | 422 |
//!
//! Reading drafts needs a log-in (the routes say so); any logged-in role reads every sheet.
//! Nothing here writes twice where one transaction is needed: a save that also submits is one
//! [`Cycle::save_sheet`] with the new state, a return with its comments one
//! [`Cycle::transition`].

use chrono::{NaiveDate, Utc};
use kaikaku_check::{Finding, FindingKind};
use kaikaku_model::limits;
use kaikaku_model::workflow::{
    self, Denied, EditionState, Field, Role, SheetAction, SheetState, may, may_comment,
    previous_forecast,
};
use kaikaku_model::{FiscalYear, Item, ItemNo, Limits, Report};
use kaikaku_store::{
    AuditEntry, AuditExcerpt, AuditPage, Comment, Cycle, Database, Edition, HistoryOrder, Sheet,
    SheetSummary, Store, StoreError, Waiver,
};

use crate::Error;
use crate::people::auth::SessionUser;

/// The longest comment, waiver reason or correction note accepted, in characters.
pub const MAX_NOTE_CHARS: usize = 4000;

/// Unresolved comments a sheet may have at once: beyond, a new comment (or a 差戻し with
/// comments) is refused until some are resolved, so that no sheet page grows without bound.
pub const MAX_OPEN_COMMENTS: usize = 50;

/// Resolved comments a sheet page shows, the newest (the others are counted).
pub const SHOWN_RESOLVED_COMMENTS: usize = 20;

/// Who acts: the logged-in user, without the session's secrets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The user id (written to the audit log).
    pub id: i64,
    /// The log-in name.
    pub name: String,
    /// The role.
    pub role: Role,
    /// The department (記入担当課) of an editor.
    pub department: Option<String>,
}

impl From<&SessionUser> for Actor {
    fn from(user: &SessionUser) -> Actor {
        Actor {
            id: user.id,
            name: user.name.clone(),
            role: user.role,
            department: user.department.clone(),
        }
    }
}

impl Actor {
    /// The actor as [`workflow::may`] sees it.
    pub fn workflow(&self) -> workflow::Actor<'_> {
        workflow::Actor {
            role: self.role,
            department: self.department.as_deref(),
        }
    }

    /// True for the policy division.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// True when the actor is an editor of `department`.
    pub fn is_editor_of(&self, department: Option<&str>) -> bool {
        self.role == Role::Editor
            && department.is_some()
            && self.department.as_deref() == department
    }
}

/// [`Error::Forbidden`] unless the actor is an admin.
fn require_admin(actor: &Actor) -> Result<(), Error> {
    if actor.is_admin() {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// Today in Japan (UTC+9, no daylight saving), the day due dates are compared with.
pub fn today() -> NaiveDate {
    kaikaku_model::calendar::japan_time(Utc::now().naive_utc()).date()
}

/// A required free text (a reason, a note, a comment): trimmed, not empty, not too long.
fn required_text(text: &str, what: &str) -> Result<String, Error> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::Invalid(format!("{what}を入力してください。")));
    }
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(Error::Invalid(format!(
            "{what}は{MAX_NOTE_CHARS}文字以内で入力してください。"
        )));
    }
    Ok(text.replace("\r\n", "\n"))
}

// -------------------------------------------------------------------------------------------
// Editions.
// -------------------------------------------------------------------------------------------

/// A plan that a new report year can be opened for, from its published editions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanChoice {
    /// The plan id.
    pub plan_id: i64,
    /// The plan name.
    pub plan_name: String,
    /// The latest published report year.
    pub latest_year: FiscalYear,
    /// The year after it: what an admin usually opens.
    pub next_year: FiscalYear,
}

/// The plans with a published edition, in the order of [`Store::list_reports`] (plan name),
/// each with its latest published year.
pub async fn plans(store: &Database) -> Result<Vec<PlanChoice>, Error> {
    let mut choices: Vec<PlanChoice> = Vec::new();
    for report in store.list_reports().await? {
        let Some(year) = report.report_fiscal_year else {
            continue;
        };
        match choices.iter_mut().find(|c| c.plan_id == report.plan_id) {
            Some(choice) if choice.latest_year < year => {
                choice.latest_year = year;
                choice.next_year = year.next();
            }
            Some(_) => {}
            None => choices.push(PlanChoice {
                plan_id: report.plan_id,
                plan_name: report.plan_name.clone(),
                latest_year: year,
                next_year: year.next(),
            }),
        }
    }
    Ok(choices)
}

/// One edition as listed (any state). 404 for an unknown id.
pub async fn edition(store: &Database, report_id: i64) -> Result<Edition, Error> {
    Ok(store.edition(report_id).await?)
}

/// Opens the report year `fiscal_year` of a plan (admin) with its 提出期限 `due_date`, and
/// returns the new edition's id: every item gets a sheet carried over from last year's
/// published edition ([`Cycle::open_cycle`]).
///
/// 404 for an unknown plan; 409 when the year exists already, has no earlier edition to carry
/// over, or last year is not published yet.
pub async fn open_year(
    store: &Database,
    actor: &Actor,
    plan_id: i64,
    fiscal_year: FiscalYear,
    due_date: Option<NaiveDate>,
) -> Result<i64, Error> {
    require_admin(actor)?;
    let id = store
        .open_cycle(plan_id, fiscal_year, due_date, actor.id)
        .await?;
    tracing::info!(by = %actor.name, plan_id, year = fiscal_year.gregorian(), report_id = id, "report year opened");
    Ok(id)
}

/// Locks an open edition with its 基準日 (admin). 409 while a sheet is not 確定 or when the
/// edition is not open.
pub async fn lock(
    store: &Database,
    actor: &Actor,
    report_id: i64,
    base_date: NaiveDate,
) -> Result<(), Error> {
    require_admin(actor)?;
    store.lock_edition(report_id, base_date, actor.id).await?;
    tracing::info!(by = %actor.name, report_id, %base_date, "edition locked");
    Ok(())
}

/// Takes a locked edition back to open (admin). 409 when it is not locked.
pub async fn unlock(store: &Database, actor: &Actor, report_id: i64) -> Result<(), Error> {
    require_admin(actor)?;
    store.unlock_edition(report_id, actor.id).await?;
    tracing::info!(by = %actor.name, report_id, "edition unlocked");
    Ok(())
}

/// Publishes a locked edition (admin); from then on it never changes. 409 when it is not
/// locked.
pub async fn publish(store: &Database, actor: &Actor, report_id: i64) -> Result<(), Error> {
    require_admin(actor)?;
    store.publish_edition(report_id, actor.id).await?;
    tracing::info!(by = %actor.name, report_id, "edition published");
    Ok(())
}

/// Opens a correction (訂正) of a published edition with a note saying why (admin), and
/// returns the new revision's id. 422 for an empty note; 409 when the edition is not
/// published or already has a later revision.
pub async fn open_correction(
    store: &Database,
    actor: &Actor,
    report_id: i64,
    note: &str,
) -> Result<i64, Error> {
    require_admin(actor)?;
    let note = required_text(note, "訂正の理由")?;
    let id = store.open_correction(report_id, &note, actor.id).await?;
    tracing::info!(by = %actor.name, report_id, correction = id, "correction opened");
    Ok(id)
}

/// Entries of the edition's own history shown on the progress board: the newest.
pub const EDITION_HISTORY_SHOWN: u32 = 20;

/// The newest [`EDITION_HISTORY_SHOWN`] entries of the edition's own history (opened,
/// locked, unlocked, published), newest first, with the number of entries in all.
pub async fn edition_history(store: &Database, report_id: i64) -> Result<AuditPage, Error> {
    Ok(store
        .audit_page(
            report_id,
            None,
            HistoryOrder::NewestFirst,
            0,
            EDITION_HISTORY_SHOWN,
            HISTORY_CLIP_CHARS,
        )
        .await?)
}

// -------------------------------------------------------------------------------------------
// The progress board.
// -------------------------------------------------------------------------------------------

/// The progress board of an edition: every sheet with its state, last change and whether it
/// is overdue.
#[derive(Clone, Debug)]
pub struct Board {
    /// The edition.
    pub edition: Edition,
    /// The day the due date is compared with ([`today`]).
    pub today: NaiveDate,
    /// Every sheet, in document order.
    pub rows: Vec<BoardRow>,
}

/// One sheet on the board.
#[derive(Clone, Debug)]
pub struct BoardRow {
    /// The sheet as the store lists it (state, version, last change and who, open comments).
    pub sheet: SheetSummary,
    /// Not submitted or confirmed, and the edition's due date is past.
    pub overdue: bool,
    /// The actor may save the sheet now (an editor's own department, or an admin, while the
    /// edition is open and the state allows it).
    pub editable: bool,
    /// The sheet belongs to the actor's department (editors).
    pub own: bool,
}

impl Board {
    /// How many sheets are in each state, in the order of [`SheetState::ALL`].
    pub fn counts(&self) -> Vec<(SheetState, usize)> {
        SheetState::ALL
            .into_iter()
            .map(|state| {
                let n = self.rows.iter().filter(|r| r.sheet.state == state).count();
                (state, n)
            })
            .collect()
    }

    /// How many sheets are overdue.
    pub fn overdue(&self) -> usize {
        self.rows.iter().filter(|r| r.overdue).count()
    }
}

/// True when a sheet in `state` is overdue on `today`: not submitted or confirmed, and the
/// due date is past (the due date itself is still in time).
pub fn is_overdue(state: SheetState, due_date: Option<NaiveDate>, today: NaiveDate) -> bool {
    let pending = matches!(
        state,
        SheetState::NotStarted | SheetState::InProgress | SheetState::Returned
    );
    pending && due_date.is_some_and(|due| today > due)
}

/// The progress board of an edition (any logged-in user). 404 for an unknown edition.
pub async fn board(store: &Database, actor: &Actor, report_id: i64) -> Result<Board, Error> {
    let edition = store.edition(report_id).await?;
    let sheets = store.sheets(report_id).await?;
    let today = today();
    let rows = sheets
        .into_iter()
        .map(|sheet| {
            let department = sheet.reporting_department.as_deref().unwrap_or_default();
            let editable = may(
                actor.workflow(),
                SheetAction::Save,
                department,
                sheet.state,
                edition.status,
            )
            .is_ok();
            BoardRow {
                overdue: edition.status == EditionState::Open
                    && is_overdue(sheet.state, edition.due_date, today),
                own: actor.is_editor_of(sheet.reporting_department.as_deref()),
                editable,
                sheet,
            }
        })
        .collect();
    Ok(Board {
        edition,
        today,
        rows,
    })
}

// -------------------------------------------------------------------------------------------
// Sheets.
// -------------------------------------------------------------------------------------------

/// What the actor may do to a sheet now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Permissions {
    /// 保存.
    pub save: bool,
    /// 提出, offered as 保存して提出 on every sheet the actor may save.
    pub submit: bool,
    /// 差戻し.
    pub return_: bool,
    /// 確定 (still refused while a finding is open).
    pub confirm: bool,
    /// 確定解除.
    pub reopen: bool,
    /// Add and resolve comments (admins and reviewers, while the edition is not published).
    pub comment: bool,
    /// Accept a check finding with a reason (admins, while the edition is open).
    pub waive: bool,
}

impl Permissions {
    /// What `actor` may do to `sheet`.
    pub fn of(actor: &Actor, sheet: &Sheet) -> Permissions {
        let department = sheet
            .item
            .reporting_department
            .as_deref()
            .unwrap_or_default();
        let allowed = |action: SheetAction| {
            may(
                actor.workflow(),
                action,
                department,
                sheet.state,
                sheet.edition_status,
            )
            .is_ok()
        };
        Permissions {
            save: allowed(SheetAction::Save),
            // 保存して提出: a sheet that may be saved (未着手, 入力中, 差戻し) is 入力中 once saved,
            // and may be submitted from there.
            submit: allowed(SheetAction::Save)
                && may(
                    actor.workflow(),
                    SheetAction::Submit,
                    department,
                    SheetState::InProgress,
                    sheet.edition_status,
                )
                .is_ok(),
            return_: allowed(SheetAction::Return),
            confirm: allowed(SheetAction::Confirm),
            reopen: allowed(SheetAction::Reopen),
            comment: may_comment(actor.role) && sheet.edition_status != EditionState::Published,
            waive: actor.is_admin() && sheet.edition_status == EditionState::Open,
        }
    }
}

/// A check finding of a sheet, with its stable key, the field it concerns and its waiver.
#[derive(Clone, Debug)]
pub struct CheckedFinding {
    /// The finding.
    pub finding: Finding,
    /// Its stable key ([`finding_key`]), what a waiver names.
    pub key: String,
    /// The part of the sheet it concerns: the 総計 row of the effects, or the narrative (or
    /// 総評) that states the sum.
    pub field: Option<Field>,
    /// The waiver that accepts it, if an admin gave one.
    pub waiver: Option<Waiver>,
}

impl CheckedFinding {
    /// True while nobody accepted the finding: 確定 is refused.
    pub fn is_open(&self) -> bool {
        self.waiver.is_none()
    }
}

/// The stable key of a finding, independent of line numbers (which mean nothing once a sheet
/// is edited on the web): `kind:year:label:stated+unit:computed`, e.g.
/// `total_mismatch:総計::464296千円:410732`. An edit that changes the stated or the computed
/// value makes a new finding, which needs its own waiver.
pub fn finding_key(finding: &Finding) -> String {
    let year = finding
        .fiscal_year
        .map_or_else(|| "総計".to_owned(), |y| y.gregorian().to_string());
    format!(
        "{}:{year}:{}:{}{}:{}",
        finding.kind.code(),
        finding.label,
        finding.stated.normalize(),
        finding.unit,
        finding.computed.normalize()
    )
}

/// The findings of one sheet: [`kaikaku_check::check`] on a report with the edition's
/// metadata (`frame`, whose items are ignored) and just `item`.
pub fn check_item(frame: &Report, item: &Item) -> Vec<Finding> {
    let report = Report {
        title: frame.title.clone(),
        plan_name: frame.plan_name.clone(),
        municipality: frame.municipality.clone(),
        report_fiscal_year: frame.report_fiscal_year,
        fiscal_years: frame.fiscal_years.clone(),
        summary: Vec::new(),
        items: vec![item.clone()],
        warnings: Vec::new(),
    };
    kaikaku_check::check(&report)
}

/// The part of `item` a finding concerns: the 総計 row for a total, the narrative (or 総評)
/// whose text states the sum for a stated sum.
pub fn finding_field(item: &Item, finding: &Finding) -> Option<Field> {
    match finding.kind {
        FindingKind::TotalMismatch => item
            .effects
            .iter()
            .position(|row| row.is_total && row.line == finding.line)
            .or_else(|| item.effects.iter().position(|row| row.is_total))
            .map(Field::Effect),
        FindingKind::StatedSumMismatch => {
            let year = finding.fiscal_year;
            let mut candidates: Vec<Field> = item
                .narratives
                .iter()
                .enumerate()
                .filter(|(_, n)| Some(n.fiscal_year) == year && n.line == finding.line)
                .map(|(i, _)| Field::Narrative(i))
                .collect();
            if item
                .evaluation
                .as_ref()
                .is_some_and(|e| Some(e.fiscal_year) == year && e.line == finding.line)
            {
                candidates.push(Field::Evaluation);
            }
            if candidates.len() <= 1 {
                return candidates.first().copied();
            }
            // Several sections share a year and a line (sheets edited on the web have no
            // lines): the one that states the sum alone.
            candidates.iter().copied().find(|field| {
                let mut part = Item {
                    no: item.no,
                    ..Item::default()
                };
                match field {
                    Field::Narrative(i) => part.narratives = vec![item.narratives[*i].clone()],
                    _ => part.evaluation = item.evaluation.clone(),
                }
                kaikaku_check::check(&Report {
                    items: vec![part],
                    ..Report::default()
                })
                .iter()
                .any(|f| finding_key(f) == finding_key(finding))
            })
        }
    }
}

/// The findings of `item` with their keys, fields and waivers.
pub fn checked_findings(frame: &Report, item: &Item, waivers: &[Waiver]) -> Vec<CheckedFinding> {
    check_item(frame, item)
        .into_iter()
        .map(|finding| {
            let key = finding_key(&finding);
            CheckedFinding {
                field: finding_field(item, &finding),
                waiver: waivers.iter().find(|w| w.finding_key == key).cloned(),
                key,
                finding,
            }
        })
        .collect()
}

/// Everything a sheet page (or the API) shows about one sheet.
#[derive(Clone, Debug)]
pub struct SheetDetail {
    /// The edition.
    pub edition: Edition,
    /// The edition's metadata: title, plan, report year, plan period (its items are left
    /// out).
    pub frame: Report,
    /// The sheet: content, state, version, last change, copy marks.
    pub sheet: Sheet,
    /// The same item last year, if there is a published edition of an earlier year.
    pub previous: Option<Item>,
    /// Last year's 見込み for the report year, shown beside the new 実績 box.
    pub previous_forecast: Option<String>,
    /// The check findings of the content, each with its waiver.
    pub findings: Vec<CheckedFinding>,
    /// The comments, oldest first.
    pub comments: Vec<Comment>,
    /// The waivers, oldest first.
    pub waivers: Vec<Waiver>,
    /// What the actor may do now.
    pub permissions: Permissions,
}

impl SheetDetail {
    /// The findings nobody accepted yet.
    pub fn open_findings(&self) -> impl Iterator<Item = &CheckedFinding> {
        self.findings.iter().filter(|f| f.is_open())
    }
}

/// The edition's metadata without its items (read without the other sheets).
pub(crate) async fn frame(store: &Database, report_id: i64) -> Result<Report, Error> {
    Ok(store.edition_frame(report_id).await?)
}

/// One sheet with everything shown beside it (any logged-in user). 404 for an unknown
/// edition or item number.
pub async fn sheet(
    store: &Database,
    actor: &Actor,
    report_id: i64,
    no: ItemNo,
) -> Result<SheetDetail, Error> {
    let sheet = store.sheet(report_id, no).await?;
    let edition = store.edition(report_id).await?;
    let frame = frame(store, report_id).await?;
    let previous = store.previous_item(report_id, no).await?;
    let previous_forecast = match (&previous, frame.report_fiscal_year) {
        (Some(last), Some(year)) => previous_forecast(last, year).map(str::to_owned),
        _ => None,
    };
    let comments = store.comments(report_id, no).await?;
    let waivers = store.waivers(report_id, no).await?;
    let findings = checked_findings(&frame, &sheet.item, &waivers);
    Ok(SheetDetail {
        permissions: Permissions::of(actor, &sheet),
        edition,
        frame,
        sheet,
        previous,
        previous_forecast,
        findings,
        comments,
        waivers,
    })
}

/// The current sheet when a write was refused as stale.
async fn conflict(store: &Database, report_id: i64, no: ItemNo, error: StoreError) -> Error {
    match error {
        StoreError::Conflict { current_version } => match store.sheet(report_id, no).await {
            Ok(current) => Error::Conflict {
                current_version,
                current: Box::new(current),
            },
            Err(error) => Error::Store(error),
        },
        other => Error::Store(other),
    }
}

/// Decides `action` on `sheet` for `actor` in the order that tells the truth: the role and the
/// department first (403), then the version (409 with the current sheet), then the edition and
/// the state (409). Returns the state after the action.
fn decide(
    actor: &Actor,
    sheet: &Sheet,
    action: SheetAction,
    expected_version: i64,
) -> Result<SheetState, Error> {
    let department = sheet
        .item
        .reporting_department
        .as_deref()
        .unwrap_or_default();
    let decision = may(
        actor.workflow(),
        action,
        department,
        sheet.state,
        sheet.edition_status,
    );
    match decision {
        Err(denied @ (Denied::Role | Denied::OtherDepartment)) => Err(Error::Denied(denied)),
        _ if sheet.version != expected_version => Err(Error::Conflict {
            current_version: sheet.version,
            current: Box::new(sheet.clone()),
        }),
        Err(denied) => Err(Error::Denied(denied)),
        Ok(state) => Ok(state),
    }
}

/// Refuses (403) when the actor's role or department may never do `action` to `sheet`,
/// whatever its state and version: what a page checks before it reads a posted form.
pub fn check_role(actor: &Actor, sheet: &Sheet, action: SheetAction) -> Result<(), Error> {
    let department = sheet
        .item
        .reporting_department
        .as_deref()
        .unwrap_or_default();
    match may(
        actor.workflow(),
        action,
        department,
        sheet.state,
        sheet.edition_status,
    ) {
        Err(denied @ (Denied::Role | Denied::OtherDepartment)) => Err(Error::Denied(denied)),
        _ => Ok(()),
    }
}

/// What a save does besides saving.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterSave {
    /// Stay 入力中.
    Stay,
    /// Submit in the same transaction (保存して提出), from any state a save is allowed in.
    Submit,
}

/// [`Error::Invalid`] naming every field of `item` that passes a limit or lacks a required
/// part ([`limits::check_item`]: `No.3 項目名: 項目名は200文字までです（今は1,234文字）。`).
pub fn check_limits(item: &Item, limits: &Limits) -> Result<(), Error> {
    let violations = limits::check_item(item, limits);
    if violations.is_empty() {
        return Ok(());
    }
    let named: Vec<String> = violations.iter().map(ToString::to_string).collect();
    Err(Error::Invalid(format!(
        "入力内容に{}件の誤りがあるため保存できません。{}",
        violations.len(),
        named.join(" ")
    )))
}

/// Saves a sheet's content from `expected_version` and returns the new version; with
/// [`AfterSave::Submit`] the sheet is submitted in the same transaction.
///
/// The item number and the reporting department cannot change (422), nor may the item pass
/// `limits` ([`check_limits`], 422). 403 for a reviewer or another department's editor; 409
/// [`Error::Conflict`] (with the current sheet) when someone saved first; 409 when the edition
/// is closed or the sheet is 提出済 or 確定.
#[allow(clippy::too_many_arguments)]
pub async fn save_sheet(
    store: &Database,
    actor: &Actor,
    limits: &Limits,
    report_id: i64,
    no: ItemNo,
    expected_version: i64,
    item: &Item,
    after: AfterSave,
) -> Result<i64, Error> {
    let sheet = store.sheet(report_id, no).await?;
    let mut state = decide(actor, &sheet, SheetAction::Save, expected_version)?;
    check_limits(item, limits)?;
    if after == AfterSave::Submit {
        let department = sheet
            .item
            .reporting_department
            .as_deref()
            .unwrap_or_default();
        state = may(
            actor.workflow(),
            SheetAction::Submit,
            department,
            state,
            sheet.edition_status,
        )
        .map_err(Error::Denied)?;
    }
    let version = match store
        .save_sheet(report_id, no, expected_version, item, state, actor.id)
        .await
    {
        Ok(version) => version,
        Err(error) => return Err(conflict(store, report_id, no, error).await),
    };
    tracing::info!(by = %actor.name, report_id, no = no.0, version, state = state.code(), "sheet saved");
    Ok(version)
}

/// True when `item` has the part `field` (comments must concern a part that exists).
pub fn field_exists(item: &Item, field: Field) -> bool {
    match field {
        Field::Title | Field::Departments | Field::Goal | Field::Actions | Field::Evaluation => {
            true
        }
        Field::Content(i) => i < item.contents.len(),
        Field::Narrative(i) => i < item.narratives.len(),
        Field::Effect(i) => i < item.effects.len(),
        Field::State => false,
    }
}

fn check_comments(
    item: &Item,
    comments: &[(Field, String)],
) -> Result<Vec<(Field, String)>, Error> {
    comments
        .iter()
        .map(|(field, body)| {
            if !field_exists(item, *field) {
                return Err(Error::Invalid(format!(
                    "このシートには「{}」がないため、コメントを付けられません。",
                    field.label()
                )));
            }
            Ok((*field, required_text(body, "コメント")?))
        })
        .collect()
}

/// Moves a sheet (提出, 差戻し, 確定, 確定解除) from `expected_version` and returns the new
/// version; `comments` (on the fields they concern) are written in the same transaction. A
/// 差戻し needs at least one comment.
///
/// 確定 is refused (409) while a check finding of the content is open, unless an admin
/// accepted it with a reason ([`waive`]). 403 when the role or department may not; 409
/// [`Error::Conflict`] when the version is stale; 409 when the state does not allow it; 422
/// for a comment on a field the sheet does not have, or an empty one.
pub async fn transition(
    store: &Database,
    actor: &Actor,
    report_id: i64,
    no: ItemNo,
    expected_version: i64,
    action: SheetAction,
    comments: &[(Field, String)],
) -> Result<i64, Error> {
    let sheet = store.sheet(report_id, no).await?;
    if action == SheetAction::Save {
        return Err(Error::Invalid(
            "保存はシートの保存フォームから行ってください。".to_owned(),
        ));
    }
    let to = decide(actor, &sheet, action, expected_version)?;
    let comments = check_comments(&sheet.item, comments)?;
    if !comments.is_empty() {
        room_for_comments(store, report_id, no, comments.len()).await?;
    }
    if action == SheetAction::Return && comments.is_empty() {
        return Err(Error::Invalid(
            "差戻しの理由を、該当する項目のコメント欄に入力してください。".to_owned(),
        ));
    }
    if action == SheetAction::Confirm {
        // The content checked is the content at `expected_version`, which the store's
        // version guard makes the content confirmed.
        let frame = frame(store, report_id).await?;
        let waivers = store.waivers(report_id, no).await?;
        let open: Vec<CheckedFinding> = checked_findings(&frame, &sheet.item, &waivers)
            .into_iter()
            .filter(CheckedFinding::is_open)
            .collect();
        if !open.is_empty() {
            let first = open
                .first()
                .map(|f| f.finding.message())
                .unwrap_or_default();
            return Err(Error::Refused(format!(
                "数値の確認で確認済みになっていない指摘が{}件あるため確定できません（{first}）。内容を直すか、指摘を確認済みにしてから確定してください。",
                open.len()
            )));
        }
    }
    let version = match store
        .transition(report_id, no, expected_version, to, actor.id, &comments)
        .await
    {
        Ok(version) => version,
        Err(error) => return Err(conflict(store, report_id, no, error).await),
    };
    tracing::info!(by = %actor.name, report_id, no = no.0, version, action = action.code(), "sheet moved");
    Ok(version)
}

/// Adds a comment on one field (admins and reviewers) and returns its id. 403 for editors;
/// 409 on a published edition; 422 for an empty comment or a field the sheet does not have.
pub async fn add_comment(
    store: &Database,
    actor: &Actor,
    report_id: i64,
    no: ItemNo,
    field: Field,
    body: &str,
) -> Result<i64, Error> {
    if !may_comment(actor.role) {
        return Err(Error::Denied(Denied::Role));
    }
    let sheet = store.sheet(report_id, no).await?;
    let comments = check_comments(&sheet.item, &[(field, body.to_owned())])?;
    let Some((field, body)) = comments.into_iter().next() else {
        return Err(Error::Invalid("コメントを入力してください。".to_owned()));
    };
    room_for_comments(store, report_id, no, 1).await?;
    Ok(store
        .add_comment(report_id, no, field, actor.id, &body)
        .await?)
}

/// `Ok` when the sheet can take `adding` more unresolved comments
/// ([`MAX_OPEN_COMMENTS`]); else a refusal (409) asking to resolve some first.
async fn room_for_comments(
    store: &Database,
    report_id: i64,
    no: ItemNo,
    adding: usize,
) -> Result<(), Error> {
    let open = store
        .comments(report_id, no)
        .await?
        .iter()
        .filter(|c| c.resolved_at.is_none())
        .count();
    if open + adding > MAX_OPEN_COMMENTS {
        return Err(Error::Refused(format!(
            "このシートには未解決のコメントが{open}件あります（{MAX_OPEN_COMMENTS}件まで）。解決済みにしてから追加してください。"
        )));
    }
    Ok(())
}

/// The comments a sheet page shows: every unresolved one and the newest
/// [`SHOWN_RESOLVED_COMMENTS`] resolved ones, oldest first as given; and how many resolved
/// ones are left out.
pub fn shown_comments(comments: &[Comment]) -> (Vec<&Comment>, usize) {
    let resolved = comments.iter().filter(|c| c.resolved_at.is_some()).count();
    let hidden = resolved.saturating_sub(SHOWN_RESOLVED_COMMENTS);
    let mut skipped = 0;
    let shown = comments
        .iter()
        .filter(|c| {
            if c.resolved_at.is_some() && skipped < hidden {
                skipped += 1;
                false
            } else {
                true
            }
        })
        .collect();
    (shown, hidden)
}

/// Marks a comment of this sheet resolved (admins and reviewers). 404 when the sheet has no
/// such comment; 409 on a published edition.
pub async fn resolve_comment(
    store: &Database,
    actor: &Actor,
    report_id: i64,
    no: ItemNo,
    comment_id: i64,
) -> Result<(), Error> {
    if !may_comment(actor.role) {
        return Err(Error::Denied(Denied::Role));
    }
    let comments = store.comments(report_id, no).await?;
    if !comments.iter().any(|c| c.id == comment_id) {
        return Err(Error::Store(StoreError::CommentNotFound { id: comment_id }));
    }
    Ok(store.resolve_comment(comment_id, actor.id).await?)
}

/// Accepts a check finding of the sheet's current content with a reason (admin; 指摘の確認済み)
/// and returns the waiver's id. 422 for an empty reason or a key that is not a finding of the
/// sheet now; 409 when the edition is not open or the finding is already accepted.
pub async fn waive(
    store: &Database,
    actor: &Actor,
    report_id: i64,
    no: ItemNo,
    key: &str,
    reason: &str,
) -> Result<i64, Error> {
    require_admin(actor)?;
    let reason = required_text(reason, "確認済みにする理由")?;
    let sheet = store.sheet(report_id, no).await?;
    let frame = frame(store, report_id).await?;
    let exists = check_item(&frame, &sheet.item)
        .iter()
        .any(|f| finding_key(f) == key);
    if !exists {
        return Err(Error::Invalid(
            "この指摘は現在のシートにはありません。ページを読み込み直してください。".to_owned(),
        ));
    }
    let id = store.waive(report_id, no, key, &reason, actor.id).await?;
    tracing::info!(by = %actor.name, report_id, no = no.0, key, "finding waived");
    Ok(id)
}

/// Entries on one page of a sheet's history.
pub const HISTORY_PAGE_SIZE: u32 = 20;

/// Characters of each text a page of a history reads: the longest a multi-line field may
/// hold, so that every text the form accepts arrives whole and a page costs at most
/// [`HISTORY_PAGE_SIZE`] × 2 texts of this length however long older texts are.
#[allow(clippy::cast_possible_truncation)]
pub const HISTORY_CLIP_CHARS: u32 = kaikaku_model::limits::DEFAULT_TEXT_CHARS as u32;

/// One page of a sheet's history.
#[derive(Clone, Debug)]
pub struct HistoryPage {
    /// The page's entries, in the order asked for; each text at most [`HISTORY_CLIP_CHARS`] characters
    /// (with its whole length).
    pub entries: Vec<AuditExcerpt>,
    /// Which page (from 1).
    pub page: u64,
    /// How many pages there are (at least 1).
    pub pages: u64,
    /// How many entries the history has.
    pub total: u64,
}

/// Page `page` (from 1) of a sheet's history in `order` (any logged-in user): the pages
/// show it newest first, the API oldest first, as it always has. A page before the first or
/// after the last is [`Error::NotFound`] (the first page of an empty history exists).
pub async fn history(
    store: &Database,
    report_id: i64,
    no: ItemNo,
    order: HistoryOrder,
    page: u64,
) -> Result<HistoryPage, Error> {
    let size = u64::from(HISTORY_PAGE_SIZE);
    let offset = page
        .checked_sub(1)
        .and_then(|before| before.checked_mul(size))
        .ok_or(Error::NotFound)?;
    let read = store
        .audit_page(
            report_id,
            Some(no),
            order,
            offset,
            HISTORY_PAGE_SIZE,
            HISTORY_CLIP_CHARS,
        )
        .await?;
    let pages = read.total.div_ceil(size).max(1);
    if page > pages {
        return Err(Error::NotFound);
    }
    Ok(HistoryPage {
        entries: read.entries,
        page,
        pages,
        total: read.total,
    })
}

/// One entry of a sheet's history with its whole texts (any logged-in user); 404 when the
/// sheet has no such entry.
pub async fn history_entry(
    store: &Database,
    report_id: i64,
    no: ItemNo,
    entry: i64,
) -> Result<AuditEntry, Error> {
    Ok(store.audit_entry(report_id, no, entry).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kaikaku_model::{Decimal, EffectRow, Narrative, NarrativeKind, Quantity, Unit};

    fn fy(year: i32) -> FiscalYear {
        FiscalYear::new(year).expect("a year")
    }

    fn quantity(value: i64) -> Quantity {
        Quantity {
            label: "削減額".to_owned(),
            value: Decimal::from(value),
            unit: Unit::ThousandYen,
            status: None,
        }
    }

    fn effects_item() -> Item {
        let row = |year: Option<i32>, value: i64| EffectRow {
            fiscal_year: year.map(fy),
            is_total: year.is_none(),
            text: String::new(),
            quantities: vec![quantity(value)],
            line: 0,
        };
        Item {
            no: ItemNo(2),
            effects: vec![row(Some(2021), 100), row(Some(2022), 200), row(None, 350)],
            ..Item::default()
        }
    }

    #[test]
    fn a_total_that_does_not_add_up_is_a_finding_on_the_total_row() {
        let item = effects_item();
        let findings = checked_findings(&Report::default(), &item, &[]);
        assert_eq!(findings.len(), 1);
        let finding = &findings[0];
        assert_eq!(finding.field, Some(Field::Effect(2)));
        assert_eq!(finding.key, "total_mismatch:総計:削減額:350千円:300");
        assert!(finding.is_open());
        let waiver = Waiver {
            id: 1,
            finding_key: finding.key.clone(),
            reason: "確認済み".to_owned(),
            user: "admin".to_owned(),
            at: "2026-11-29T01:00:00Z".parse().expect("a time"),
        };
        let waived = checked_findings(&Report::default(), &item, &[waiver]);
        assert!(!waived[0].is_open());
    }

    #[test]
    fn a_stated_sum_is_a_finding_on_its_narrative() {
        let narrative = |year: i32, kind: NarrativeKind, text: &str| Narrative {
            fiscal_year: fy(year),
            kind,
            text: text.to_owned(),
            line: 0,
        };
        let item = Item {
            no: ItemNo(20),
            narratives: vec![
                narrative(2021, NarrativeKind::Actual, "・売却を進めた。"),
                narrative(
                    2022,
                    NarrativeKind::Forecast,
                    "売却額 20,000,000 円 貸付額 32,000,000 円 （合計 57,000,000 円）",
                ),
            ],
            ..Item::default()
        };
        let findings = checked_findings(&Report::default(), &item, &[]);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].field, Some(Field::Narrative(1)));
    }

    #[test]
    fn overdue_means_pending_after_the_due_date() {
        let due = NaiveDate::from_ymd_opt(2026, 11, 30);
        let on = |d: u32| NaiveDate::from_ymd_opt(2026, 12, d).expect("a date");
        let last = NaiveDate::from_ymd_opt(2026, 11, 30).expect("a date");
        assert!(!is_overdue(SheetState::InProgress, due, last));
        assert!(is_overdue(SheetState::InProgress, due, on(1)));
        assert!(is_overdue(SheetState::NotStarted, due, on(1)));
        assert!(is_overdue(SheetState::Returned, due, on(1)));
        assert!(!is_overdue(SheetState::Submitted, due, on(1)));
        assert!(!is_overdue(SheetState::Confirmed, due, on(1)));
        assert!(!is_overdue(SheetState::InProgress, None, on(1)));
    }

    #[test]
    fn fields_that_a_comment_may_concern() {
        let item = effects_item();
        assert!(field_exists(&item, Field::Effect(2)));
        assert!(!field_exists(&item, Field::Effect(3)));
        assert!(!field_exists(&item, Field::Narrative(0)));
        assert!(field_exists(&item, Field::Goal));
        assert!(!field_exists(&item, Field::State));
    }
}
