//! The sheet form: every part of a sheet as the text typed into the form, read from a posted
//! body and turned into an [`Item`] (or the errors that stop it, each keyed by its input).
//!
//! The inputs and their names are [`FormField`] (module [`super::form_field`]). Rows whose
//! inputs are all empty are ignored, so the page can always offer a few empty rows. Text is
//! kept as typed, with line ends made `\n` and the edges trimmed (as the reader trims cells).
//! Numbers are read with [`parse_value`], units with [`Unit::from_symbol`], schedule cells with
//! [`ScheduleCell::read`]: one parser per value. [`SheetForm::to_item`] reads the sheet one
//! section at a time, each section a function of its own, then checks the item against the
//! [`Limits`] ([`kaikaku_model::limits::check_item`], the rules the API and the imports share:
//! lengths, control characters, a title, unique action numbers), each violation beside the
//! input it is about.

use std::collections::BTreeMap;

use kaikaku_model::limits::{Part, Violation, check_item};
use kaikaku_model::quantity::{ValueError, format_decimal, parse_value, read_value};
use kaikaku_model::workflow::Field;
use kaikaku_model::{
    Action, ContentRow, EffectRow, Evaluation, FiscalYear, Item, Limits, Narrative, NarrativeKind,
    Quantity, Report, ScheduleCell, Status, Unit,
};

use super::form_field::{
    ActionPart, ContentPart, EffectPart, FormField, NarrativePart, QuantityPart,
};

/// The value of an effects row's year on the 総計 row.
pub const TOTAL: &str = "total";

/// The value a box or row with a fixed heading sends as its `fixed` input.
pub const FIXED: &str = "1";

/// A sheet as typed into the form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SheetForm {
    /// 項目名.
    pub title: String,
    /// 担当課, one per line.
    pub departments: String,
    /// 改善・推進の内容 rows.
    pub contents: Vec<ContentInput>,
    /// 改善・推進目標.
    pub goal: String,
    /// 主な取組内容.
    pub actions: Vec<ActionInput>,
    /// Narratives.
    pub narratives: Vec<NarrativeInput>,
    /// Effects rows.
    pub effects: Vec<EffectInput>,
    /// 総評.
    pub evaluation: String,
}

/// A content row: its text and one cell per fiscal year (Gregorian year → text).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContentInput {
    /// The content.
    pub text: String,
    /// The schedule cells typed, by fiscal year.
    pub cells: BTreeMap<FiscalYear, String>,
}

/// A numbered main action.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActionInput {
    /// The number as typed (`1`, `１`).
    pub no: String,
    /// The text.
    pub text: String,
}

/// A narrative box.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NarrativeInput {
    /// The Gregorian year as sent.
    pub year: String,
    /// `actual`, `forecast` or `plan`.
    pub kind: String,
    /// The text.
    pub text: String,
    /// A box the page always shows with a fixed heading (stored, or the report year's 実績 and
    /// the next year's 見込み); other rows offer a choice of year and kind.
    pub fixed: bool,
}

/// An effects row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EffectInput {
    /// The Gregorian year, or [`TOTAL`].
    pub year: String,
    /// The row as written.
    pub text: String,
    /// Its quantities.
    pub quantities: Vec<QuantityInput>,
    /// A row with a fixed heading (stored, or one per plan year); other rows offer a choice.
    pub fixed: bool,
}

/// A quantity of an effects row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuantityInput {
    /// The label.
    pub label: String,
    /// The value as typed.
    pub value: String,
    /// The unit symbol.
    pub unit: String,
    /// The status code, or empty.
    pub status: String,
}

impl QuantityInput {
    fn is_empty(&self) -> bool {
        self.label.trim().is_empty() && self.value.trim().is_empty()
    }
}

impl ContentInput {
    fn is_empty(&self) -> bool {
        self.text.trim().is_empty() && self.cells.values().all(|c| c.trim().is_empty())
    }
}

impl EffectInput {
    fn is_empty(&self) -> bool {
        self.text.trim().is_empty() && self.quantities.iter().all(QuantityInput::is_empty)
    }
}

/// What stops a form from becoming a sheet: input → Japanese message.
pub type FormErrors = BTreeMap<FormField, String>;

/// Where each form row went in the item (`None`: an empty row, ignored).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormMap {
    /// Content rows.
    pub contents: Vec<Option<usize>>,
    /// Narratives.
    pub narratives: Vec<Option<usize>>,
    /// Effects rows.
    pub effects: Vec<Option<usize>>,
    /// Actions.
    pub actions: Vec<Option<usize>>,
}

