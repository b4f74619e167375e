//! The yearly reporting cycle: roles, the states of a sheet and of an edition, the transitions
//! between them and who may make them; what a new year's sheet carries over from last year;
//! and the field-by-field differences between two versions of a sheet (for the audit log and
//! the change list of a correction).
//!
//! This is pure logic: the store persists states, the web layer asks [`may`] before acting.

use std::fmt;

use crate::calendar::FiscalYear;
use crate::quantity::format_decimal;
use crate::report::{EffectRow, Item, ItemNo, NarrativeKind, Report, ScheduleCell};

/// A user's role. Anonymous visitors have no role and see published editions only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// The policy division (政策課): plans, users, the reporting cycle, review, publication.
    Admin,
    /// A reporting department (記入担当課): edits the sheets it reports on, reads the others.
    Editor,
    /// The reform committee (行政改革推進委員会): reads drafts and comments, changes nothing.
    Reviewer,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 3] = [Role::Admin, Role::Editor, Role::Reviewer];

    /// The stable code: `admin`, `editor`, `reviewer`.
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Reviewer => "reviewer",
        }
    }

    /// The role for a code from [`Role::code`].
    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The Japanese name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "管理者（政策課）",
            Role::Editor => "記入担当課",
            Role::Reviewer => "査読者（行政改革推進委員会）",
        }
    }
}

/// Where a sheet is in the cycle: 未着手 → 入力中 → 提出済 → (差戻し → 入力中 → 提出済)* → 確定.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SheetState {
    /// 未着手: created for the year, not touched yet.
    NotStarted,
    /// 入力中: the department is filling it in.
    InProgress,
    /// 提出済: submitted to the policy division.
    Submitted,
    /// 差戻し: returned with comments.
    Returned,
    /// 確定: accepted by the policy division.
    Confirmed,
}

impl SheetState {
    /// Every state, in the order of the cycle.
    pub const ALL: [SheetState; 5] = [
        SheetState::NotStarted,
        SheetState::InProgress,
        SheetState::Submitted,
        SheetState::Returned,
        SheetState::Confirmed,
    ];

    /// The stable code: `not_started`, `in_progress`, `submitted`, `returned`, `confirmed`.
    pub fn code(self) -> &'static str {
        match self {
            SheetState::NotStarted => "not_started",
            SheetState::InProgress => "in_progress",
            SheetState::Submitted => "submitted",
            SheetState::Returned => "returned",
            SheetState::Confirmed => "confirmed",
        }
    }

    /// The state for a code from [`SheetState::code`].
    pub fn from_code(code: &str) -> Option<SheetState> {
        SheetState::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The Japanese name: 未着手, 入力中, 提出済, 差戻し, 確定.
    pub fn label(self) -> &'static str {
        match self {
            SheetState::NotStarted => "未着手",
            SheetState::InProgress => "入力中",
            SheetState::Submitted => "提出済",
            SheetState::Returned => "差戻し",
            SheetState::Confirmed => "確定",
        }
    }

    /// The state after `action`, or why the action is not possible in this state.
    pub fn apply(self, action: SheetAction) -> Result<SheetState, TransitionError> {
        use SheetAction as A;
        use SheetState as S;
        match (self, action) {
            (S::NotStarted | S::InProgress | S::Returned, A::Save) => Ok(S::InProgress),
            (S::InProgress, A::Submit) => Ok(S::Submitted),
            (S::Submitted, A::Return) => Ok(S::Returned),
            (S::Submitted, A::Confirm) => Ok(S::Confirmed),
            (S::Confirmed, A::Reopen) => Ok(S::InProgress),
            (state, action) => Err(TransitionError { state, action }),
        }
    }
}

impl fmt::Display for SheetState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Something done to a sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SheetAction {
    /// 保存: save the sheet's content.
    Save,
    /// 提出: submit to the policy division.
    Submit,
    /// 差戻し: return with comments.
    Return,
    /// 確定: accept.
    Confirm,
    /// 確定解除: take an accepted sheet back to 入力中 (before the edition is locked).
    Reopen,
}

impl SheetAction {
    /// Every action.
    pub const ALL: [SheetAction; 5] = [
        SheetAction::Save,
        SheetAction::Submit,
        SheetAction::Return,
        SheetAction::Confirm,
        SheetAction::Reopen,
    ];

