//! The document's own text layout: TAB-separated cells, one line per row, as the published
//! reports are extracted (title, the `項目`/`記入担当課` summary, then one sheet per item).
//!
//! The output is written so that `kaikaku_reader::read` gives back the same report (all but
//! source line numbers): texts are written as the model keeps them, fiscal years with the
//! model's 和暦 labels, multi-paragraph narratives as `<p>` fragments (as the documents do), and
//! each effects line split into cells only where its quantities need it
//! (`寄附受入（見込み）⇥27,075件⇥427,794,446円`).

use kaikaku_model::quantity::scan;
use kaikaku_model::text::circled;
use kaikaku_model::{Action, ContentRow, EffectRow, FiscalYear, Item, Narrative, Quantity, Report};

/// The longest plan period the reader takes from a `令和2年度～令和4年度の取組内容` line.
const LONGEST_PERIOD: usize = 10;

/// `report` in the document's own text layout, LF line ends, ending with a line end.
pub fn render(report: &Report) -> String {
    let period = plan_period(&report.fiscal_years);
    let mut lines: Vec<String> = Vec::new();
    if !report.title.is_empty() {
        lines.push(report.title.clone());
        lines.push(String::new());
    }
    if !report.summary.is_empty() {
        lines.push(cells(["No", "項目", "記入担当課"]));
        for row in &report.summary {
            lines.push(cells([
                row.no.0.to_string().as_str(),
                &row.title,
                &row.reporting_department,
            ]));
        }
        lines.push(String::new());
    }
    for item in &report.items {
        sheet(&mut lines, item, period.as_ref());
        lines.push(String::new());
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// The plan period as the reader finds it again: a run of consecutive fiscal years the line
/// `令和2年度～令和4年度の取組内容` can name.
struct Period {
    years: Vec<FiscalYear>,
}

impl Period {
    /// `令和2年度～令和4年度の取組内容`.
    fn line(&self) -> String {
        let (first, last) = (self.years[0], self.years[self.years.len() - 1]);
        format!(
            "{}～{}の取組内容",
            first.wareki_label(),
            last.wareki_label()
        )
    }

    fn contains(&self, year: FiscalYear) -> bool {
        self.years.contains(&year)
    }
}

fn plan_period(years: &[FiscalYear]) -> Option<Period> {
    let consecutive = years.windows(2).all(|pair| pair[0].next() == pair[1]);
    (consecutive && (2..=LONGEST_PERIOD).contains(&years.len())).then(|| Period {
        years: years.to_vec(),
    })
}

/// A fiscal year as a schedule column header: `3年度`, `元年度` as the documents write them
/// inside the plan period (the reader places them in it), `令和3年度` outside it.
fn column_label(year: FiscalYear, period: Option<&Period>) -> String {
    let label = year.wareki_label();
    match period {
        Some(period) if period.contains(year) => {
            let (era, _) = year.wareki();
            label
                .strip_prefix(era.name())
                .map_or_else(|| label.clone(), str::to_owned)
        }
        _ => label,
    }
}

fn sheet(lines: &mut Vec<String>, item: &Item, period: Option<&Period>) {
    lines.push(if item.title.is_empty() {
        item.no.to_string()
    } else {
        format!("{} {}", item.no, item.title)
    });
    if !item.departments.is_empty() {
        lines.push(String::new());
        lines.push(format!("【担当課：{}】", item.departments.join("、")));
    }
    lines.push(String::new());
    contents(lines, item, period);
    actions(lines, &item.actions);
    if let Some(period) = period {
        lines.push(period.line());
    }
    for narrative in &item.narratives {
        lines.push(section(&narrative_heading(narrative), &narrative.text));
    }
    effects(lines, &item.effects);
    if let Some(evaluation) = &item.evaluation {
        let heading = format!("【{}総評】", evaluation.fiscal_year.wareki_label());
        lines.push(section(&heading, &evaluation.text));
    }
}

/// The schedule table: header, fiscal-year header, one row per content with the goal in the
/// last column, and goal lines left over on lines of their own.
fn contents(lines: &mut Vec<String>, item: &Item, period: Option<&Period>) {
    let goal: Vec<&str> = item
        .goal
        .as_deref()
        .map_or_else(Vec::new, |goal| goal.split('\n').collect());
    if item.contents.is_empty() && goal.is_empty() {
        return;
    }
    let years = |row: &ContentRow| -> Vec<FiscalYear> {
        row.schedule.iter().map(|cell| cell.fiscal_year).collect()
    };
    let width = item
        .contents
        .iter()
        .map(|row| row.schedule.len())
        .max()
        .unwrap_or(0)
        .max(1);
    let mut header = vec!["改善・推進の内容", "改善スケジュール"];
    header.extend(std::iter::repeat_n("", width - 1));
    header.push("改善・推進目標");
    lines.push(cells(header));
    let goal_column = width + 1;
    let mut goal_lines = goal.into_iter();
    let mut current_years: Option<Vec<FiscalYear>> = None;
    for row in &item.contents {
        let row_years = years(row);
        if current_years.as_ref() != Some(&row_years) && !row_years.is_empty() {
            let mut header = vec![String::new()];
            header.extend(row_years.iter().map(|y| column_label(*y, period)));
            lines.push(cells(header.iter().map(String::as_str)));
            current_years = Some(row_years);
        }
        let mut row_cells: Vec<&str> = vec![&row.text];
        row_cells.extend(row.schedule.iter().map(|cell| cell.text.as_str()));
        row_cells.resize(goal_column, "");
        row_cells.push(goal_lines.next().unwrap_or(""));
        lines.push(cells(row_cells));
    }
    for goal_line in goal_lines {
        let mut row_cells = vec![""; goal_column];
        row_cells.push(goal_line);
        lines.push(cells(row_cells));
    }
}

/// `主な取組内容`, then the numbered actions on one line, as the documents write them; an
/// action that runs over several lines continues on lines of its own.
fn actions(lines: &mut Vec<String>, actions: &[Action]) {
    if actions.is_empty() {
        return;
    }
    lines.push("主な取組内容".to_owned());
    let mut line = String::new();
    for action in actions {
        let mark = circled(action.no).map_or_else(|| action.no.to_string(), String::from);
        let mut parts = action.text.split('\n');
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&mark);
        line.push_str(parts.next().unwrap_or(""));
        for part in parts {
            lines.push(std::mem::take(&mut line));
            line.push_str(part);
        }
    }
    lines.push(line);
}

/// `【令和3年度（実績）】`.
fn narrative_heading(narrative: &Narrative) -> String {
    format!(
        "【{}（{}）】",
        narrative.fiscal_year.wareki_label(),
        narrative.kind.label()
    )
}

/// A narrative or evaluation: the heading and its text on one line, or — when the text has
/// several paragraphs, or characters that would read as markup — as `<p>` fragments, one per
/// paragraph, the way the documents carry lists.
fn section(heading: &str, text: &str) -> String {
    if !text.contains(['\n', '<', '&']) {
        return if text.is_empty() {
            heading.to_owned()
        } else {
            format!("{heading} {text}")
        };
    }
    let mut paragraphs = text.split('\n');
    let mut line = format!(
        "<p>{heading} {}</p>",
        escape_markup(paragraphs.next().unwrap_or(""))
    );
    for paragraph in paragraphs {
        line.push_str(" <p>");
        line.push_str(&escape_markup(paragraph));
        line.push_str("</p>");
    }
    line
}

/// Text made safe inside a `<p>` fragment: `&`, `<` and `>` as character references.
fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            other => out.push(other),
        }
    }
    out
}

