//! The progress report of a reform plan: its summary table and one sheet per item.
//!
//! Text fields keep the text as written in the document (search and display need it);
//! derived values (fiscal years, quantities, action numbers) sit beside it.

use std::fmt;

use crate::calendar::FiscalYear;
use crate::municipality::Municipality;
use crate::quantity::Quantity;
use crate::text::{circled_number, digit_value, is_nothing, is_range_dash, is_space};

/// A line number in the source document, counted from 1.
pub type Line = usize;

/// An item number (`No.1`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemNo(pub u32);

impl ItemNo {
    /// Reads an item number at the start of `text`, as written in headings, summary tables
    /// and repost references: `No.1`, `No 12`, `NO.3`, `Ｎｏ．１２`, or bare digits `12`/`１２`
    /// when `bare` allows them. Returns the number and the byte length read.
    pub fn parse_prefix(text: &str, bare: bool) -> Option<(ItemNo, usize)> {
        let marked = text
            .strip_prefix(['N', 'Ｎ', 'n'])
            .and_then(|rest| rest.strip_prefix(['o', 'ｏ', 'O', 'Ｏ']))
            .map(|rest| rest.trim_start_matches(|c: char| matches!(c, '.' | '．') || is_space(c)));
        let rest = match marked {
            Some(rest) => rest,
            None if bare => text,
            None => return None,
        };
        let digits: usize = rest
            .chars()
            .take_while(|c| digit_value(*c).is_some())
            .map(char::len_utf8)
            .sum();
        let number = rest[..digits].chars().try_fold(0u32, |acc, c| {
            acc.checked_mul(10)?.checked_add(digit_value(c)?)
        });
        match number {
            Some(n) if digits > 0 => Some((ItemNo(n), text.len() - rest.len() + digits)),
            _ => None,
        }
    }
}

impl fmt::Display for ItemNo {
    /// `No.3`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "No.{}", self.0)
    }
}

/// One yearly progress report of a reform plan (one document).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The document title as written, e.g. `第5次集中改革プラン取組実績一覧(令和3年度実績)`.
    pub title: String,
    /// The plan the report belongs to, e.g. `第5次集中改革プラン`.
    pub plan_name: String,
    /// The municipality whose plan it is, when known: documents rarely name it in a form a
    /// reader could trust, so it is given on import (`--municipality-code`, `--municipality-name`)
    /// and kept with the plan.
    pub municipality: Option<Municipality>,
    /// The fiscal year whose results the report gives.
    pub report_fiscal_year: Option<FiscalYear>,
    /// The plan period, one entry per fiscal year, in order.
    pub fiscal_years: Vec<FiscalYear>,
    /// The summary table at the top: every item with its reporting department.
    pub summary: Vec<SummaryRow>,
    /// The item sheets, in document order.
    pub items: Vec<Item>,
    /// What the reader could not place, with its line.
    pub warnings: Vec<Warning>,
}

impl Report {
    /// The item with number `no`.
    pub fn item(&self, no: u32) -> Option<&Item> {
        self.items.iter().find(|item| item.no.0 == no)
    }
}

/// A row of the summary table (`項目` / `記入担当課`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummaryRow {
    /// The item number.
    pub no: ItemNo,
    /// The item title as written in the summary.
    pub title: String,
    /// The department that fills in the sheet (記入担当課).
    pub reporting_department: String,
    /// Where the row is.
    pub line: Line,
}

/// One item's sheet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Item {
    /// The item number.
    pub no: ItemNo,
    /// The title as written in the sheet heading.
    pub title: String,
    /// The reporting department (記入担当課) from the summary table.
    pub reporting_department: Option<String>,
    /// The departments in charge (担当課), in order; `関係各課` is kept as written.
    pub departments: Vec<String>,
    /// The improvement contents (改善・推進の内容) with their schedules.
    pub contents: Vec<ContentRow>,
    /// The improvement goal (改善・推進目標).
    pub goal: Option<String>,
    /// The numbered main actions (主な取組内容).
    pub actions: Vec<Action>,
    /// The yearly narratives (【令和3年度（実績）】 …).
    pub narratives: Vec<Narrative>,
    /// The effects table (取組による効果): one row per fiscal year, then the 総計.
    pub effects: Vec<EffectRow>,
    /// The overall evaluation (総評).
    pub evaluation: Option<Evaluation>,
    /// Entries reposted from other items (`（No.3再掲）`), in order of first mention.
    pub reposts: Vec<Repost>,
    /// The line of the heading.
    pub line: Line,
}