impl FormMap {
    /// The form row that became row `index` of the item, in a map of [`FormMap`].
    fn row_of(map: &[Option<usize>], index: usize) -> Option<usize> {
        map.iter().position(|row| *row == Some(index))
    }
}

/// The schedule's columns: the plan period, else the years the item's cells name.
pub fn columns(frame: &Report, item: &Item) -> Vec<FiscalYear> {
    if !frame.fiscal_years.is_empty() {
        return frame.fiscal_years.clone();
    }
    let mut years: Vec<FiscalYear> = item
        .contents
        .iter()
        .flat_map(|row| row.schedule.iter().map(|cell| cell.fiscal_year))
        .collect();
    years.sort();
    years.dedup();
    years
}

/// The years a narrative or effects row may name: the plan period with the report year and
/// the next year, in order.
pub fn year_choices(frame: &Report) -> Vec<FiscalYear> {
    let mut years = frame.fiscal_years.clone();
    if let Some(year) = frame.report_fiscal_year {
        years.push(year);
        years.push(year.next());
    }
    years.sort();
    years.dedup();
    years
}

fn year_code(year: Option<FiscalYear>) -> String {
    year.map_or_else(|| TOTAL.to_owned(), |y| y.gregorian().to_string())
}

impl SheetForm {
    /// The form of a stored sheet, with the report year's 実績 box and the next year's 見込み
    /// box when the sheet has none, and a few empty rows ([`SheetForm::with_blank_rows`]).
    pub fn from_item(item: &Item, frame: &Report) -> SheetForm {
        let columns = columns(frame, item);
        let contents = item
            .contents
            .iter()
            .map(|row| ContentInput {
                text: row.text.clone(),
                cells: columns
                    .iter()
                    .map(|year| {
                        let text = row
                            .schedule
                            .iter()
                            .find(|cell| cell.fiscal_year == *year)
                            .map(ScheduleCell::written)
                            .unwrap_or_default();
                        (*year, text)
                    })
                    .collect(),
            })
            .collect();
        let actions = item
            .actions
            .iter()
            .map(|a| ActionInput {
                no: a.no.to_string(),
                text: a.text.clone(),
            })
            .collect();
        let mut narratives: Vec<NarrativeInput> = item
            .narratives
            .iter()
            .map(|n| NarrativeInput {
                year: n.fiscal_year.gregorian().to_string(),
                kind: n.kind.code().to_owned(),
                text: n.text.clone(),
                fixed: true,
            })
            .collect();
        if let Some(year) = frame.report_fiscal_year {
            for (year, kind) in [
                (year, NarrativeKind::Actual),
                (year.next(), NarrativeKind::Forecast),
            ] {
                let present = item
                    .narratives
                    .iter()
                    .any(|n| n.fiscal_year == year && n.kind == kind);
                if !present {
                    narratives.push(NarrativeInput {
                        year: year.gregorian().to_string(),
                        kind: kind.code().to_owned(),
                        text: String::new(),
                        fixed: true,
                    });
                }
            }
        }
        let mut effects: Vec<EffectInput> = item
            .effects
            .iter()
            .map(|row| EffectInput {
                year: year_code(if row.is_total { None } else { row.fiscal_year }),
                text: row.text.clone(),
                quantities: row
                    .quantities
                    .iter()
                    .map(|q| QuantityInput {
                        label: q.label.clone(),
                        value: format_decimal(q.value),
                        unit: q.unit.symbol().to_owned(),
                        status: q.status.map(|s| s.code().to_owned()).unwrap_or_default(),
                    })
                    .collect(),
                fixed: true,
            })
            .collect();
        if effects.is_empty() {
            effects = frame
                .fiscal_years
                .iter()
                .map(|y| Some(*y))
                .chain([None])
                .map(|year| EffectInput {
                    year: year_code(year),
                    fixed: true,
                    ..EffectInput::default()
                })
                .collect();
        }
        SheetForm {
            title: item.title.clone(),
            departments: item.departments.join("\n"),
            contents,
            goal: item.goal.clone().unwrap_or_default(),
            actions,
            narratives,
            effects,
            evaluation: item
                .evaluation
                .as_ref()
                .map(|e| e.text.clone())
                .unwrap_or_default(),
        }
        .with_blank_rows()
    }

