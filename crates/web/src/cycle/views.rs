//! View models of the cycle pages: the sheet form with what is shown beside each field
//! (copy marks, check findings, comments, differences), the read-only sheet and the history
//! with its readable diffs ([`crate::views::changes`]).
//!
//! Like [`crate::views`], everything a page shows is computed here and kept as plain text:
//! the templates escape it, and the diffs are lists of spans, never markup.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use kaikaku_model::workflow::{Field, FieldChange};
use kaikaku_model::{FiscalYear, Item, NarrativeKind, Report, Status, Unit};
use kaikaku_store::{AuditExcerpt, Comment, Waiver};

use super::form::{FIXED, FormErrors, FormMap, SheetForm, TOTAL, columns, year_choices};
use super::form_field::{
    ActionPart, ContentPart, EffectPart, FormField, NarrativePart, QuantityPart,
};
use super::service::CheckedFinding;
use crate::views::changes::ChangeView;
use crate::views::time::when;
use crate::views::{ActionView, EditionKey, SheetView};

/// One row of a sheet's history.
#[derive(Clone, Debug)]
pub struct HistoryRow {
    /// `令和8年11月29日 10:35`.
    pub when: String,
    /// The user name, or `—`.
    pub user: String,
    /// The change of state (`入力中 → 提出済`) rather than of content.
    pub is_state: bool,
    /// The change (bounded however long the texts: [`ChangeView::excerpt`]).
    pub change: ChangeView,
    /// Where the whole texts of a shortened change are shown (a sheet's history only).
    pub whole_href: Option<String>,
}

/// The history rows of a page of audit entries, in the page's order; `whole_href` gives the
/// address of an entry's page of whole texts (a sheet's history), or `None` (an edition's).
pub fn history(
    entries: &[AuditExcerpt],
    whole_href: impl Fn(i64) -> Option<String>,
) -> Vec<HistoryRow> {
    entries
        .iter()
        .map(|excerpt| {
            let entry = &excerpt.entry;
            let change = ChangeView::excerpt(
                &FieldChange {
                    field: entry.field,
                    before: entry.before.clone(),
                    after: entry.after.clone(),
                },
                excerpt.before_chars,
                excerpt.after_chars,
            );
            HistoryRow {
                when: when(entry.at),
                user: entry.user.clone().unwrap_or_else(|| "—".to_owned()),
                is_state: entry.field == Field::State,
                whole_href: if change.shortened {
                    whole_href(entry.id)
                } else {
                    None
                },
                change,
            }
        })
        .collect()
}

/// A comment as shown beside its field.
#[derive(Clone, Debug)]
pub struct CommentView {
    /// The id (for the resolve form).
    pub id: i64,
    /// The field path.
    pub path: String,
    /// The field's label.
    pub label: String,
    /// Who wrote it.
    pub author: String,
    /// When.
    pub when: String,
    /// The remark, as written.
    pub body: String,
    /// `解決済み（admin、令和8年…）` when resolved.
    pub resolved: Option<String>,
}

impl CommentView {
    /// The view of a comment on a sheet holding `item`.
    pub fn new(comment: &Comment, item: &Item) -> CommentView {
        CommentView {
            id: comment.id,
            path: comment.field.path(),
            label: comment.field.label_in(item),
            author: comment.author.clone(),
            when: when(comment.created_at),
            body: comment.body.clone(),
            resolved: comment.resolved_at.map(|at| {
                format!(
                    "解決済み（{}、{}）",
                    comment.resolved_by.as_deref().unwrap_or("—"),
                    when(at)
                )
            }),
        }
    }
}

/// A check finding as shown beside its field and in the 数値の確認 box.
#[derive(Clone, Debug)]
pub struct FindingNote {
    /// The stable key (what the waiver form sends).
    pub key: String,
    /// The message.
    pub message: String,
    /// The field it concerns (`effects.3`), empty when none.
    pub path: String,
    /// `確認済み（admin：理由）` when an admin accepted it.
    pub waived: Option<String>,
}