/// The effects table: `取組による効果` beside the first row, one row per fiscal year and the
/// 総計 row; a row's further lines follow with an empty year cell.
fn effects(lines: &mut Vec<String>, rows: &[EffectRow]) {
    for (i, row) in rows.iter().enumerate() {
        let heading = if i == 0 { "取組による効果" } else { "" };
        let label = match (row.is_total, row.fiscal_year) {
            (true, _) => "総計".to_owned(),
            (false, Some(year)) => year.wareki_label(),
            (false, None) => "―".to_owned(),
        };
        let text_lines: Vec<&str> = row.text.split('\n').collect();
        let mut remaining: &[Quantity] = &row.quantities;
        for (j, text_line) in text_lines.iter().enumerate() {
            let is_last = j + 1 == text_lines.len();
            let (values, used) = effect_cells(text_line, remaining, is_last);
            remaining = &remaining[used..];
            let mut row_cells: Vec<&str> = if j == 0 {
                vec![heading, &label]
            } else {
                vec!["", ""]
            };
            row_cells.extend(values.iter().map(String::as_str));
            lines.push(cells(row_cells));
        }
    }
}

/// The value cells of one line of an effects row, and how many of `expected` they state.
///
/// One cell holding the line is enough when the quantities found in it are the expected ones
/// (`協働のまちづくりに関する市民満足度 32.3%（実績）`, `満足度 61 点 【実績】`). Otherwise the
/// values that end the line are the expected quantities, each in its own cell after one label
/// cell, so that they all take that label and its mark (`寄附受入（見込み）⇥27,075件⇥
/// 427,794,446円`) and numbers inside the label are not read as values
/// (`地域包括ケア病床増床（16床）による効果額⇥4,732千円`). A line before the last of a row states
/// at most the values it ends with; the last line states the rest.
fn effect_cells(line: &str, expected: &[Quantity], is_last: bool) -> (Vec<String>, usize) {
    let found = scan(line);
    let in_one_cell = found.len() <= expected.len()
        && found
            .iter()
            .zip(expected)
            .all(|(found, expected)| found.quantity == *expected);
    if in_one_cell && (!is_last || found.len() == expected.len()) {
        return (single(line), found.len());
    }
    let mut ending = 0;
    let mut end = line.len();
    for value in found.iter().rev() {
        if !line[value.span.end..end].trim().is_empty() {
            break;
        }
        ending += 1;
        end = value.span.start;
    }
    let wanted = if is_last {
        expected.len()
    } else {
        ending.min(expected.len())
    };
    if wanted == 0 || wanted > ending {
        return (single(line), found.len().min(expected.len()));
    }
    let values = &found[found.len() - wanted..];
    let mut out = vec![line[..values[0].span.start].trim().to_owned()];
    out.extend(
        values
            .iter()
            .map(|value| line[value.span.clone()].to_owned()),
    );
    (out, wanted)
}

fn single(line: &str) -> Vec<String> {
    if line.is_empty() {
        Vec::new()
    } else {
        vec![line.to_owned()]
    }
}

/// Cells joined by TABs, without the empty cells at the end.
fn cells<'a>(cells: impl IntoIterator<Item = &'a str>) -> String {
    let mut cells: Vec<&str> = cells.into_iter().collect();
    while cells.last().is_some_and(|c| c.is_empty()) {
        cells.pop();
    }
    cells.join("\t")
}
