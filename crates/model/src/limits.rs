//! Limits on what a user can store, checked before any work is done: field lengths, rows per
//! part of a sheet, items per report, the characters a field may hold and the parts an item
//! needs. The web form, the JSON API, text import and XLSX import all call [`check_item`] or
//! [`check_report`], so one rule decides for all of them.
//!
//! Character limits count Unicode scalar values (what a person counts as characters) and are
//! capped at [`EXCEL_CELL_CHARS`] whatever the setting says, so anything stored can be
//! exported to a workbook. Control characters (general category Cc) are refused in every
//! field, except TAB and LF in the multi-line ones ([`refused_char`]).

use std::collections::BTreeMap;
use std::fmt;

use crate::calendar::FiscalYear;
use crate::report::{Item, ItemNo, Line, Report};
use crate::workflow::Field;

/// The most characters an Excel cell holds: no character limit is set above it.
pub const EXCEL_CELL_CHARS: usize = 32_767;

/// The default limit of a multi-line field, in characters ([`Limits::text_chars`]).
pub const DEFAULT_TEXT_CHARS: usize = 10_000;

/// The highest action number (①…99).
pub const MAX_ACTION_NO: u8 = 99;

/// What a user may store. Every field is a setting (`--max-…`, `KAIKAKU_MAX_…`); the defaults
/// fit every report seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// An item's title (項目名), in characters.
    pub title_chars: usize,
    /// A department's name (担当課, 記入担当課), in characters.
    pub department_chars: usize,
    /// A single-line field (a schedule cell, an action's text, a quantity's label), in characters.
    pub line_chars: usize,
    /// A multi-line field (a content row, 改善・推進目標, a narrative, an effects row, 総評), in
    /// characters.
    pub text_chars: usize,
    /// Rows per part of a sheet (contents, actions, narratives, effects).
    pub rows: usize,
    /// Items per report.
    pub report_items: usize,
    /// Lines of a report's text.
    pub report_lines: usize,
    /// Bytes of a file read (a report or a workbook).
    pub file_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            title_chars: 200,
            department_chars: 100,
            line_chars: 1_000,
            text_chars: DEFAULT_TEXT_CHARS,
            rows: 200,
            report_items: 2_000,
            report_lines: 200_000,
            file_bytes: 16 * 1024 * 1024,
        }
    }
}

/// The kind of text a field holds, which decides its length limit and whether it may hold
/// lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKind {
    /// An item's title: one line, [`Limits::title_chars`].
    Title,
    /// A department: one line, [`Limits::department_chars`].
    Department,
    /// One line, [`Limits::line_chars`].
    Line,
    /// Lines (TAB and LF allowed), [`Limits::text_chars`].
    Text,
}

impl TextKind {
    /// True when TAB and LF are allowed.
    pub fn multi_line(self) -> bool {
        self == TextKind::Text
    }
}

impl Limits {
    /// The most characters a field of `kind` may hold, capped at [`EXCEL_CELL_CHARS`].
    pub fn chars(&self, kind: TextKind) -> usize {
        let set = match kind {
            TextKind::Title => self.title_chars,
            TextKind::Department => self.department_chars,
            TextKind::Line => self.line_chars,
            TextKind::Text => self.text_chars,
        };
        set.min(EXCEL_CELL_CHARS)
    }
}

/// The first character `text` may not hold: a control character (Unicode general category
/// Cc), except TAB and LF when `multi_line`.
pub fn refused_char(text: &str, multi_line: bool) -> Option<char> {
    text.chars()
        .find(|&c| c.is_control() && !(multi_line && matches!(c, '\t' | '\n')))
}