/// The notes of findings.
pub fn finding_notes(findings: &[CheckedFinding]) -> Vec<FindingNote> {
    findings
        .iter()
        .map(|f| FindingNote {
            key: f.key.clone(),
            message: f.finding.message(),
            path: f.field.map(Field::path).unwrap_or_default(),
            waived: f.waiver.as_ref().map(waiver_text),
        })
        .collect()
}

fn waiver_text(waiver: &Waiver) -> String {
    format!(
        "確認済み（{}、{}）：{}",
        waiver.user,
        when(waiver.at),
        waiver.reason
    )
}

/// What is shown beside one field.
#[derive(Clone, Debug, Default)]
pub struct FieldNotes {
    /// The field path (`narratives.0`), also the element's `data-field`.
    pub path: String,
    /// Carried over from last year and not edited since (前年度から複写).
    pub copied: bool,
    /// Differs between the two versions of a conflict.
    pub differs: bool,
    /// The comments on the field.
    pub comments: Vec<CommentView>,
    /// The findings about the field.
    pub findings: Vec<FindingNote>,
}

impl FieldNotes {
    /// The classes of the field's element: `field`, and `is-copied`, `differs`,
    /// `has-findings`, `has-comments` as they apply.
    pub fn class(&self) -> String {
        let mut class = "field".to_owned();
        if self.copied {
            class.push_str(" is-copied");
        }
        if self.differs {
            class.push_str(" differs");
        }
        if !self.findings.is_empty() {
            class.push_str(" has-findings");
        }
        if !self.comments.is_empty() {
            class.push_str(" has-comments");
        }
        class
    }

    /// True when something is shown beside the field.
    pub fn any(&self) -> bool {
        self.copied || self.differs || !self.findings.is_empty() || !self.comments.is_empty()
    }
}

/// The sources of the notes of a sheet, by field path.
#[derive(Clone, Debug, Default)]
pub struct Notes {
    /// Copied fields.
    pub copied: BTreeSet<String>,
    /// Fields that differ (a conflict).
    pub differs: BTreeSet<String>,
    /// Every comment.
    pub comments: Vec<CommentView>,
    /// Every finding.
    pub findings: Vec<FindingNote>,
}

impl Notes {
    /// The notes of the field at `path`.
    pub fn of(&self, path: &str) -> FieldNotes {
        FieldNotes {
            path: path.to_owned(),
            copied: self.copied.contains(path),
            differs: self.differs.contains(path),
            comments: self
                .comments
                .iter()
                .filter(|c| c.path == path)
                .cloned()
                .collect(),
            findings: self
                .findings
                .iter()
                .filter(|f| f.path == path)
                .cloned()
                .collect(),
        }
    }
}

/// An input of the form: its name and id (from its [`FormField`]), the value to show and
/// the error beside it.
#[derive(Clone, Debug)]
pub struct Input {
    /// The `name`: [`FormField::name`].
    pub name: String,
    /// The element `id`: [`FormField::id`].
    pub id: String,
    /// The value as typed.
    pub value: String,
    /// Why the value was refused.
    pub error: Option<String>,
}

impl Input {
    fn new(field: FormField, value: &str, errors: &FormErrors) -> Input {
        Input {
            name: field.name(),
            id: field.id(),
            value: value.to_owned(),
            error: errors.get(&field).cloned(),
        }
    }

    /// The hidden `fixed` input of a box or row with a fixed heading, or `None` for a free one.
    fn fixed(field: FormField, fixed: bool) -> Option<Input> {
        fixed.then(|| Input::new(field, FIXED, &FormErrors::new()))
    }
}

/// One choice of a select.
#[derive(Clone, Debug)]
pub struct Choice {
    /// The value sent.
    pub value: String,
    /// The label shown.
    pub label: String,
    /// Selected now.
    pub selected: bool,
}

fn choices(options: &[(String, String)], current: &str) -> Vec<Choice> {
    let mut list: Vec<Choice> = options
        .iter()
        .map(|(value, label)| Choice {
            selected: value == current,
            value: value.clone(),
            label: label.clone(),
        })
        .collect();
    if !current.is_empty() && !options.iter().any(|(v, _)| v == current) {
        // A value the list does not have (sent by hand) stays visible, so the error beside it
        // makes sense.
        list.push(Choice {
            value: current.to_owned(),
            label: current.to_owned(),
            selected: true,
        });
    }
    list
}