    /// The stable code: `save`, `submit`, `return`, `confirm`, `reopen`.
    pub fn code(self) -> &'static str {
        match self {
            SheetAction::Save => "save",
            SheetAction::Submit => "submit",
            SheetAction::Return => "return",
            SheetAction::Confirm => "confirm",
            SheetAction::Reopen => "reopen",
        }
    }

    /// The action for a code from [`SheetAction::code`].
    pub fn from_code(code: &str) -> Option<SheetAction> {
        SheetAction::ALL.into_iter().find(|a| a.code() == code)
    }

    /// The Japanese name: 保存, 提出, 差戻し, 確定, 確定解除.
    pub fn label(self) -> &'static str {
        match self {
            SheetAction::Save => "保存",
            SheetAction::Submit => "提出",
            SheetAction::Return => "差戻し",
            SheetAction::Confirm => "確定",
            SheetAction::Reopen => "確定解除",
        }
    }
}

/// An action that the sheet's state does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TransitionError {
    /// The sheet's state.
    pub state: SheetState,
    /// The action refused.
    pub action: SheetAction,
}

impl fmt::Display for TransitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "「{}」のシートは{}できません",
            self.state.label(),
            self.action.label()
        )
    }
}

impl std::error::Error for TransitionError {}

/// Where an edition (one plan's report for one fiscal year) is in the cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EditionState {
    /// 受付中: sheets are being filled in and reviewed.
    Open,
    /// 確定（ロック）: every sheet is 確定 and the edition is locked with its 基準日.
    Locked,
    /// 公開: published, immutable; a correction is a new revision.
    Published,
}

impl EditionState {
    /// Every state.
    pub const ALL: [EditionState; 3] = [
        EditionState::Open,
        EditionState::Locked,
        EditionState::Published,
    ];

    /// The stable code: `open`, `locked`, `published`.
    pub fn code(self) -> &'static str {
        match self {
            EditionState::Open => "open",
            EditionState::Locked => "locked",
            EditionState::Published => "published",
        }
    }

    /// The state for a code from [`EditionState::code`].
    pub fn from_code(code: &str) -> Option<EditionState> {
        EditionState::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The Japanese name: 受付中, 確定（ロック）, 公開.
    pub fn label(self) -> &'static str {
        match self {
            EditionState::Open => "受付中",
            EditionState::Locked => "確定（ロック）",
            EditionState::Published => "公開",
        }
    }
}

/// Who is acting: a role and, for editors, their department.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor<'a> {
    /// The role.
    pub role: Role,
    /// The department (記入担当課) of an editor.
    pub department: Option<&'a str>,
}

/// Why an actor may not do something.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Denied {
    /// The role never may.
    Role,
    /// An editor acting on another department's sheet.
    OtherDepartment,
    /// The edition is not open for changes.
    EditionClosed(EditionState),
    /// The sheet's state does not allow it.
    State(TransitionError),
}

impl fmt::Display for Denied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Denied::Role => f.write_str("この操作の権限がありません"),
            Denied::OtherDepartment => f.write_str("他の課のシートは編集できません"),
            Denied::EditionClosed(state) => {
                write!(f, "この報告は「{}」のため変更できません", state.label())
            }
            Denied::State(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Denied {}

/// Decides whether `actor` may apply `action` to a sheet of `reporting_department` in `state`,
/// in an edition in `edition`. Returns the state after the action.
///
/// Editors save and submit their own department's sheets; the policy division (admin) saves,
/// returns, confirms and reopens any sheet; reviewers change nothing. Nothing changes once the
/// edition is locked or published.
pub fn may(
    actor: Actor<'_>,
    action: SheetAction,
    reporting_department: &str,
    state: SheetState,
    edition: EditionState,
) -> Result<SheetState, Denied> {
    let allowed = match actor.role {
        Role::Admin => true,
        Role::Editor => matches!(action, SheetAction::Save | SheetAction::Submit),
        Role::Reviewer => false,
    };
    if !allowed {
        return Err(Denied::Role);
    }
    if actor.role == Role::Editor && actor.department != Some(reporting_department) {
        return Err(Denied::OtherDepartment);
    }
    if edition != EditionState::Open {
        return Err(Denied::EditionClosed(edition));
    }
    state.apply(action).map_err(Denied::State)
}

/// True when `role` may read draft (unpublished) editions and leave comments on them.
pub fn may_comment(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Reviewer)
}