/// Where in an item a violation is, below its [`Field`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The field's (or row's) own text.
    Text,
    /// The reporting department (記入担当課), kept with [`Field::Departments`].
    ReportingDepartment,
    /// One department of 担当課 (0-based).
    Department(usize),
    /// The schedule cell of a fiscal year of a content row.
    Cell(FiscalYear),
    /// The number of action `i` (0-based, in the item's order).
    ActionNo(usize),
    /// The text of action `i` (0-based).
    ActionText(usize),
    /// The label of quantity `k` of an effects row (0-based).
    QuantityLabel(usize),
    /// The rows of the part as a whole (too many of them).
    Rows,
}

/// What is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// More characters than the limit.
    TooLong {
        /// The limit.
        limit: usize,
        /// The characters given.
        chars: usize,
    },
    /// A character the field may not hold.
    ControlChar(char),
    /// A required text is empty (an item's title).
    Empty,
    /// An action number used more than once in an item.
    DuplicateActionNo {
        /// The number.
        no: u8,
        /// How many times.
        times: usize,
    },
    /// An action number outside 1–99.
    ActionNoOutOfRange(u8),
    /// More rows than the limit in one part of a sheet.
    TooManyRows {
        /// The limit.
        limit: usize,
        /// The rows given.
        rows: usize,
    },
    /// More items than the limit in one report.
    TooManyItems {
        /// The limit.
        limit: usize,
        /// The items given.
        items: usize,
    },
}

/// One limit passed or one required part missing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The item (none for the report as a whole).
    pub item: Option<ItemNo>,
    /// The part of the sheet (none for the report as a whole).
    pub field: Option<Field>,
    /// Where within the field.
    pub part: Part,
    /// The line in the source document, when the item came from one.
    pub line: Option<Line>,
    /// What is wrong.
    pub problem: Problem,
}

impl Violation {
    /// What is wrong, in Japanese, as shown beside the field: `項目名は200文字までです（今は
    /// 1,234文字）。`, `制御文字（U+001B）は使えません。`, `取組番号3が2回使われています。`.
    pub fn message(&self) -> String {
        match &self.problem {
            Problem::TooLong { limit, chars } => format!(
                "{}は{}文字までです（今は{}文字）。",
                self.name(),
                thousands(*limit),
                thousands(*chars)
            ),
            Problem::ControlChar(c) => {
                format!("制御文字（U+{:04X}）は使えません。", u32::from(*c))
            }
            Problem::Empty => format!("{}を入力してください。", self.name()),
            Problem::DuplicateActionNo { no, times } => {
                format!("取組番号{no}が{times}回使われています。")
            }
            Problem::ActionNoOutOfRange(no) => {
                format!("取組番号は1から{MAX_ACTION_NO}までです（今は{no}）。")
            }
            Problem::TooManyRows { limit, rows } => format!(
                "{}は{}行までです（今は{}行）。",
                self.name(),
                thousands(*limit),
                thousands(*rows)
            ),
            Problem::TooManyItems { limit, items } => format!(
                "項目は{}件までです（今は{}件）。",
                thousands(*limit),
                thousands(*items)
            ),
        }
    }

    /// Where it is, in Japanese: `No.3 改善・推進の内容 2行目` (empty for the report as a whole).
    pub fn place(&self) -> String {
        let mut place = Vec::new();
        if let Some(no) = self.item {
            place.push(no.to_string());
        }
        if let Some(field) = self.field {
            place.push(match self.part {
                Part::ReportingDepartment => "記入担当課".to_owned(),
                Part::Department(i) => format!("{} {}", field.label(), i + 1),
                Part::Cell(year) => format!("{} {}", field.label(), year.wareki_label()),
                Part::ActionNo(i) | Part::ActionText(i) => format!("{} {}", field.label(), i + 1),
                Part::QuantityLabel(k) => format!("{} 数値{}の名称", field.label(), k + 1),
                Part::Text | Part::Rows => field.label(),
            });
        }
        place.join(" ")
    }