    /// The form with empty rows to fill in at the end of each list: two content rows, three
    /// actions, one narrative, one effects row, and one quantity in every effects row.
    pub fn with_blank_rows(mut self) -> SheetForm {
        fn pad<T: Default>(rows: &mut Vec<T>, wanted: usize, empty: impl Fn(&T) -> bool) {
            let trailing = rows.iter().rev().take_while(|r| empty(r)).count();
            for _ in trailing..wanted {
                rows.push(T::default());
            }
        }
        pad(&mut self.contents, 2, |r| r.is_empty());
        pad(&mut self.actions, 3, |r: &ActionInput| {
            r.text.trim().is_empty()
        });
        pad(&mut self.narratives, 1, |r: &NarrativeInput| {
            !r.fixed && r.text.trim().is_empty()
        });
        pad(&mut self.effects, 1, |r: &EffectInput| {
            !r.fixed && r.is_empty()
        });
        for row in &mut self.effects {
            pad(&mut row.quantities, 1, QuantityInput::is_empty);
        }
        // Empty rows get a number and a year to start from.
        let mut next_no = 1;
        for action in &mut self.actions {
            match action.no.trim().parse::<u32>() {
                Ok(n) => next_no = n + 1,
                Err(_) if action.no.trim().is_empty() => {
                    action.no = next_no.to_string();
                    next_no += 1;
                }
                Err(_) => {}
            }
        }
        self
    }