/// A new year's sheet made from last year's: the plan parts (title, departments, contents with
/// their schedule, goal, main actions) and the effects table are carried over; narratives and
/// the evaluation start empty. Returns the sheet and the fields copied, which stay visibly
/// marked until someone edits them.
pub fn carry_over(last: &Item) -> (Item, Vec<String>) {
    let item = Item {
        no: last.no,
        title: last.title.clone(),
        reporting_department: last.reporting_department.clone(),
        departments: last.departments.clone(),
        contents: last.contents.clone(),
        goal: last.goal.clone(),
        actions: last.actions.clone(),
        narratives: Vec::new(),
        effects: last.effects.clone(),
        evaluation: None,
        reposts: Vec::new(),
        line: 0,
    };
    let mut copied = Vec::new();
    if !item.departments.is_empty() {
        copied.push(Field::Departments.path());
    }
    copied.extend((0..item.contents.len()).map(|i| Field::Content(i).path()));
    if item.goal.is_some() {
        copied.push(Field::Goal.path());
    }
    if !item.actions.is_empty() {
        copied.push(Field::Actions.path());
    }
    copied.extend((0..item.effects.len()).map(|i| Field::Effect(i).path()));
    (item, copied)
}

/// Last year's forecast (見込み) for `year`: shown beside the new year's 実績 box.
pub fn previous_forecast(last: &Item, year: FiscalYear) -> Option<&str> {
    last.narratives
        .iter()
        .find(|n| n.kind == NarrativeKind::Forecast && n.fiscal_year == year)
        .map(|n| n.text.as_str())
}

/// A part of a sheet, as addressed by comments, the audit log and copy marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// The item title.
    Title,
    /// 担当課.
    Departments,
    /// One content row with its schedule (0-based).
    Content(usize),
    /// 改善・推進目標.
    Goal,
    /// 主な取組内容.
    Actions,
    /// One narrative (0-based).
    Narrative(usize),
    /// One effects row (0-based).
    Effect(usize),
    /// 総評.
    Evaluation,
    /// The sheet's state (in the audit log).
    State,
}

impl Field {
    /// The stable path: `title`, `departments`, `contents.0`, `goal`, `actions`,
    /// `narratives.1`, `effects.3`, `evaluation`, `state`.
    pub fn path(self) -> String {
        match self {
            Field::Title => "title".to_owned(),
            Field::Departments => "departments".to_owned(),
            Field::Content(i) => format!("contents.{i}"),
            Field::Goal => "goal".to_owned(),
            Field::Actions => "actions".to_owned(),
            Field::Narrative(i) => format!("narratives.{i}"),
            Field::Effect(i) => format!("effects.{i}"),
            Field::Evaluation => "evaluation".to_owned(),
            Field::State => "state".to_owned(),
        }
    }

    /// The field for a path from [`Field::path`].
    pub fn parse(path: &str) -> Option<Field> {
        let indexed = |prefix: &str| {
            path.strip_prefix(prefix)
                .and_then(|rest| rest.strip_prefix('.'))
                .and_then(|n| n.parse::<usize>().ok())
        };
        match path {
            "title" => Some(Field::Title),
            "departments" => Some(Field::Departments),
            "goal" => Some(Field::Goal),
            "actions" => Some(Field::Actions),
            "evaluation" => Some(Field::Evaluation),
            "state" => Some(Field::State),
            _ => indexed("contents")
                .map(Field::Content)
                .or_else(|| indexed("narratives").map(Field::Narrative))
                .or_else(|| indexed("effects").map(Field::Effect)),
        }
    }

    /// The Japanese name of the part, as on the sheet.
    pub fn label(self) -> String {
        match self {
            Field::Title => "項目名".to_owned(),
            Field::Departments => "担当課".to_owned(),
            Field::Content(i) => format!("改善・推進の内容 {}行目", i + 1),
            Field::Goal => "改善・推進目標".to_owned(),
            Field::Actions => "主な取組内容".to_owned(),
            Field::Narrative(i) => format!("取組内容 {}", i + 1),
            Field::Effect(i) => format!("取組による効果 {}行目", i + 1),
            Field::Evaluation => "総評".to_owned(),
            Field::State => "状態".to_owned(),
        }
    }
}