    /// The path of what is wrong within the item: the [`Field::path`] first, then the input
    /// within it, as the sheet form names its inputs (`title`, `contents.0.text`,
    /// `contents.0.cells.2021`, `actions.2.no`, `narratives.1.text`, `effects.0.q.1.label`,
    /// `departments.0`, `reporting_department`); `items` for the report as a whole.
    pub fn path(&self) -> String {
        let Some(field) = self.field else {
            return "items".to_owned();
        };
        let base = field.path();
        match self.part {
            Part::ReportingDepartment => "reporting_department".to_owned(),
            Part::Department(i) => format!("{base}.{i}"),
            Part::Cell(year) => format!("{base}.cells.{}", year.gregorian()),
            Part::ActionNo(i) => format!("{base}.{i}.no"),
            Part::ActionText(i) => format!("{base}.{i}.text"),
            Part::QuantityLabel(k) => format!("{base}.q.{k}.label"),
            Part::Rows => base,
            Part::Text => match field {
                Field::Content(_) | Field::Narrative(_) | Field::Effect(_) => {
                    format!("{base}.text")
                }
                _ => base,
            },
        }
    }

    /// The name of what the limit is about, as the message says it.
    fn name(&self) -> &'static str {
        let Some(field) = self.field else {
            return "報告";
        };
        match (field, self.part) {
            (_, Part::ReportingDepartment) => "記入担当課",
            (_, Part::Cell(_)) => "スケジュールの欄",
            (_, Part::ActionText(_)) => "取組",
            (_, Part::QuantityLabel(_)) => "数値の名称",
            (Field::Title, _) => "項目名",
            (Field::Departments, _) => "担当課",
            (Field::Content(_), _) => "改善・推進の内容",
            (Field::Goal, _) => "改善・推進目標",
            (Field::Actions, _) => "主な取組内容",
            (Field::Narrative(_), _) => "取組内容",
            (Field::Effect(_), _) => "取組による効果",
            (Field::Evaluation, _) => "総評",
            (Field::State, _) => "状態",
        }
    }
}

impl fmt::Display for Violation {
    /// `No.3 項目名: 項目名は200文字までです（今は1,234文字）。`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = self.place();
        if place.is_empty() {
            f.write_str(&self.message())
        } else {
            write!(f, "{place}: {}", self.message())
        }
    }
}