/// A line of improvement contents with what runs in each fiscal year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentRow {
    /// The content as written.
    pub text: String,
    /// One cell per plan fiscal year, in order.
    pub schedule: Vec<ScheduleCell>,
    /// Where the row is.
    pub line: Line,
}

/// Which main actions run in one fiscal year for one content row: `①～⑤`, `②③`, `② (検討)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleCell {
    /// The fiscal year of the column.
    pub fiscal_year: FiscalYear,
    /// The cell as written (empty when the cell is empty).
    pub text: String,
    /// The action numbers cited, ranges expanded, in order; empty when the cell is empty.
    pub actions: Vec<u8>,
    /// The phase written beside the actions, if any.
    pub phase: Option<Phase>,
}

impl ScheduleCell {
    /// Reads a schedule cell as written: `①～⑤`, `②③`, `① ②`, `② (検討)`, `②（試行）`, `1～3`,
    /// `実施`, or empty / a nothing mark. Ranges are expanded, repeats dropped; the phase is the
    /// word in parentheses, or a bare word when there are none.
    pub fn read(fiscal_year: FiscalYear, text: &str) -> ScheduleCell {
        let (actions, phase) = read_schedule(text);
        ScheduleCell {
            fiscal_year,
            text: text.to_owned(),
            actions,
            phase,
        }
    }

    /// The cell as written; rebuilt from its actions and phase (`①② (検討)`) when the text is
    /// missing (a report that came as JSON without it); empty for an empty cell.
    pub fn written(&self) -> String {
        if !self.text.trim().is_empty() || self.actions.is_empty() {
            return self.text.clone();
        }
        let mut text: String = self
            .actions
            .iter()
            .map(|&n| crate::text::action_mark(n))
            .collect();
        if let Some(phase) = &self.phase {
            text.push_str(&format!(" ({})", phase.word()));
        }
        text
    }
}

fn read_schedule(cell: &str) -> (Vec<u8>, Option<Phase>) {
    if is_nothing(cell) {
        return (Vec::new(), None);
    }
    let mut actions: Vec<u8> = Vec::new();
    let mut phase_word = String::new();
    let mut bare_words = String::new();
    let mut range_pending = false;
    let mut chars = cell.chars().peekable();
    while let Some(c) = chars.next() {
        let number = circled_number(c).or_else(|| {
            let mut value = digit_value(c)?;
            while let Some(d) = chars.peek().and_then(|c| digit_value(*c)) {
                value = value.checked_mul(10)?.checked_add(d)?;
                chars.next();
            }
            u8::try_from(value).ok()
        });
        if let Some(n) = number {
            match (range_pending, actions.last().copied()) {
                (true, Some(from)) if from < n => actions.extend(from + 1..=n),
                _ => actions.push(n),
            }
            range_pending = false;
        } else if is_range_dash(c) {
            range_pending = true;
        } else if matches!(c, '(' | '（') {
            for inner in chars.by_ref() {
                if matches!(inner, ')' | '）') {
                    break;
                }
                phase_word.push(inner);
            }
        } else if !is_space(c) && !matches!(c, '、' | ',' | '，' | '・') {
            bare_words.push(c);
        }
    }
    let mut seen = std::collections::HashSet::new();
    actions.retain(|n| seen.insert(*n));
    let word = if phase_word.trim().is_empty() {
        bare_words
    } else {
        phase_word
    };
    let word = word.trim();
    (actions, (!word.is_empty()).then(|| Phase::from_word(word)))
}

/// The phase of an action in a schedule cell.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// 検討: study.
    Study,
    /// 試行: trial.
    Trial,
    /// 実施: implementation.
    Implementation,
    /// Another word, as written (準備, 策定, 導入 …).
    Other(String),
}

impl Phase {
    /// The phase a word names.
    pub fn from_word(word: &str) -> Phase {
        match word.trim() {
            "検討" => Phase::Study,
            "試行" => Phase::Trial,
            "実施" => Phase::Implementation,
            other => Phase::Other(other.to_owned()),
        }
    }

    /// The word as shown to users: 検討, 試行, 実施, or the word written.
    pub fn word(&self) -> &str {
        match self {
            Phase::Study => "検討",
            Phase::Trial => "試行",
            Phase::Implementation => "実施",
            Phase::Other(word) => word,
        }
    }
}

/// A numbered main action (`①多様な話し合いの場と環境づくり`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    /// The number (① = 1).
    pub no: u8,
    /// The text after the number.
    pub text: String,
}