impl Field {
    /// The label of the part as it reads on `item`'s sheet: narratives and effects rows are
    /// named by their year (`取組内容【令和7年度（実績）】`, `取組による効果（総計）`), the
    /// others as [`Field::label`].
    pub fn label_in(self, item: &Item) -> String {
        match self {
            Field::Narrative(i) => match item.narratives.get(i) {
                Some(n) => format!(
                    "取組内容【{}（{}）】",
                    n.fiscal_year.wareki_label(),
                    n.kind.label()
                ),
                None => self.label(),
            },
            Field::Effect(i) => match item.effects.get(i) {
                Some(row) => {
                    let year = match row.fiscal_year {
                        Some(year) if !row.is_total => year.wareki_label(),
                        _ => "総計".to_owned(),
                    };
                    format!("取組による効果（{year}）")
                }
                None => self.label(),
            },
            other => other.label(),
        }
    }
}

/// One field that differs between two versions of a sheet, both sides as readable text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    /// Which part.
    pub field: Field,
    /// The text before (empty when the part is new).
    pub before: String,
    /// The text after (empty when the part was removed).
    pub after: String,
}

/// How one item differs between two reports of the same plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemChange {
    /// The later report has an item the earlier one lacks.
    Added(ItemNo),
    /// The earlier report has an item the later one lacks.
    Removed(ItemNo),
    /// Both have the item; these fields differ.
    Changed(ItemNo, Vec<FieldChange>),
}

/// The item-by-item changes from `before` to `after` (a dry run before an import, a
/// correction): items matched by number, fields compared with [`diff_items`]; unchanged items
/// are left out. Changed and added items in `after`'s order, then the removed ones.
pub fn diff_reports(before: &Report, after: &Report) -> Vec<ItemChange> {
    let mut changes = Vec::new();
    for item in &after.items {
        match before.items.iter().find(|b| b.no == item.no) {
            Some(old) => {
                let fields = diff_items(old, item);
                if !fields.is_empty() {
                    changes.push(ItemChange::Changed(item.no, fields));
                }
            }
            None => changes.push(ItemChange::Added(item.no)),
        }
    }
    for item in &before.items {
        if !after.items.iter().any(|a| a.no == item.no) {
            changes.push(ItemChange::Removed(item.no));
        }
    }
    changes
}

/// Every field that differs between `before` and `after`, in sheet order, each rendered as the
/// text a person reads (schedules as `令和3年度: ②③ (試行)`, quantities with their units).
pub fn diff_items(before: &Item, after: &Item) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    let mut compare = |field: Field, old: String, new: String| {
        if old != new {
            changes.push(FieldChange {
                field,
                before: old,
                after: new,
            });
        }
    };
    compare(Field::Title, before.title.clone(), after.title.clone());
    compare(
        Field::Departments,
        before.departments.join("・"),
        after.departments.join("・"),
    );
    let rows = before.contents.len().max(after.contents.len());
    for i in 0..rows {
        let text = |item: &Item| item.contents.get(i).map(content_text).unwrap_or_default();
        compare(Field::Content(i), text(before), text(after));
    }
    compare(
        Field::Goal,
        before.goal.clone().unwrap_or_default(),
        after.goal.clone().unwrap_or_default(),
    );
    compare(Field::Actions, actions_text(before), actions_text(after));
    let narratives = before.narratives.len().max(after.narratives.len());
    for i in 0..narratives {
        let text = |item: &Item| {
            item.narratives
                .get(i)
                .map(|n| {
                    format!(
                        "【{}（{}）】\n{}",
                        n.fiscal_year.wareki_label(),
                        n.kind.label(),
                        n.text
                    )
                })
                .unwrap_or_default()
        };
        compare(Field::Narrative(i), text(before), text(after));
    }
    let effects = before.effects.len().max(after.effects.len());
    for i in 0..effects {
        let text = |item: &Item| item.effects.get(i).map(effect_text).unwrap_or_default();
        compare(Field::Effect(i), text(before), text(after));
    }
    let evaluation = |item: &Item| {
        item.evaluation
            .as_ref()
            .map(|e| format!("【{}総評】\n{}", e.fiscal_year.wareki_label(), e.text))
            .unwrap_or_default()
    };
    compare(Field::Evaluation, evaluation(before), evaluation(after));
    changes
}