/// A content row of the form.
#[derive(Clone, Debug)]
pub struct ContentEdit {
    /// The content.
    pub text: Input,
    /// One cell per schedule column.
    pub cells: Vec<Input>,
    /// Beside the row.
    pub notes: FieldNotes,
}

/// An action row of the form.
#[derive(Clone, Debug)]
pub struct ActionEdit {
    /// The number.
    pub no: Input,
    /// The text.
    pub text: Input,
}

/// A narrative box of the form.
#[derive(Clone, Debug)]
pub struct NarrativeEdit {
    /// For a box with a fixed heading (hidden year and kind), the hidden input saying so.
    pub fixed: Option<Input>,
    /// `【令和4年度（実績）】`, empty for a free row.
    pub heading: String,
    /// The year.
    pub year: Input,
    /// The years offered (free rows).
    pub years: Vec<Choice>,
    /// The kind.
    pub kind: Input,
    /// The kinds offered (free rows).
    pub kinds: Vec<Choice>,
    /// The text.
    pub text: Input,
    /// Last year's 見込み for this year, shown beside the report year's 実績 box.
    pub previous_forecast: Option<String>,
    /// Beside the box.
    pub notes: FieldNotes,
}

/// A quantity of an effects row.
#[derive(Clone, Debug)]
pub struct QuantityEdit {
    /// The label.
    pub label: Input,
    /// The value.
    pub value: Input,
    /// The unit.
    pub unit: Input,
    /// The units offered.
    pub units: Vec<Choice>,
    /// The status.
    pub status: Input,
    /// The statuses offered.
    pub statuses: Vec<Choice>,
}

/// An effects row of the form.
#[derive(Clone, Debug)]
pub struct EffectEdit {
    /// For a row with a fixed heading (hidden year), the hidden input saying so.
    pub fixed: Option<Input>,
    /// `令和3年度` or `総計`, empty for a free row.
    pub heading: String,
    /// The 総計 row.
    pub is_total: bool,
    /// The year.
    pub year: Input,
    /// The years offered (free rows).
    pub years: Vec<Choice>,
    /// The row as written.
    pub text: Input,
    /// Its quantities.
    pub quantities: Vec<QuantityEdit>,
    /// Beside the row.
    pub notes: FieldNotes,
}

/// The whole sheet form.
#[derive(Clone, Debug)]
pub struct EditView {
    /// 項目名.
    pub title: Input,
    /// Beside 項目名.
    pub title_notes: FieldNotes,
    /// 担当課.
    pub departments: Input,
    /// Beside 担当課.
    pub departments_notes: FieldNotes,
    /// The schedule columns (`令和2年度`).
    pub years: Vec<String>,
    /// 改善・推進の内容 rows.
    pub contents: Vec<ContentEdit>,
    /// 改善・推進目標.
    pub goal: Input,
    /// Beside the goal.
    pub goal_notes: FieldNotes,
    /// 主な取組内容.
    pub actions: Vec<ActionEdit>,
    /// Beside the actions.
    pub actions_notes: FieldNotes,
    /// The narrative boxes.
    pub narratives: Vec<NarrativeEdit>,
    /// The effects rows.
    pub effects: Vec<EffectEdit>,
    /// `【令和4年度総評】`.
    pub evaluation_heading: String,
    /// 総評.
    pub evaluation: Input,
    /// Beside the 総評.
    pub evaluation_notes: FieldNotes,
}

/// The kinds of narrative, as offered.
fn kind_options() -> Vec<(String, String)> {
    NarrativeKind::ALL
        .iter()
        .map(|k| (k.code().to_owned(), k.label().to_owned()))
        .collect()
}