    /// The form as the pairs a browser sends (without `version`, `intent` and `_csrf`): the
    /// inverse of [`SheetForm::from_pairs`].
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        let mut put = |field: FormField, value: &str| pairs.push((field.name(), value.to_owned()));
        put(FormField::Title, &self.title);
        put(FormField::Departments, &self.departments);
        for (i, row) in self.contents.iter().enumerate() {
            put(FormField::Content(i, ContentPart::Text), &row.text);
            for (year, cell) in &row.cells {
                put(FormField::Content(i, ContentPart::Cell(*year)), cell);
            }
        }
        put(FormField::Goal, &self.goal);
        for (i, row) in self.actions.iter().enumerate() {
            put(FormField::Action(i, ActionPart::No), &row.no);
            put(FormField::Action(i, ActionPart::Text), &row.text);
        }
        for (i, row) in self.narratives.iter().enumerate() {
            put(FormField::Narrative(i, NarrativePart::Year), &row.year);
            put(FormField::Narrative(i, NarrativePart::Kind), &row.kind);
            put(FormField::Narrative(i, NarrativePart::Text), &row.text);
            if row.fixed {
                put(FormField::Narrative(i, NarrativePart::Fixed), FIXED);
            }
        }
        for (i, row) in self.effects.iter().enumerate() {
            put(FormField::Effect(i, EffectPart::Year), &row.year);
            put(FormField::Effect(i, EffectPart::Text), &row.text);
            if row.fixed {
                put(FormField::Effect(i, EffectPart::Fixed), FIXED);
            }
            for (k, q) in row.quantities.iter().enumerate() {
                let mut quantity = |part, value: &str| {
                    put(FormField::Effect(i, EffectPart::Quantity(k, part)), value)
                };
                quantity(QuantityPart::Label, &q.label);
                quantity(QuantityPart::Value, &q.value);
                quantity(QuantityPart::Unit, &q.unit);
                quantity(QuantityPart::Status, &q.status);
            }
        }
        put(FormField::Evaluation, &self.evaluation);
        pairs
    }

    /// Reads a posted form (the pairs of an `application/x-www-form-urlencoded` body). Names
    /// that are not a [`FormField`] are ignored; rows come back in the order of their index.
    pub fn from_pairs(pairs: &[(String, String)]) -> SheetForm {
        let mut form = SheetForm::default();
        let mut contents: BTreeMap<usize, ContentInput> = BTreeMap::new();
        let mut actions: BTreeMap<usize, ActionInput> = BTreeMap::new();
        let mut narratives: BTreeMap<usize, NarrativeInput> = BTreeMap::new();
        let mut effects: BTreeMap<usize, (EffectInput, BTreeMap<usize, QuantityInput>)> =
            BTreeMap::new();
        for (name, value) in pairs {
            let Some(field) = FormField::parse(name) else {
                continue;
            };
            let value = value.clone();
            match field {
                FormField::Title => form.title = value,
                FormField::Departments => form.departments = value,
                FormField::Goal => form.goal = value,
                FormField::Evaluation => form.evaluation = value,
                FormField::Content(i, part) => {
                    let row = contents.entry(i).or_default();
                    match part {
                        ContentPart::Text => row.text = value,
                        ContentPart::Cell(year) => {
                            row.cells.insert(year, value);
                        }
                    }
                }
                FormField::Action(i, part) => {
                    let row = actions.entry(i).or_default();
                    match part {
                        ActionPart::No => row.no = value,
                        ActionPart::Text => row.text = value,
                    }
                }
                FormField::Narrative(i, part) => {
                    let row = narratives.entry(i).or_default();
                    match part {
                        NarrativePart::Year => row.year = value,
                        NarrativePart::Kind => row.kind = value,
                        NarrativePart::Text => row.text = value,
                        NarrativePart::Fixed => row.fixed = value == FIXED,
                    }
                }
                FormField::Effect(i, part) => {
                    let (row, quantities) = effects.entry(i).or_default();
                    match part {
                        EffectPart::Year => row.year = value,
                        EffectPart::Text => row.text = value,
                        EffectPart::Fixed => row.fixed = value == FIXED,
                        EffectPart::Quantity(k, part) => {
                            let quantity = quantities.entry(k).or_default();
                            match part {
                                QuantityPart::Label => quantity.label = value,
                                QuantityPart::Value => quantity.value = value,
                                QuantityPart::Unit => quantity.unit = value,
                                QuantityPart::Status => quantity.status = value,
                            }
                        }
                    }
                }
            }
        }
        form.contents = contents.into_values().collect();
        form.actions = actions.into_values().collect();
        form.narratives = narratives.into_values().collect();
        form.effects = effects
            .into_values()
            .map(|(mut effect, quantities)| {
                effect.quantities = quantities.into_values().collect();
                effect
            })
            .collect();
        form
    }

    /// The sheet the form describes, built on `stored` (whose number, reporting department
    /// and reposts cannot change here, and whose line numbers are kept row by row), or every
    /// error found: values that cannot be read, and the item's violations of `limits`. The
    /// report year (for the 総評) comes from `frame`.
    pub fn to_item(
        &self,
        stored: &Item,
        frame: &Report,
        limits: &Limits,
    ) -> Result<(Item, FormMap), FormErrors> {
        let mut errors = FormErrors::new();
        let title = clean(&self.title);
        let departments = read_departments(&self.departments);
        let (contents, content_map) = read_contents(&self.contents, &stored.contents, &mut errors);
        let goal = read_goal(&self.goal);
        let (actions, action_map) = read_actions(&self.actions, &mut errors);
        let (narratives, narrative_map) =
            read_narratives(&self.narratives, &stored.narratives, &mut errors);
        let (effects, effect_map) = read_effects(&self.effects, &stored.effects, &mut errors);
        let evaluation = read_evaluation(&self.evaluation, stored, frame, &mut errors);
        let item = Item {
            no: stored.no,
            title,
            reporting_department: stored.reporting_department.clone(),
            departments,
            contents,
            goal,
            actions,
            narratives,
            effects,
            evaluation,
            reposts: stored.reposts.clone(),
            line: stored.line,
        };
        let map = FormMap {
            contents: content_map,
            narratives: narrative_map,
            effects: effect_map,
            actions: action_map,
        };
        for violation in check_item(&item, limits) {
            let field = self.input_of(&violation, &map, limits);
            // A value that cannot be read is said first; one message per input.
            errors.entry(field).or_insert_with(|| match field {
                FormField::Title if violation.field != Some(Field::Title) => violation.to_string(),
                _ => violation.message(),
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok((item, map))
    }

    /// The input a violation of the item is about, through `map` (where each form row went);
    /// the title when it cannot be placed (then the message names its place).
    fn input_of(&self, violation: &Violation, map: &FormMap, limits: &Limits) -> FormField {
        let row = |rows: &[Option<usize>], index: usize| FormMap::row_of(rows, index);
        let placed = match (violation.field, violation.part) {
            (Some(Field::Title), _) => Some(FormField::Title),
            (Some(Field::Departments), _) => Some(FormField::Departments),
            (Some(Field::Goal), _) => Some(FormField::Goal),
            (Some(Field::Evaluation), _) => Some(FormField::Evaluation),
            (Some(Field::Content(i)), Part::Cell(year)) => {
                row(&map.contents, i).map(|r| FormField::Content(r, ContentPart::Cell(year)))
            }
            (Some(Field::Content(i)), _) => {
                row(&map.contents, i).map(|r| FormField::Content(r, ContentPart::Text))
            }
            (Some(Field::Actions), Part::ActionNo(i)) => {
                row(&map.actions, i).map(|r| FormField::Action(r, ActionPart::No))
            }
            (Some(Field::Actions), Part::ActionText(i)) => {
                row(&map.actions, i).map(|r| FormField::Action(r, ActionPart::Text))
            }
            (Some(Field::Actions), _) => {
                row(&map.actions, limits.rows).map(|r| FormField::Action(r, ActionPart::Text))
            }
            (Some(Field::Narrative(i)), _) => {
                row(&map.narratives, i).map(|r| FormField::Narrative(r, NarrativePart::Text))
            }
            (Some(Field::Effect(i)), Part::QuantityLabel(k)) => {
                row(&map.effects, i).and_then(|r| {
                    let q = self.effects.get(r)?.quantities.iter().enumerate();
                    let (q, _) = q.filter(|(_, q)| !q.is_empty()).nth(k)?;
                    Some(FormField::Effect(
                        r,
                        EffectPart::Quantity(q, QuantityPart::Label),
                    ))
                })
            }
            (Some(Field::Effect(i)), _) => {
                row(&map.effects, i).map(|r| FormField::Effect(r, EffectPart::Text))
            }
            (Some(Field::State) | None, _) => None,
        };
        placed.unwrap_or(FormField::Title)
    }
}

// -------------------------------------------------------------------------------------------
// The reader, one function per section of the sheet. Each reads its inputs, keeps the line
// numbers of the stored rows at the same positions, and adds what it cannot read to `errors`.
// -------------------------------------------------------------------------------------------

/// Reads a list of rows: `read` gives the row's part of the item, or `None` for a row left out
/// (empty, or refused); the map says where each row went.
fn read_rows<R, T>(
    rows: &[R],
    mut read: impl FnMut(usize, &R) -> Option<T>,
) -> (Vec<T>, Vec<Option<usize>>) {
    let mut read_rows = Vec::new();
    let mut map = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        match read(i, row) {
            Some(value) => {
                map.push(Some(read_rows.len()));
                read_rows.push(value);
            }
            None => map.push(None),
        }
    }
    (read_rows, map)
}

/// 担当課: one per line, empty lines left out.
fn read_departments(departments: &str) -> Vec<String> {
    departments
        .lines()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_owned)
        .collect()
}