/// Every limit `item` passes and every required part it lacks, in the order of the sheet.
pub fn check_item(item: &Item, limits: &Limits) -> Vec<Violation> {
    let mut check = Checker {
        limits,
        no: item.no,
        out: Vec::new(),
    };
    let item_line = item.line;
    if item.title.trim().is_empty() {
        check.push(Field::Title, Part::Text, item_line, Problem::Empty);
    }
    check.text(
        Field::Title,
        Part::Text,
        item_line,
        &item.title,
        TextKind::Title,
    );
    if let Some(department) = &item.reporting_department {
        check.text(
            Field::Departments,
            Part::ReportingDepartment,
            item_line,
            department,
            TextKind::Department,
        );
    }
    for (i, department) in item.departments.iter().enumerate() {
        check.text(
            Field::Departments,
            Part::Department(i),
            item_line,
            department,
            TextKind::Department,
        );
    }
    check.rows(Field::Content, item.contents.len(), |i| {
        item.contents.get(i).map_or(item_line, |r| r.line)
    });
    for (i, row) in item.contents.iter().enumerate() {
        let field = Field::Content(i);
        check.text(field, Part::Text, row.line, &row.text, TextKind::Text);
        for cell in &row.schedule {
            let part = Part::Cell(cell.fiscal_year);
            check.text(field, part, row.line, &cell.text, TextKind::Line);
        }
    }
    if let Some(goal) = &item.goal {
        check.text(Field::Goal, Part::Text, item_line, goal, TextKind::Text);
    }
    check.rows(|_| Field::Actions, item.actions.len(), |_| item_line);
    let mut numbers: BTreeMap<u8, (usize, usize)> = BTreeMap::new();
    for (i, action) in item.actions.iter().enumerate() {
        if !(1..=MAX_ACTION_NO).contains(&action.no) {
            let problem = Problem::ActionNoOutOfRange(action.no);
            check.push(Field::Actions, Part::ActionNo(i), item_line, problem);
        }
        let entry = numbers.entry(action.no).or_insert((i, 0));
        entry.1 += 1;
        if entry.1 == 2 {
            // Named once, at its second use.
            check.out.push(Violation {
                item: Some(item.no),
                field: Some(Field::Actions),
                part: Part::ActionNo(i),
                line: line(item_line),
                problem: Problem::DuplicateActionNo {
                    no: action.no,
                    times: 0,
                },
            });
        }
        let part = Part::ActionText(i);
        check.text(
            Field::Actions,
            part,
            item_line,
            &action.text,
            TextKind::Line,
        );
    }
    for violation in &mut check.out {
        if let Problem::DuplicateActionNo { no, times } = &mut violation.problem {
            *times = numbers.get(no).map_or(0, |(_, n)| *n);
        }
    }
    check.rows(Field::Narrative, item.narratives.len(), |i| {
        item.narratives.get(i).map_or(item_line, |n| n.line)
    });
    for (i, narrative) in item.narratives.iter().enumerate() {
        let field = Field::Narrative(i);
        check.text(
            field,
            Part::Text,
            narrative.line,
            &narrative.text,
            TextKind::Text,
        );
    }
    check.rows(Field::Effect, item.effects.len(), |i| {
        item.effects.get(i).map_or(item_line, |r| r.line)
    });
    for (i, row) in item.effects.iter().enumerate() {
        let field = Field::Effect(i);
        check.text(field, Part::Text, row.line, &row.text, TextKind::Text);
        for (k, quantity) in row.quantities.iter().enumerate() {
            let part = Part::QuantityLabel(k);
            check.text(field, part, row.line, &quantity.label, TextKind::Line);
        }
    }
    if let Some(evaluation) = &item.evaluation {
        let text = &evaluation.text;
        check.text(
            Field::Evaluation,
            Part::Text,
            evaluation.line,
            text,
            TextKind::Text,
        );
    }
    check.out
}

/// Every limit `report` passes: the number of items, then each item ([`check_item`]).
pub fn check_report(report: &Report, limits: &Limits) -> Vec<Violation> {
    let mut out = Vec::new();
    if report.items.len() > limits.report_items {
        out.push(Violation {
            item: None,
            field: None,
            part: Part::Rows,
            line: report
                .items
                .get(limits.report_items)
                .and_then(|i| line(i.line)),
            problem: Problem::TooManyItems {
                limit: limits.report_items,
                items: report.items.len(),
            },
        });
    }
    for item in &report.items {
        out.extend(check_item(item, limits));
    }
    out
}

/// A source line, when there is one (rows made on the web have line 0).
fn line(line: Line) -> Option<Line> {
    (line > 0).then_some(line)
}

struct Checker<'a> {
    limits: &'a Limits,
    no: ItemNo,
    out: Vec<Violation>,
}

impl Checker<'_> {
    fn push(&mut self, field: Field, part: Part, at: Line, problem: Problem) {
        self.out.push(Violation {
            item: Some(self.no),
            field: Some(field),
            part,
            line: line(at),
            problem,
        });
    }

    /// The length and the characters of one text.
    fn text(&mut self, field: Field, part: Part, at: Line, text: &str, kind: TextKind) {
        let limit = self.limits.chars(kind);
        // Counting stops past the limit: a huge text costs no more than a long one.
        let chars = text.chars().take(limit + 1).count();
        if chars > limit {
            let chars = chars + text.chars().skip(limit + 1).count();
            self.push(field, part, at, Problem::TooLong { limit, chars });
        }
        if let Some(c) = refused_char(text, kind.multi_line()) {
            self.push(field, part, at, Problem::ControlChar(c));
        }
    }

    /// The number of rows of one part: named at the first row past the limit.
    fn rows(&mut self, field: impl Fn(usize) -> Field, rows: usize, at: impl Fn(usize) -> Line) {
        let limit = self.limits.rows;
        if rows > limit {
            let problem = Problem::TooManyRows { limit, rows };
            self.push(field(limit), Part::Rows, at(limit), problem);
        }
    }
}