/// What kind of yearly narrative a section is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NarrativeKind {
    /// （実績）: what was done.
    Actual,
    /// （見込み）: what is expected.
    Forecast,
    /// （計画）/（目標）: what is planned.
    Plan,
}

impl NarrativeKind {
    /// Every kind.
    pub const ALL: [NarrativeKind; 3] = [
        NarrativeKind::Actual,
        NarrativeKind::Forecast,
        NarrativeKind::Plan,
    ];

    /// The stable code used in data: `actual`, `forecast`, `plan`.
    pub fn code(self) -> &'static str {
        match self {
            NarrativeKind::Actual => "actual",
            NarrativeKind::Forecast => "forecast",
            NarrativeKind::Plan => "plan",
        }
    }

    /// The kind for a code from [`NarrativeKind::code`].
    pub fn from_code(code: &str) -> Option<NarrativeKind> {
        NarrativeKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The Japanese word: 実績, 見込み, 計画.
    pub fn label(self) -> &'static str {
        match self {
            NarrativeKind::Actual => "実績",
            NarrativeKind::Forecast => "見込み",
            NarrativeKind::Plan => "計画",
        }
    }
}

/// A yearly narrative section (`【令和3年度（実績）】 ・…`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Narrative {
    /// The fiscal year the section is about.
    pub fiscal_year: FiscalYear,
    /// Results, forecast or plan.
    pub kind: NarrativeKind,
    /// The text after the heading, as written; paragraphs and list items on their own lines.
    pub text: String,
    /// Where the heading is.
    pub line: Line,
}

/// A row of the effects table (取組による効果).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EffectRow {
    /// The fiscal year, or `None` on the 総計 row.
    pub fiscal_year: Option<FiscalYear>,
    /// True on the 総計 row.
    pub is_total: bool,
    /// The row's cells as written, joined by a space (`—` when the row says nothing).
    pub text: String,
    /// The quantities the row states.
    pub quantities: Vec<Quantity>,
    /// Where the row starts.
    pub line: Line,
}

/// The overall evaluation (`【令和3年度総評】`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    /// The fiscal year evaluated.
    pub fiscal_year: FiscalYear,
    /// The text, paragraphs on their own lines.
    pub text: String,
    /// Where the heading is.
    pub line: Line,
}

/// A reference to the item an entry is reposted from (`（No.3再掲）`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Repost {
    /// The other item.
    pub item_no: ItemNo,
}

/// Something the reader could not place, kept with its line so that nothing is dropped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The line in the source document.
    pub line: Line,
    /// What happened, in Japanese for the people who read it.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_numbers() {
        let p = |text: &str, bare| ItemNo::parse_prefix(text, bare).map(|(no, len)| (no.0, len));
        assert_eq!(p("No.1 多様な", false), Some((1, 4)));
        assert_eq!(p("NO.3再掲", false), Some((3, 4)));
        assert_eq!(p("No 12", false), Some((12, 5)));
        assert_eq!(p("Ｎｏ．１２", false), Some((12, 15)));
        assert_eq!(p("12", false), None);
        assert_eq!(p("12", true), Some((12, 2)));
        assert_eq!(p("Note", true), None);
        assert_eq!(p("No.", false), None);
        assert_eq!(p("No.99999999999", false), None);
    }

    #[test]
    fn schedule_cells() {
        let year = FiscalYear::new(2021).expect("a year");
        let s = |text: &str| {
            let cell = ScheduleCell::read(year, text);
            assert_eq!(cell.text, text, "kept as written");
            (cell.actions, cell.phase.map(|p| p.word().to_owned()))
        };
        assert_eq!(s("①～⑤"), (vec![1, 2, 3, 4, 5], None));
        assert_eq!(s("①〜③"), (vec![1, 2, 3], None));
        assert_eq!(s("②③"), (vec![2, 3], None));
        assert_eq!(s("②③⑤"), (vec![2, 3, 5], None));
        assert_eq!(s("② (検討)"), (vec![2], Some("検討".into())));
        assert_eq!(s("②（試行）"), (vec![2], Some("試行".into())));
        assert_eq!(s("1～3"), (vec![1, 2, 3], None));
        assert_eq!(s("実施"), (vec![], Some("実施".into())));
        assert_eq!(s(""), (vec![], None));
        assert_eq!(s("－"), (vec![], None));
        assert_eq!(s("⑤～①"), (vec![5, 1], None));
    }
}