/// 改善・推進の内容 and the schedule grid. A row needs its text; a cell is kept when typed or
/// when the stored row had a cell that year (so a cell emptied on purpose stays, empty).
fn read_contents(
    rows: &[ContentInput],
    stored: &[ContentRow],
    errors: &mut FormErrors,
) -> (Vec<ContentRow>, Vec<Option<usize>>) {
    read_rows(rows, |i, row| {
        if row.is_empty() {
            return None;
        }
        let text = clean(&row.text);
        if text.is_empty() {
            errors.insert(
                FormField::Content(i, ContentPart::Text),
                "改善・推進の内容を入力してください（スケジュールだけの行は保存できません）。"
                    .to_owned(),
            );
        }
        let old = stored.get(i);
        let schedule = row
            .cells
            .iter()
            .filter_map(|(year, cell)| {
                let cell = clean(cell);
                let had = old.is_some_and(|r| r.schedule.iter().any(|c| c.fiscal_year == *year));
                (!cell.is_empty() || had).then(|| ScheduleCell::read(*year, &cell))
            })
            .collect();
        Some(ContentRow {
            text,
            schedule,
            line: old.map_or(0, |r| r.line),
        })
    })
}

/// 改善・推進目標: optional.
fn read_goal(goal: &str) -> Option<String> {
    let goal = clean(goal);
    (!goal.is_empty()).then_some(goal)
}

/// 主な取組内容: a row with text needs a number from 1 to 99 (that no other row has: a rule of
/// the limits); rows without text are left out.
fn read_actions(
    rows: &[ActionInput],
    errors: &mut FormErrors,
) -> (Vec<Action>, Vec<Option<usize>>) {
    read_rows(rows, |i, row| {
        let text = clean(&row.text);
        if text.is_empty() {
            return None;
        }
        let no = parse_value(&row.no)
            .map(|v| v.normalize())
            .filter(|v| v.scale() == 0)
            .and_then(|v| u8::try_from(v.mantissa()).ok())
            .filter(|n| (1..=99).contains(n));
        if no.is_none() {
            errors.insert(
                FormField::Action(i, ActionPart::No),
                "番号は1から99までの整数で入力してください。".to_owned(),
            );
        }
        Some(Action { no: no?, text })
    })
}

/// The narratives: a box with text needs a year and a kind; empty boxes are left out.
fn read_narratives(
    rows: &[NarrativeInput],
    stored: &[Narrative],
    errors: &mut FormErrors,
) -> (Vec<Narrative>, Vec<Option<usize>>) {
    read_rows(rows, |i, row| {
        let text = clean(&row.text);
        if text.is_empty() {
            return None;
        }
        let year = row
            .year
            .trim()
            .parse::<i32>()
            .ok()
            .and_then(FiscalYear::new);
        let kind = NarrativeKind::from_code(row.kind.trim());
        let (Some(fiscal_year), Some(kind)) = (year, kind) else {
            errors.insert(
                FormField::Narrative(i, NarrativePart::Year),
                "年度と種類（実績・見込み・計画）を選んでください。".to_owned(),
            );
            return None;
        };
        Some(Narrative {
            fiscal_year,
            kind,
            text,
            line: stored.get(i).map_or(0, |n| n.line),
        })
    })
}