fn heading(year: &str, kind: &str) -> String {
    let year = year.parse::<i32>().ok().and_then(FiscalYear::new);
    let kind = NarrativeKind::from_code(kind);
    match (year, kind) {
        (Some(year), Some(kind)) => format!("【{}（{}）】", year.wareki_label(), kind.label()),
        _ => String::new(),
    }
}

fn effect_heading(year: &str) -> String {
    if year == TOTAL {
        return "総計".to_owned();
    }
    year.parse::<i32>()
        .ok()
        .and_then(FiscalYear::new)
        .map(FiscalYear::wareki_label)
        .unwrap_or_default()
}

impl EditView {
    /// The form view of `form` (for the sheet `stored` of an edition `frame`), with `errors`
    /// beside their inputs and `notes` beside their fields. Rows are matched to the stored
    /// fields by position; `map` (a conflict) says where each row went in the user's item,
    /// whose differences are in `differs`.
    pub fn new(
        form: &SheetForm,
        stored: &Item,
        frame: &Report,
        errors: &FormErrors,
        notes: &Notes,
        previous_forecast: Option<&str>,
        conflict: Option<(&FormMap, &BTreeSet<String>)>,
    ) -> EditView {
        let columns = columns(frame, stored);
        let years = year_choices(frame);
        let year_options: Vec<(String, String)> = years
            .iter()
            .map(|y| (y.gregorian().to_string(), y.wareki_label()))
            .collect();
        let mut effect_years = year_options.clone();
        effect_years.push((TOTAL.to_owned(), "総計".to_owned()));
        let mut unit_options = vec![(String::new(), "（単位）".to_owned())];
        unit_options.extend(Unit::known().map(|u| (u.symbol().to_owned(), u.symbol().to_owned())));
        let mut status_options = vec![(String::new(), "（なし）".to_owned())];
        status_options.extend(
            Status::ALL
                .iter()
                .map(|s| (s.code().to_owned(), s.label().to_owned())),
        );
        // The notes of row `i` of a list: the stored field at the same position, marked as
        // differing when the user's row went to a field that differs.
        let row_notes = |field: fn(usize) -> Field, i: usize, went: Option<&Vec<Option<usize>>>| {
            let mut n = notes.of(&field(i).path());
            n.differs = false;
            if let (Some(went), Some((_, differs))) = (went, conflict) {
                n.differs = went
                    .get(i)
                    .copied()
                    .flatten()
                    .is_some_and(|j| differs.contains(&field(j).path()));
            }
            n
        };
        let plain = |field: Field| {
            let mut n = notes.of(&field.path());
            n.differs = conflict.is_some_and(|(_, d)| d.contains(&field.path()));
            n
        };
        let map = conflict.map(|(m, _)| m);
        let report_year = frame.report_fiscal_year.map(|y| y.gregorian().to_string());
        EditView {
            title: Input::new(FormField::Title, &form.title, errors),
            title_notes: plain(Field::Title),
            departments: Input::new(FormField::Departments, &form.departments, errors),
            departments_notes: plain(Field::Departments),
            years: columns.iter().map(|y| y.wareki_label()).collect(),
            contents: form
                .contents
                .iter()
                .enumerate()
                .map(|(i, row)| ContentEdit {
                    text: Input::new(FormField::Content(i, ContentPart::Text), &row.text, errors),
                    cells: columns
                        .iter()
                        .map(|year| {
                            let value = row.cells.get(year).map(String::as_str);
                            Input::new(
                                FormField::Content(i, ContentPart::Cell(*year)),
                                value.unwrap_or_default(),
                                errors,
                            )
                        })
                        .collect(),
                    notes: row_notes(Field::Content, i, map.map(|m| &m.contents)),
                })
                .collect(),
            goal: Input::new(FormField::Goal, &form.goal, errors),
            goal_notes: plain(Field::Goal),
            actions: form
                .actions
                .iter()
                .enumerate()
                .map(|(i, row)| ActionEdit {
                    no: Input::new(FormField::Action(i, ActionPart::No), &row.no, errors),
                    text: Input::new(FormField::Action(i, ActionPart::Text), &row.text, errors),
                })
                .collect(),
            actions_notes: plain(Field::Actions),
            narratives: form
                .narratives
                .iter()
                .enumerate()
                .map(|(i, row)| {
                    let is_actual_box = row.kind == NarrativeKind::Actual.code()
                        && Some(&row.year) == report_year.as_ref();
                    let input = |part, value: &str| {
                        Input::new(FormField::Narrative(i, part), value, errors)
                    };
                    NarrativeEdit {
                        fixed: Input::fixed(
                            FormField::Narrative(i, NarrativePart::Fixed),
                            row.fixed,
                        ),
                        heading: heading(&row.year, &row.kind),
                        year: input(NarrativePart::Year, &row.year),
                        years: choices(&year_options, &row.year),
                        kind: input(NarrativePart::Kind, &row.kind),
                        kinds: choices(&kind_options(), &row.kind),
                        text: input(NarrativePart::Text, &row.text),
                        previous_forecast: previous_forecast
                            .filter(|_| is_actual_box)
                            .map(str::to_owned),
                        notes: row_notes(Field::Narrative, i, map.map(|m| &m.narratives)),
                    }
                })
                .collect(),
            effects: form
                .effects
                .iter()
                .enumerate()
                .map(|(i, row)| EffectEdit {
                    fixed: Input::fixed(FormField::Effect(i, EffectPart::Fixed), row.fixed),
                    heading: effect_heading(&row.year),
                    is_total: row.year == TOTAL,
                    year: Input::new(FormField::Effect(i, EffectPart::Year), &row.year, errors),
                    years: choices(&effect_years, &row.year),
                    text: Input::new(FormField::Effect(i, EffectPart::Text), &row.text, errors),
                    quantities: row
                        .quantities
                        .iter()
                        .enumerate()
                        .map(|(k, q)| {
                            let input = |part, value: &str| {
                                let field = FormField::Effect(i, EffectPart::Quantity(k, part));
                                Input::new(field, value, errors)
                            };
                            QuantityEdit {
                                label: input(QuantityPart::Label, &q.label),
                                value: input(QuantityPart::Value, &q.value),
                                unit: input(QuantityPart::Unit, &q.unit),
                                units: choices(&unit_options, &q.unit),
                                status: input(QuantityPart::Status, &q.status),
                                statuses: choices(&status_options, &q.status),
                            }
                        })
                        .collect(),
                    notes: row_notes(Field::Effect, i, map.map(|m| &m.effects)),
                })
                .collect(),
            evaluation_heading: frame
                .report_fiscal_year
                .map(|y| format!("【{}総評】", y.wareki_label()))
                .unwrap_or_else(|| "【総評】".to_owned()),
            evaluation: Input::new(FormField::Evaluation, &form.evaluation, errors),
            evaluation_notes: plain(Field::Evaluation),
        }
    }
}