fn content_text(row: &crate::report::ContentRow) -> String {
    let schedule: Vec<String> = row.schedule.iter().map(schedule_text).collect();
    format!("{}\n{}", row.text, schedule.join(" ／ "))
}

fn schedule_text(cell: &ScheduleCell) -> String {
    let written = if cell.text.is_empty() {
        "—"
    } else {
        cell.text.as_str()
    };
    format!("{}: {written}", cell.fiscal_year.wareki_label())
}

fn actions_text(item: &Item) -> String {
    item.actions
        .iter()
        .map(|a| match crate::text::circled(a.no) {
            Some(c) => format!("{c}{}", a.text),
            None => format!("{}. {}", a.no, a.text),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn effect_text(row: &EffectRow) -> String {
    let year = match row.fiscal_year {
        Some(year) => year.wareki_label(),
        None if row.is_total => "総計".to_owned(),
        None => String::new(),
    };
    let quantities: Vec<String> = row
        .quantities
        .iter()
        .map(|q| {
            let status = q
                .status
                .map(|s| format!("（{}）", s.label()))
                .unwrap_or_default();
            format!("{}{}{status}", format_decimal(q.value), q.unit)
        })
        .collect();
    if quantities.is_empty() {
        format!("{year}: {}", row.text)
    } else {
        format!("{year}: {} [{}]", row.text, quantities.join("、"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Action, ContentRow, Evaluation, ItemNo, Narrative};

    fn fy(year: i32) -> FiscalYear {
        FiscalYear::new(year).expect("a year")
    }

    #[test]
    fn the_cycle() {
        use SheetAction as A;
        use SheetState as S;
        let walk = [
            (S::NotStarted, A::Save, S::InProgress),
            (S::InProgress, A::Save, S::InProgress),
            (S::InProgress, A::Submit, S::Submitted),
            (S::Submitted, A::Return, S::Returned),
            (S::Returned, A::Save, S::InProgress),
            (S::InProgress, A::Submit, S::Submitted),
            (S::Submitted, A::Confirm, S::Confirmed),
            (S::Confirmed, A::Reopen, S::InProgress),
        ];
        for (from, action, to) in walk {
            assert_eq!(from.apply(action), Ok(to), "{from:?} {action:?}");
        }
        for (from, action) in [
            (S::NotStarted, A::Submit),
            (S::Submitted, A::Save),
            (S::Confirmed, A::Save),
            (S::InProgress, A::Confirm),
            (S::Returned, A::Confirm),
        ] {
            assert!(from.apply(action).is_err(), "{from:?} {action:?}");
        }
        let error = S::Confirmed.apply(A::Save).expect_err("refused");
        assert_eq!(error.to_string(), "「確定」のシートは保存できません");
    }

    #[test]
    fn who_may_do_what() {
        let editor = Actor {
            role: Role::Editor,
            department: Some("政策課"),
        };
        let admin = Actor {
            role: Role::Admin,
            department: None,
        };
        let reviewer = Actor {
            role: Role::Reviewer,
            department: None,
        };
        let open = EditionState::Open;
        let s = SheetState::InProgress;
        assert_eq!(
            may(editor, SheetAction::Save, "政策課", s, open),
            Ok(SheetState::InProgress)
        );
        assert_eq!(
            may(editor, SheetAction::Save, "財政課", s, open),
            Err(Denied::OtherDepartment)
        );
        assert_eq!(
            may(
                editor,
                SheetAction::Confirm,
                "政策課",
                SheetState::Submitted,
                open
            ),
            Err(Denied::Role)
        );
        assert_eq!(
            may(
                admin,
                SheetAction::Confirm,
                "政策課",
                SheetState::Submitted,
                open
            ),
            Ok(SheetState::Confirmed)
        );
        assert_eq!(
            may(reviewer, SheetAction::Save, "政策課", s, open),
            Err(Denied::Role)
        );
        assert_eq!(
            may(
                admin,
                SheetAction::Save,
                "政策課",
                s,
                EditionState::Published
            ),
            Err(Denied::EditionClosed(EditionState::Published))
        );
        assert!(may_comment(Role::Reviewer) && may_comment(Role::Admin));
        assert!(!may_comment(Role::Editor));
    }

    #[test]
    fn codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(role));
        }
        for state in SheetState::ALL {
            assert_eq!(SheetState::from_code(state.code()), Some(state));
        }
        for action in SheetAction::ALL {
            assert_eq!(SheetAction::from_code(action.code()), Some(action));
        }
        for state in EditionState::ALL {
            assert_eq!(EditionState::from_code(state.code()), Some(state));
        }
        for field in [
            Field::Title,
            Field::Departments,
            Field::Content(2),
            Field::Goal,
            Field::Actions,
            Field::Narrative(0),
            Field::Effect(4),
            Field::Evaluation,
            Field::State,
        ] {
            assert_eq!(Field::parse(&field.path()), Some(field));
        }
        assert_eq!(Field::parse("contents.x"), None);
        assert_eq!(Field::parse("nothing"), None);
    }

    fn sample_item() -> Item {
        Item {
            no: ItemNo(8),
            title: "組織機構の見直し".into(),
            reporting_department: Some("政策課".into()),
            departments: vec!["政策課".into(), "関係各課".into()],
            contents: vec![ContentRow {
                text: "ワンストップ窓口の検討と実施".into(),
                schedule: vec![ScheduleCell {
                    fiscal_year: fy(2021),
                    text: "② (試行)".into(),
                    actions: vec![2],
                    phase: Some(crate::report::Phase::Trial),
                }],
                line: 0,
            }],
            goal: Some("わかりやすい組織".into()),
            actions: vec![Action {
                no: 2,
                text: "ワンストップ窓口".into(),
            }],
            narratives: vec![
                Narrative {
                    fiscal_year: fy(2021),
                    kind: NarrativeKind::Actual,
                    text: "検討した。".into(),
                    line: 0,
                },
                Narrative {
                    fiscal_year: fy(2022),
                    kind: NarrativeKind::Forecast,
                    text: "実現を目指す。".into(),
                    line: 0,
                },
            ],
            effects: vec![EffectRow {
                fiscal_year: Some(fy(2021)),
                is_total: false,
                text: "体制整備の促進".into(),
                quantities: Vec::new(),
                line: 0,
            }],
            evaluation: Some(Evaluation {
                fiscal_year: fy(2021),
                text: "決定した。".into(),
                line: 0,
            }),
            reposts: Vec::new(),
            line: 0,
        }
    }

    #[test]
    fn carry_over_keeps_the_plan_and_clears_the_year() {
        let last = sample_item();
        let (next, copied) = carry_over(&last);
        assert_eq!(next.contents, last.contents);
        assert_eq!(next.actions, last.actions);
        assert_eq!(next.effects, last.effects);
        assert!(next.narratives.is_empty());
        assert_eq!(next.evaluation, None);
        assert_eq!(
            copied,
            ["departments", "contents.0", "goal", "actions", "effects.0"]
        );
        assert_eq!(previous_forecast(&last, fy(2022)), Some("実現を目指す。"));
        assert_eq!(previous_forecast(&last, fy(2021)), None);
    }

    #[test]
    fn differences_field_by_field() {
        let before = sample_item();
        assert_eq!(diff_items(&before, &before), []);
        let mut after = before.clone();
        after.contents[0].schedule[0].text = "② (実施)".into();
        after.narratives[0].text = "試行した。".into();
        after.evaluation = None;
        let changes = diff_items(&before, &after);
        let fields: Vec<String> = changes.iter().map(|c| c.field.path()).collect();
        assert_eq!(fields, ["contents.0", "narratives.0", "evaluation"]);
        assert_eq!(
            changes[0].after,
            "ワンストップ窓口の検討と実施\n令和3年度: ② (実施)"
        );
        assert_eq!(changes[1].before, "【令和3年度（実績）】\n検討した。");
        assert_eq!(changes[2].after, "");
        assert_eq!(Field::Content(0).label(), "改善・推進の内容 1行目");
        assert_eq!(
            Field::Narrative(1).label_in(&before),
            "取組内容【令和4年度（見込み）】"
        );
        assert_eq!(
            Field::Effect(0).label_in(&before),
            "取組による効果（令和3年度）"
        );
        assert_eq!(Field::Narrative(9).label_in(&before), "取組内容 10");
        assert_eq!(Field::Goal.label_in(&before), "改善・推進目標");
    }
}