/// The effects table: a row needs a year or 総計, and each of its quantities a value, a unit
/// and a known status ([`read_quantity`]); empty rows and quantities are left out.
fn read_effects(
    rows: &[EffectInput],
    stored: &[EffectRow],
    errors: &mut FormErrors,
) -> (Vec<EffectRow>, Vec<Option<usize>>) {
    read_rows(rows, |i, row| {
        if row.is_empty() {
            return None;
        }
        let year = row.year.trim();
        let fiscal_year = if year == TOTAL {
            None
        } else {
            let Some(year) = year.parse::<i32>().ok().and_then(FiscalYear::new) else {
                errors.insert(
                    FormField::Effect(i, EffectPart::Year),
                    "年度（または総計）を選んでください。".to_owned(),
                );
                return None;
            };
            Some(year)
        };
        let quantities = row
            .quantities
            .iter()
            .enumerate()
            .filter(|(_, q)| !q.is_empty())
            .filter_map(|(k, q)| read_quantity(i, k, q, errors))
            .collect();
        Some(EffectRow {
            fiscal_year,
            is_total: fiscal_year.is_none(),
            text: clean(&row.text),
            quantities,
            line: stored.get(i).map_or(0, |r| r.line),
        })
    })
}

/// Quantity `k` of effects row `i`, or `None` with every error found in it.
fn read_quantity(
    i: usize,
    k: usize,
    q: &QuantityInput,
    errors: &mut FormErrors,
) -> Option<Quantity> {
    let field = |part| FormField::Effect(i, EffectPart::Quantity(k, part));
    let value = if q.value.trim().is_empty() {
        errors.insert(
            field(QuantityPart::Value),
            "数値を入力してください。".to_owned(),
        );
        None
    } else {
        let value = read_value(&q.value);
        match value {
            Ok(_) => {}
            Err(ValueError::NotANumber) => {
                errors.insert(
                    field(QuantityPart::Value),
                    format!(
                        "「{}」は数値として読めません（例: 27,075、▲350、1205.56）。",
                        q.value.trim()
                    ),
                );
            }
            Err(error @ ValueError::TooPrecise) => {
                errors.insert(field(QuantityPart::Value), error.to_string());
            }
        }
        value.ok()
    };
    let unit = Unit::from_symbol(q.unit.trim());
    if unit.is_none() {
        let message = if q.unit.trim().is_empty() {
            "単位を選んでください。".to_owned()
        } else {
            format!(
                "単位「{}」は使えません。一覧から選んでください。",
                q.unit.trim()
            )
        };
        errors.insert(field(QuantityPart::Unit), message);
    }
    let status = match q.status.trim() {
        "" => Ok(None),
        code => Status::from_code(code).map(Some).ok_or(()),
    };
    if status.is_err() {
        errors.insert(
            field(QuantityPart::Status),
            "区分（実績・計画・目標・見込み）を選んでください。".to_owned(),
        );
    }
    Some(Quantity {
        label: clean(&q.label),
        value: value?,
        unit: unit?,
        status: status.ok()?,
    })
}

/// 総評: optional, of the report year (else the stored 総評's year; without either it cannot
/// be saved).
fn read_evaluation(
    text: &str,
    stored: &Item,
    frame: &Report,
    errors: &mut FormErrors,
) -> Option<Evaluation> {
    let text = clean(text);
    if text.is_empty() {
        return None;
    }
    let year = frame
        .report_fiscal_year
        .or_else(|| stored.evaluation.as_ref().map(|e| e.fiscal_year));
    let Some(fiscal_year) = year else {
        errors.insert(
            FormField::Evaluation,
            "報告年度が分からないため総評を保存できません。".to_owned(),
        );
        return None;
    };
    Some(Evaluation {
        fiscal_year,
        text,
        line: stored.evaluation.as_ref().map_or(0, |e| e.line),
    })
}