/// A content row of the read-only sheet.
#[derive(Clone, Debug)]
pub struct ReadContent {
    /// The content.
    pub text: String,
    /// One cell per column.
    pub cells: Vec<String>,
    /// Beside the row.
    pub notes: FieldNotes,
}

/// A narrative of the read-only sheet.
#[derive(Clone, Debug)]
pub struct ReadNarrative {
    /// `【令和4年度（実績）】`.
    pub heading: String,
    /// The text (shown with its line ends).
    pub text: String,
    /// Last year's 見込み, beside the report year's 実績.
    pub previous_forecast: Option<String>,
    /// Beside it.
    pub notes: FieldNotes,
}

/// An effects row of the read-only sheet.
#[derive(Clone, Debug)]
pub struct ReadEffect {
    /// `令和3年度` or `総計`.
    pub year: String,
    /// The 総計 row.
    pub is_total: bool,
    /// The row as written.
    pub text: String,
    /// The quantities (`削減額 1,200千円（実績）`).
    pub quantities: Vec<String>,
    /// Beside it.
    pub notes: FieldNotes,
}

/// A sheet as read, each part with its notes.
#[derive(Clone, Debug)]
pub struct ReadView {
    /// 項目名.
    pub title: String,
    /// Beside it.
    pub title_notes: FieldNotes,
    /// 担当課 joined by `・`.
    pub departments: String,
    /// Beside it.
    pub departments_notes: FieldNotes,
    /// The schedule columns.
    pub years: Vec<String>,
    /// 改善・推進の内容.
    pub contents: Vec<ReadContent>,
    /// 改善・推進目標.
    pub goal: String,
    /// Beside it.
    pub goal_notes: FieldNotes,
    /// 主な取組内容.
    pub actions: Vec<ActionView>,
    /// Beside them.
    pub actions_notes: FieldNotes,
    /// The narratives.
    pub narratives: Vec<ReadNarrative>,
    /// The effects.
    pub effects: Vec<ReadEffect>,
    /// `【令和4年度総評】`, empty when there is none.
    pub evaluation_heading: String,
    /// 総評.
    pub evaluation: String,
    /// Beside it.
    pub evaluation_notes: FieldNotes,
}