/// `1234567` → `1,234,567`.
fn thousands(n: usize) -> String {
    crate::quantity::format_decimal(crate::Decimal::from(n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Action, ContentRow, EffectRow, Evaluation, Narrative, NarrativeKind};
    use crate::{Quantity, ScheduleCell, Unit};

    fn fy(year: i32) -> FiscalYear {
        FiscalYear::new(year).expect("a year")
    }

    fn item() -> Item {
        Item {
            no: ItemNo(3),
            title: "事務事業の見直し".to_owned(),
            reporting_department: Some("政策課".to_owned()),
            departments: vec!["政策課".to_owned()],
            contents: vec![ContentRow {
                text: "見直し".to_owned(),
                schedule: vec![ScheduleCell::read(fy(2021), "①②")],
                line: 12,
            }],
            goal: Some("効率化".to_owned()),
            actions: vec![
                Action {
                    no: 1,
                    text: "評価".to_owned(),
                },
                Action {
                    no: 2,
                    text: "整理".to_owned(),
                },
            ],
            narratives: vec![Narrative {
                fiscal_year: fy(2021),
                kind: NarrativeKind::Actual,
                text: "・見直した。\n\t・定着した。".to_owned(),
                line: 20,
            }],
            effects: vec![EffectRow {
                fiscal_year: Some(fy(2021)),
                is_total: false,
                text: "削減額 1,200千円".to_owned(),
                quantities: vec![Quantity {
                    label: "削減額".to_owned(),
                    value: 1200.into(),
                    unit: Unit::ThousandYen,
                    status: None,
                }],
                line: 30,
            }],
            evaluation: Some(Evaluation {
                fiscal_year: fy(2021),
                text: "進んだ。".to_owned(),
                line: 40,
            }),
            reposts: Vec::new(),
            line: 10,
        }
    }

    fn messages(item: &Item, limits: &Limits) -> Vec<String> {
        check_item(item, limits)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_sheet_within_the_limits_passes() {
        assert_eq!(messages(&item(), &Limits::default()), Vec::<String>::new());
    }

    #[test]
    fn each_text_has_its_length_limit() {
        let mut long = item();
        long.title = "あ".repeat(1_234);
        long.departments[0] = "課".repeat(101);
        long.contents[0].schedule[0].text = "①".repeat(1_001);
        long.actions[1].text = "x".repeat(1_001);
        long.narratives[0].text = "n".repeat(10_001);
        long.effects[0].quantities[0].label = "l".repeat(1_001);
        long.evaluation.as_mut().expect("総評").text = "e".repeat(10_000);
        assert_eq!(
            messages(&long, &Limits::default()),
            [
                "No.3 項目名: 項目名は200文字までです（今は1,234文字）。",
                "No.3 担当課 1: 担当課は100文字までです（今は101文字）。",
                "No.3 改善・推進の内容 1行目 令和3年度: スケジュールの欄は1,000文字までです（今は1,001文字）。",
                "No.3 主な取組内容 2: 取組は1,000文字までです（今は1,001文字）。",
                "No.3 取組内容 1: 取組内容は10,000文字までです（今は10,001文字）。",
                "No.3 取組による効果 1行目 数値1の名称: 数値の名称は1,000文字までです（今は1,001文字）。",
            ]
        );
        let violations = check_item(&long, &Limits::default());
        let paths: Vec<String> = violations.iter().map(Violation::path).collect();
        assert_eq!(
            paths,
            [
                "title",
                "departments.0",
                "contents.0.cells.2021",
                "actions.1.text",
                "narratives.0.text",
                "effects.0.q.0.label",
            ]
        );
        assert_eq!(violations[0].line, Some(10));
        assert_eq!(violations[2].line, Some(12));
        assert_eq!(violations[4].field, Some(Field::Narrative(0)));
        assert_eq!(violations[4].line, Some(20));
    }

    #[test]
    fn no_setting_goes_past_the_excel_cell() {
        let limits = Limits {
            text_chars: 1_000_000,
            ..Limits::default()
        };
        assert_eq!(limits.chars(TextKind::Text), 32_767);
        let mut long = item();
        long.goal = Some("g".repeat(32_768));
        assert_eq!(
            messages(&long, &limits),
            ["No.3 改善・推進目標: 改善・推進目標は32,767文字までです（今は32,768文字）。"]
        );
    }

    #[test]
    fn control_characters_are_refused_but_tab_and_lf_in_lines() {
        assert_eq!(refused_char("a\tb\nc", true), None);
        assert_eq!(refused_char("a\tb", false), Some('\t'));
        assert_eq!(refused_char("a\nb", false), Some('\n'));
        assert_eq!(refused_char("a\0b", true), Some('\0'));
        assert_eq!(refused_char("a\u{1b}]0;x\u{7}", true), Some('\u{1b}'));
        assert_eq!(refused_char("a\r\nb", true), Some('\r'));
        assert_eq!(refused_char("\u{85}", true), Some('\u{85}'));
        // Not Cc: format characters and the ideographic space are text.
        assert_eq!(refused_char("a\u{200b}\u{3000}b", false), None);

        let mut bad = item();
        bad.title = "見直し\u{1b}[31m".to_owned();
        bad.narratives[0].text = "・見直した。\u{0}".to_owned();
        bad.actions[0].text = "評価\t活用".to_owned();
        assert_eq!(
            messages(&bad, &Limits::default()),
            [
                "No.3 項目名: 制御文字（U+001B）は使えません。",
                "No.3 主な取組内容 1: 制御文字（U+0009）は使えません。",
                "No.3 取組内容 1: 制御文字（U+0000）は使えません。",
            ]
        );
    }

    #[test]
    fn an_item_needs_a_title_and_unique_action_numbers() {
        let mut bad = item();
        bad.title = " 　".to_owned();
        bad.actions.push(Action {
            no: 1,
            text: "また評価".to_owned(),
        });
        bad.actions.push(Action {
            no: 1,
            text: "三度".to_owned(),
        });
        bad.actions.push(Action {
            no: 0,
            text: "零".to_owned(),
        });
        assert_eq!(
            messages(&bad, &Limits::default()),
            [
                "No.3 項目名: 項目名を入力してください。",
                "No.3 主な取組内容 3: 取組番号1が3回使われています。",
                "No.3 主な取組内容 5: 取組番号は1から99までです（今は0）。",
            ]
        );
        let violations = check_item(&bad, &Limits::default());
        assert_eq!(violations[1].part, Part::ActionNo(2));
        assert_eq!(violations[1].path(), "actions.2.no");
    }

    #[test]
    fn rows_and_items_are_counted() {
        let limits = Limits {
            rows: 2,
            report_items: 1,
            ..Limits::default()
        };
        let mut many = item();
        many.narratives = vec![many.narratives[0].clone(); 3];
        many.narratives[2].line = 25;
        let violations = check_item(&many, &limits);
        assert_eq!(
            violations
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["No.3 取組内容 3: 取組内容は2行までです（今は3行）。"]
        );
        assert_eq!(violations[0].line, Some(25));
        assert_eq!(violations[0].path(), "narratives.2");
        let report = Report {
            items: vec![item(), item()],
            ..Report::default()
        };
        let violations = check_report(&report, &limits);
        assert_eq!(violations.len(), 1);
        assert_eq!(violations[0].to_string(), "項目は1件までです（今は2件）。");
        assert_eq!(violations[0].line, Some(10));
    }
}