/// Text as typed, with `\r\n` made `\n` and the edges trimmed.
fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kaikaku_model::{Decimal, ItemNo};

    fn fy(year: i32) -> FiscalYear {
        FiscalYear::new(year).expect("a year")
    }

    fn frame() -> Report {
        Report {
            report_fiscal_year: Some(fy(2022)),
            fiscal_years: vec![fy(2020), fy(2021), fy(2022)],
            ..Report::default()
        }
    }

    fn stored() -> Item {
        Item {
            no: ItemNo(2),
            title: "事務事業の整理".to_owned(),
            reporting_department: Some("政策課".to_owned()),
            departments: vec!["政策課".to_owned(), "関係各課".to_owned()],
            contents: vec![ContentRow {
                text: "事務事業の見直し".to_owned(),
                schedule: [2020, 2021, 2022]
                    .into_iter()
                    .map(|y| ScheduleCell::read(fy(y), "①～③"))
                    .collect(),
                line: 12,
            }],
            goal: Some("効率的な行政".to_owned()),
            actions: vec![Action {
                no: 1,
                text: "評価の活用".to_owned(),
            }],
            effects: vec![EffectRow {
                fiscal_year: None,
                is_total: true,
                text: "底上げ".to_owned(),
                quantities: Vec::new(),
                line: 30,
            }],
            ..Item::default()
        }
    }

    fn pairs(form: &[(&str, &str)]) -> Vec<(String, String)> {
        form.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_sheet_survives_the_form_unchanged() {
        let item = stored();
        let form = SheetForm::from_item(&item, &frame());
        // The 実績 and 見込み boxes are offered, and empty rows to fill in.
        assert_eq!(form.narratives.len(), 3);
        assert_eq!(form.narratives[0].kind, "actual");
        assert_eq!(form.narratives[1].year, "2023");
        assert_eq!(form.contents.len(), 3);
        assert_eq!(form.actions.len(), 4);
        assert_eq!(form.actions[1].no, "2");
        let (back, map) = form
            .to_item(&item, &frame(), &Limits::default())
            .expect("valid");
        assert_eq!(back, item);
        assert_eq!(SheetForm::from_pairs(&form.to_pairs()), form);
        assert_eq!(map.contents, vec![Some(0), None, None]);
    }

    #[test]
    fn a_posted_form_becomes_a_sheet() {
        let body = pairs(&[
            ("title", "事務事業の整理・統廃合"),
            ("departments", "政策課\r\n\r\n関係各課\r\n"),
            ("contents.0.text", "事務事業の見直し"),
            ("contents.0.cells.2021", "②③ (試行)"),
            ("contents.0.cells.2022", ""),
            ("contents.1.text", ""),
            ("actions.0.no", "１"),
            ("actions.0.text", "評価の活用"),
            ("actions.1.no", "2"),
            ("actions.1.text", ""),
            ("narratives.0.year", "2022"),
            ("narratives.0.kind", "actual"),
            ("narratives.0.text", "・見直した。\r\n・定着した。"),
            ("narratives.1.year", "2023"),
            ("narratives.1.kind", "forecast"),
            ("narratives.1.text", "  "),
            ("effects.0.year", "2021"),
            ("effects.0.text", "削減"),
            ("effects.0.q.0.label", "削減額"),
            ("effects.0.q.0.value", "1,200"),
            ("effects.0.q.0.unit", "千円"),
            ("effects.0.q.0.status", "actual"),
            ("effects.0.q.1.label", ""),
            ("effects.0.q.1.value", ""),
            ("effects.0.q.1.unit", "円"),
            ("effects.1.year", "total"),
            ("effects.1.text", ""),
            ("evaluation", "進んだ。"),
            ("_csrf", "x"),
        ]);
        let form = SheetForm::from_pairs(&body);
        let (item, map) = form
            .to_item(&stored(), &frame(), &Limits::default())
            .expect("valid");
        assert_eq!(item.departments, ["政策課", "関係各課"]);
        assert_eq!(item.contents[0].line, 12);
        let cells: Vec<(i32, &str, Vec<u8>)> = item.contents[0]
            .schedule
            .iter()
            .map(|c| {
                (
                    c.fiscal_year.gregorian(),
                    c.text.as_str(),
                    c.actions.clone(),
                )
            })
            .collect();
        // 2020 is not in the form: the row had a cell there, but the form says nothing.
        assert_eq!(cells, [(2021, "②③ (試行)", vec![2, 3]), (2022, "", vec![])]);
        assert_eq!(item.actions.len(), 1);
        assert_eq!(item.narratives.len(), 1);
        assert_eq!(item.narratives[0].text, "・見直した。\n・定着した。");
        assert_eq!(map.narratives, vec![Some(0), None]);
        assert_eq!(item.effects.len(), 1);
        assert_eq!(item.effects[0].quantities[0].value, Decimal::from(1200));
        assert_eq!(item.effects[0].quantities[0].status, Some(Status::Actual));
        assert_eq!(item.evaluation.map(|e| e.fiscal_year), Some(fy(2022)));
        assert_eq!(item.reporting_department.as_deref(), Some("政策課"));
    }

    #[test]
    fn values_that_cannot_be_read_are_errors_beside_their_inputs() {
        let body = pairs(&[
            ("title", " "),
            ("effects.0.year", "2021"),
            ("effects.0.q.0.label", "削減額"),
            ("effects.0.q.0.value", "十二"),
            ("effects.0.q.0.unit", "ドル"),
            ("effects.0.q.0.status", "maybe"),
            ("actions.0.no", "x"),
            ("actions.0.text", "取組"),
            ("narratives.0.year", "1"),
            ("narratives.0.kind", "actual"),
            ("narratives.0.text", "text"),
        ]);
        let errors = SheetForm::from_pairs(&body)
            .to_item(&stored(), &frame(), &Limits::default())
            .expect_err("invalid");
        let names: Vec<String> = errors.keys().map(|field| field.name()).collect();
        // In the order of the sheet.
        assert_eq!(
            names,
            [
                "title",
                "actions.0.no",
                "narratives.0.year",
                "effects.0.q.0.value",
                "effects.0.q.0.unit",
                "effects.0.q.0.status",
            ]
        );
        let value = FormField::Effect(0, EffectPart::Quantity(0, QuantityPart::Value));
        assert!(errors[&value].contains("「十二」は数値として読めません"));
    }

    #[test]
    fn the_limits_are_errors_beside_their_inputs() {
        let long_title = "題".repeat(201);
        let body = pairs(&[
            ("title", long_title.as_str()),
            ("contents.0.text", ""),
            ("contents.1.text", "見直し\u{1b}[2J"),
            ("contents.1.cells.2021", "①\u{0}"),
            ("actions.0.no", "1"),
            ("actions.0.text", ""),
            ("actions.1.no", "2"),
            ("actions.1.text", "評価"),
            ("actions.2.no", "２"),
            ("actions.2.text", "整理"),
            ("narratives.0.year", "2022"),
            ("narratives.0.kind", "actual"),
            ("narratives.0.text", "・見直した。\r\n\t・定着した。"),
            ("effects.0.year", "2021"),
            ("effects.0.q.0.label", "削減額"),
            ("effects.0.q.0.value", "1.00000000000000000000000000001"),
            ("effects.0.q.0.unit", "千円"),
        ]);
        let errors = SheetForm::from_pairs(&body)
            .to_item(&stored(), &frame(), &Limits::default())
            .expect_err("past the limits");
        let shown: Vec<(String, &str)> = errors
            .iter()
            .map(|(field, message)| (field.name(), message.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "title".to_owned(),
                    "項目名は200文字までです（今は201文字）。"
                ),
                (
                    "contents.1.text".to_owned(),
                    "制御文字（U+001B）は使えません。"
                ),
                (
                    "contents.1.cells.2021".to_owned(),
                    "制御文字（U+0000）は使えません。"
                ),
                ("actions.2.no".to_owned(), "取組番号2が2回使われています。"),
                (
                    "effects.0.q.0.value".to_owned(),
                    "桁数が多すぎます（28桁まで）。"
                ),
            ]
        );
    }

    #[test]
    fn a_title_is_required_and_tab_and_lf_stay_in_a_narrative() {
        let body = pairs(&[("title", "\t")]);
        let errors = SheetForm::from_pairs(&body)
            .to_item(&stored(), &frame(), &Limits::default())
            .expect_err("no title");
        assert_eq!(
            errors.get(&FormField::Title).map(String::as_str),
            Some("項目名を入力してください。")
        );
        let body = pairs(&[
            ("title", "見直し"),
            ("narratives.0.year", "2022"),
            ("narratives.0.kind", "actual"),
            ("narratives.0.text", "・見直した。\r\n\t・定着した。"),
        ]);
        let (item, _) = SheetForm::from_pairs(&body)
            .to_item(&stored(), &frame(), &Limits::default())
            .expect("TAB and LF are text in a narrative");
        assert_eq!(item.narratives[0].text, "・見直した。\n\t・定着した。");
        // A title with a TAB inside is refused.
        let body = pairs(&[("title", "見\t直し")]);
        let errors = SheetForm::from_pairs(&body)
            .to_item(&stored(), &frame(), &Limits::default())
            .expect_err("a TAB in a title");
        assert_eq!(
            errors.get(&FormField::Title).map(String::as_str),
            Some("制御文字（U+0009）は使えません。")
        );
    }
}