impl ReadView {
    /// The read-only view of `item` in an edition `frame`, with `notes` by field path.
    pub fn new(
        item: &Item,
        frame: &Report,
        notes: &Notes,
        previous_forecast: Option<&str>,
    ) -> ReadView {
        // The key only makes the public address, which a draft's view never shows.
        let key = EditionKey {
            plan_id: 0,
            fiscal_year: frame
                .report_fiscal_year
                .unwrap_or_else(|| FiscalYear::containing(NaiveDate::default())),
        };
        let columns = columns(frame, item);
        let sheet = SheetView::new(key, &columns, item);
        let of = |field: Field| notes.of(&field.path());
        ReadView {
            title: sheet.title.clone(),
            title_notes: of(Field::Title),
            departments: sheet.departments.clone(),
            departments_notes: of(Field::Departments),
            years: sheet.years.clone(),
            contents: sheet
                .contents
                .iter()
                .enumerate()
                .map(|(i, row)| ReadContent {
                    text: row.text.clone(),
                    cells: row.cells.clone(),
                    notes: of(Field::Content(i)),
                })
                .collect(),
            goal: sheet.goal.clone(),
            goal_notes: of(Field::Goal),
            actions: sheet.actions.clone(),
            actions_notes: of(Field::Actions),
            narratives: item
                .narratives
                .iter()
                .enumerate()
                .map(|(i, n)| ReadNarrative {
                    heading: format!("【{}（{}）】", n.fiscal_year.wareki_label(), n.kind.label()),
                    text: n.text.clone(),
                    previous_forecast: previous_forecast
                        .filter(|_| {
                            n.kind == NarrativeKind::Actual
                                && Some(n.fiscal_year) == frame.report_fiscal_year
                        })
                        .map(str::to_owned),
                    notes: of(Field::Narrative(i)),
                })
                .collect(),
            effects: sheet
                .effects
                .iter()
                .enumerate()
                .map(|(i, row)| ReadEffect {
                    year: row.year.clone(),
                    is_total: row.is_total,
                    text: row.text.clone(),
                    quantities: row.quantities.clone(),
                    notes: of(Field::Effect(i)),
                })
                .collect(),
            evaluation_heading: sheet
                .evaluation
                .as_ref()
                .map(|e| e.heading.clone())
                .unwrap_or_default(),
            evaluation: item
                .evaluation
                .as_ref()
                .map(|e| e.text.clone())
                .unwrap_or_default(),
            evaluation_notes: of(Field::Evaluation),
        }
    }
}

/// The fields of `item` a comment may concern, with their labels, in sheet order.
pub fn comment_fields(item: &Item) -> Vec<(String, String)> {
    let mut fields = vec![Field::Title, Field::Departments];
    fields.extend((0..item.contents.len()).map(Field::Content));
    fields.extend([Field::Goal, Field::Actions]);
    fields.extend((0..item.narratives.len()).map(Field::Narrative));
    fields.extend((0..item.effects.len()).map(Field::Effect));
    fields.push(Field::Evaluation);
    fields
        .into_iter()
        .map(|field| (field.path(), field.label_in(item)))
        .collect()
}
