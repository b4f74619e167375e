//! The reader proper: decoded text → lines of cells → [`Report`].
//!
//! The document is read line by line by a small state machine that knows the anatomy of an
//! item sheet (DOMAIN.md): heading, departments, contents with schedule, goal, main actions,
//! yearly narratives, effects table, evaluation. Each line either lands in a part of the model
//! or in a warning with its line number; nothing is dropped silently. Cells that kaikaku's own
//! text layout quoted (`\…`, module [`crate::quoted`]) are text and never structure.

use kaikaku_model::calendar::scan_fiscal_years;
use kaikaku_model::quantity::parse_value;
use kaikaku_model::text::{circled_number, is_range_dash, is_space};
use kaikaku_model::{
    Action, ContentRow, EffectRow, Era, Evaluation, FiscalYear, Item, ItemNo, Line, Narrative,
    Quantity, Report, Repost, ScheduleCell, Status, SummaryRow, Unit, Warning,
};

use crate::cells::{self, Heading};
use crate::quoted::{self, is_quoted, text_of};
use crate::{ReadError, effects, html};

/// One line of the source: its number and its TAB-separated cells, trimmed, without the empty
/// cells at the end.
struct SourceLine<'a> {
    no: Line,
    cells: Vec<&'a str>,
}

impl<'a> SourceLine<'a> {
    fn new(no: Line, raw: &'a str) -> SourceLine<'a> {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let mut cells: Vec<&str> = raw.split('\t').map(|c| c.trim_matches(is_space)).collect();
        while cells.last().is_some_and(|c| c.is_empty()) {
            cells.pop();
        }
        SourceLine { no, cells }
    }

    fn is_blank(&self) -> bool {
        self.cells.is_empty()
    }

    /// A line of text as kaikaku writes it: one quoted cell (`\【令和8年度（見込み）】…`).
    fn is_text_line(&self) -> bool {
        self.cells.len() == 1 && is_quoted(self.cells[0])
    }

    /// The cells that are not quoted: the ones that may carry structure.
    fn unquoted(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.cells.iter().copied().filter(|c| !is_quoted(c))
    }

    fn cell(&self, i: usize) -> &'a str {
        self.cells.get(i).copied().unwrap_or("")
    }

    /// The non-empty cells joined by a space.
    fn text(&self) -> String {
        self.cells
            .iter()
            .filter(|c| !c.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Which part of the document the previous lines were in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    /// Before the summary table: the title.
    Preamble,
    /// The summary table.
    Summary,
    /// An item's heading and departments.
    Head,
    /// 改善・推進の内容 rows.
    Contents,
    /// 主な取組内容.
    Actions,
    /// Yearly narratives.
    Narratives,
    /// 取組による効果.
    Effects,
    /// 総評.
    Evaluation,
}

/// Where a continuation line of text goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    None,
    Narrative(usize),
    Evaluation,
}

/// Reads decoded text into a report.
pub fn read_text(text: &str) -> Result<Report, ReadError> {
    read(text, false)
}

/// Reads text decoded from a legacy encoding (Shift_JIS, EUC-JP) after
/// [`quoted::literal`]: its cells that begin with `\` (a yen sign there) are text as written,
/// and the quantities in them are scanned like any other cell's.
pub fn read_legacy_text(text: &str) -> Result<Report, ReadError> {
    read(text, true)
}

fn read(text: &str, yen_cells: bool) -> Result<Report, ReadError> {
    let lines: Vec<SourceLine<'_>> = text
        .split('\n')
        .enumerate()
        .map(|(i, raw)| SourceLine::new(i + 1, raw))
        .collect();
    let first = lines
        .iter()
        .find(|l| !l.is_blank())
        .ok_or(ReadError::Empty)?;
    let era = document_era(&lines);
    let mut reader = Reader {
        era,
        period: plan_period(&lines, era),
        report: Report::default(),
        section: Section::Preamble,
        item: None,
        target: Target::None,
        text_lines: false,
        title_open: false,
        yen_cells,
    };
    for line in &lines {
        reader.line(line);
    }
    reader.finish_item();
    if reader.report.items.is_empty() && reader.report.summary.is_empty() {
        return Err(ReadError::NotAReport {
            line: first.no,
            text: shorten(&first.text()),
        });
    }
    Ok(reader.finish())
}

/// The era a document counts in: that of its first year written with an era (quoted cells
/// aside).
fn document_era(lines: &[SourceLine<'_>]) -> Option<Era> {
    lines
        .iter()
        .flat_map(SourceLine::unquoted)
        .find_map(|cell| {
            scan_fiscal_years(cell, None)
                .into_iter()
                .find(|m| m.explicit)
                .and_then(|m| FiscalYear::explicit_era(&cell[m.span]))
        })
}

/// The plan period from a line such as `令和2年度～令和4年度の取組内容`: the first range of two
/// years written with their eras.
fn plan_period(lines: &[SourceLine<'_>], era: Option<Era>) -> Vec<FiscalYear> {
    for line in lines {
        let has_range = line
            .unquoted()
            .any(|c| c.contains(|ch| is_range_dash(ch) || ch == '－'));
        if !has_range {
            continue;
        }
        let text = line
            .unquoted()
            .filter(|c| !c.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let mentions = scan_fiscal_years(&text, era);
        for pair in mentions.windows(2) {
            let between = &text[pair[0].span.end..pair[1].span.start];
            let is_range = !between.is_empty()
                && between
                    .chars()
                    .all(|c| is_range_dash(c) || is_space(c) || c == '－');
            let (from, to) = (pair[0].year, pair[1].year);
            let span = to.gregorian() - from.gregorian();
            if is_range && pair[0].explicit && pair[1].explicit && (1..=9).contains(&span) {
                return years(from, to);
            }
        }
    }
    Vec::new()
}

fn years(from: FiscalYear, to: FiscalYear) -> Vec<FiscalYear> {
    std::iter::successors(Some(from), |y| (*y < to).then(|| y.next())).collect()
}

struct ItemState {
    item: Item,
    /// The fiscal years of the schedule columns.
    years: Vec<FiscalYear>,
    /// The column of the goal (改善・推進目標) in content rows.
    goal_column: Option<usize>,
    goal: Vec<String>,
    /// True after a schedule header without years (`⇥\`): the rows below have no schedule.
    no_schedule: bool,
}

struct Reader {
    era: Option<Era>,
    period: Vec<FiscalYear>,
    report: Report,
    section: Section,
    item: Option<ItemState>,
    target: Target,
    /// True once a text line (a quoted cell alone) has been added to the target.
    text_lines: bool,
    /// True while the title may continue on the next line.
    title_open: bool,
    /// True for a legacy-encoded document, whose quoted cells are its yen texts
    /// ([`read_legacy_text`]).
    yen_cells: bool,
}

impl Reader {
    fn warn(&mut self, line: Line, message: String) {
        self.report.warnings.push(Warning { line, message });
    }

    fn unplaced(&mut self, line: &SourceLine<'_>) {
        let text = shorten(&line.text());
        self.warn(
            line.no,
            format!("どの欄にも割り当てられない行です:「{text}」"),
        );
    }

    fn line(&mut self, line: &SourceLine<'_>) {
        if line.is_blank() {
            self.title_open = false;
            return;
        }
        let first = line.cell(0);
        if let Some((no, title)) =
            cells::item_heading(first).filter(|(_, t)| !t.starts_with("再掲"))
        {
            let title = if title.is_empty() && line.cells.len() > 1 {
                line.cells[1..]
                    .iter()
                    .map(|c| text_of(c))
                    .collect::<Vec<_>>()
                    .join(" ")
            } else {
                title
            };
            self.start_item(no, title, line.no);
            return;
        }
        if self.item.is_none() {
            self.preamble(line);
            return;
        }
        self.item_line(line);
    }

    fn preamble(&mut self, line: &SourceLine<'_>) {
        let keys: Vec<String> = line.cells.iter().map(|c| label_key(c)).collect();
        if keys.iter().any(|k| k == "項目" || k == "取組項目")
            && keys.iter().any(|k| k.ends_with("担当課"))
        {
            self.section = Section::Summary;
            self.title_open = false;
            return;
        }
        if self.section == Section::Summary {
            if let Some(no) = item_number(line.cell(0)).filter(|_| line.cells.len() >= 2) {
                self.report.summary.push(SummaryRow {
                    no,
                    title: text_of(line.cell(1)).into_owned(),
                    reporting_department: line
                        .cells
                        .get(2..)
                        .unwrap_or(&[])
                        .iter()
                        .map(|c| text_of(c))
                        .collect::<Vec<_>>()
                        .join(" "),
                    line: line.no,
                });
                return;
            }
        }
        if self.report.title.is_empty() {
            self.report.title = line.text();
            self.title_open = true;
        } else if self.title_open {
            self.report.title.push_str(&line.text());
        } else {
            self.unplaced(line);
        }
    }

    fn start_item(&mut self, no: ItemNo, title: String, line: Line) {
        self.finish_item();
        self.section = Section::Head;
        self.target = Target::None;
        self.item = Some(ItemState {
            item: Item {
                no,
                title,
                line,
                ..Item::default()
            },
            years: Vec::new(),
            goal_column: None,
            goal: Vec::new(),
            no_schedule: false,
        });
    }

    fn finish_item(&mut self) {
        if let Some(state) = self.item.take() {
            let mut item = state.item;
            if !state.goal.is_empty() {
                item.goal = Some(state.goal.join("\n"));
            }
            item.reposts = item_reposts(&item);
            self.report.items.push(item);
        }
    }

    fn item_line(&mut self, line: &SourceLine<'_>) {
        let first = line.cell(0);
        let key = label_key(first);
        if line.is_text_line() && matches!(self.target, Target::Narrative(_) | Target::Evaluation) {
            self.text_line(&text_of(first));
            return;
        }
        // A line that starts with a section heading is that section, whatever follows.
        if self.starts_with_heading(first) {
            self.flow(&line.text(), line.no);
            return;
        }
        if let Some(list) = cells::departments(first) {
            // Names kaikaku quotes follow in cells of their own (`【担当課】⇥\総務課・財政課`).
            let quoted = line.cells[1..].iter().filter_map(|c| quoted::unquote(c));
            if let Some(state) = &mut self.item {
                state.item.departments.extend(list);
                state.item.departments.extend(quoted);
            }
            return;
        }
        if line
            .cells
            .iter()
            .skip(1)
            .any(|c| label_key(c).contains("スケジュール"))
        {
            self.section = Section::Contents;
            let goal = line
                .cells
                .iter()
                .position(|c| label_key(c).contains("目標"));
            if let Some(state) = &mut self.item {
                state.goal_column = goal;
            }
            return;
        }
        if key.contains("内容") && !key.contains("年度") && line.cells.len() > 1 {
            // A one-line header: `改善・推進の内容⇥2年度⇥3年度⇥4年度⇥改善・推進目標`.
            let goal = line
                .cells
                .iter()
                .position(|c| label_key(c).contains("目標"));
            let end = goal.unwrap_or(line.cells.len());
            if let Some(years) = self.header_years(&line.cells[1..end]) {
                self.section = Section::Contents;
                if let Some(state) = &mut self.item {
                    state.goal_column = Some(goal.unwrap_or(years.len() + 1));
                    state.years = years;
                }
                return;
            }
        }
        if self.section == Section::Contents && first.is_empty() {
            if matches!(line.cells[1..], [cell] if cell.len() == 1 && is_quoted(cell)) {
                // `⇥\`: the rows below have no schedule.
                if let Some(state) = &mut self.item {
                    state.no_schedule = true;
                }
                return;
            }
            if let Some(years) = self.header_years(&line.cells[1..]) {
                if let Some(state) = &mut self.item {
                    if state.goal_column.is_none_or(|g| g <= years.len()) {
                        state.goal_column = Some(years.len() + 1);
                    }
                    state.years = years;
                    state.no_schedule = false;
                }
                return;
            }
        }
        if key.starts_with("主な取組内容") {
            self.section = Section::Actions;
            let rest = line.cells[1..].join(" ");
            if !rest.trim().is_empty() {
                self.actions(rest.trim(), line.no);
            }
            return;
        }
        if key.ends_with("取組内容") && key.contains("年度") {
            self.section = Section::Narratives;
            self.target = Target::None;
            return;
        }
        // The heading of the effects table: a short label ending in 効果 (取組による効果,
        // 取組の効果, 取組による財政効果), never a sentence that happens to end so.
        if key.ends_with("効果") && key.chars().count() <= 12 {
            self.section = Section::Effects;
            self.target = Target::None;
            if line.cells.len() >= 2 {
                self.effect_row(&line.cells[1..], line.no);
            }
            return;
        }
        if self.section == Section::Effects && !first.is_empty() && self.is_effect_label(first) {
            // Rows without the heading column: `令和2年度⇥…`.
            self.effect_row(&line.cells, line.no);
            return;
        }
        match self.section {
            Section::Contents if !first.is_empty() => self.content_row(line),
            Section::Contents => self.goal_continuation(line),
            Section::Actions => match quoted_action(line) {
                Some(action) => {
                    if let Some(state) = &mut self.item {
                        state.item.actions.push(action);
                    }
                }
                None => self.actions(&line.text(), line.no),
            },
            Section::Effects if first.is_empty() && line.cell(1) == quoted::QUANTITY => {
                self.explicit_quantity(line);
            }
            Section::Effects if first.is_empty() => self.effect_row(&line.cells[1..], line.no),
            Section::Narratives | Section::Evaluation | Section::Effects
                if self.target != Target::None =>
            {
                self.flow(&line.text(), line.no)
            }
            _ => self.unplaced(line),
        }
    }

    fn is_effect_label(&self, cell: &str) -> bool {
        is_total_label(cell) || self.column_year(cell).is_some()
    }

    fn starts_with_heading(&self, cell: &str) -> bool {
        if html::is_fragment(cell) {
            html::to_text(cell)
                .lines()
                .next()
                .is_some_and(|l| cells::heading(l, self.era).is_some())
        } else {
            cells::heading(cell, self.era).is_some()
        }
    }

    /// Reads a schedule header (`2年度⇥3年度⇥4年度`): every cell must be a fiscal year.
    fn header_years(&self, cells: &[&str]) -> Option<Vec<FiscalYear>> {
        let cells: Vec<&str> = cells.iter().copied().filter(|c| !c.is_empty()).collect();
        if cells.is_empty() {
            return None;
        }
        cells.iter().map(|c| self.column_year(c)).collect()
    }

    /// A fiscal year as written in a column header or an effects row: with its era, or in the
    /// era that puts it inside the plan period (`30年度⇥元年度⇥2年度` crosses 平成 → 令和), or
    /// in the document's era.
    fn column_year(&self, cell: &str) -> Option<FiscalYear> {
        // A year label is short (`令和 2 年度`, `H30`); longer cells are text.
        if cell.chars().nth(16).is_some() || is_quoted(cell) {
            return None;
        }
        if FiscalYear::explicit_era(cell).is_some() {
            return FiscalYear::parse(cell, None).ok();
        }
        let in_period = Era::ALL.iter().rev().find_map(|era| {
            FiscalYear::parse(cell, Some(*era))
                .ok()
                .filter(|y| self.period.contains(y))
        });
        in_period.or_else(|| FiscalYear::parse(cell, self.era).ok())
    }

    fn content_row(&mut self, line: &SourceLine<'_>) {
        let Some(state) = &mut self.item else {
            return;
        };
        let years = if state.no_schedule {
            Vec::new()
        } else if state.years.is_empty() {
            self.period.clone()
        } else {
            state.years.clone()
        };
        let schedule = years
            .iter()
            .enumerate()
            .map(|(i, year)| ScheduleCell::read(*year, &text_of(line.cell(i + 1))))
            .collect();
        state.item.contents.push(ContentRow {
            text: text_of(line.cell(0)).into_owned(),
            schedule,
            line: line.no,
        });
        let goal_column = state.goal_column.unwrap_or(years.len() + 1);
        let goal = line.cell(goal_column);
        if !goal.is_empty() {
            state.goal.push(text_of(goal).into_owned());
        }
        let no_schedule = state.no_schedule;
        let extra: Vec<&str> = line
            .cells
            .iter()
            .enumerate()
            .filter(|(i, c)| *i > goal_column.max(years.len()) && !c.is_empty())
            .map(|(_, c)| *c)
            .collect();
        if !extra.is_empty() {
            let text = shorten(&extra.join(" "));
            self.warn(
                line.no,
                format!("改善スケジュールの列外にある記載です:「{text}」"),
            );
        }
        if years.is_empty() && !no_schedule {
            self.warn(
                line.no,
                "改善スケジュールの年度見出しがなく、スケジュールを読めません".to_owned(),
            );
        }
    }

    fn goal_continuation(&mut self, line: &SourceLine<'_>) {
        let goal_column = self.item.as_ref().and_then(|s| s.goal_column);
        let goal = goal_column.map(|g| line.cell(g)).unwrap_or("");
        let others = line
            .cells
            .iter()
            .enumerate()
            .any(|(i, c)| Some(i) != goal_column && !c.is_empty());
        match &mut self.item {
            Some(state) if !goal.is_empty() && !others => {
                state.goal.push(text_of(goal).into_owned());
            }
            _ => self.unplaced(line),
        }
    }

    fn actions(&mut self, text: &str, line: Line) {
        let (preamble, actions) = cells::actions(text);
        let Some(state) = &mut self.item else {
            return;
        };
        if !preamble.is_empty() {
            match state.item.actions.last_mut() {
                Some(last) => {
                    last.text.push('\n');
                    last.text.push_str(&preamble);
                }
                None => {
                    let text = shorten(&preamble);
                    self.warn(
                        line,
                        format!("主な取組内容に番号（①②…）がありません:「{text}」"),
                    );
                }
            }
        }
        if let Some(state) = &mut self.item {
            state.item.actions.extend(actions);
        }
    }

    /// Text of narratives and evaluations: headings start sections, other lines continue the
    /// current one. HTML fragments are turned into lines first.
    fn flow(&mut self, text: &str, line: Line) {
        let text = if html::is_fragment(text) {
            html::to_text(text)
        } else {
            text.to_owned()
        };
        for (i, part) in text.split('\n').enumerate() {
            match cells::heading(part, self.era) {
                Some((heading, end)) => self.open_section(heading, part[end..].trim(), line),
                None => self.continue_section(part.trim(), line, i == 0),
            }
        }
    }

    fn open_section(&mut self, heading: Heading, text: &str, line: Line) {
        self.text_lines = false;
        let Some(state) = &mut self.item else {
            return;
        };
        match heading {
            Heading::Narrative(fiscal_year, kind) => {
                state.item.narratives.push(Narrative {
                    fiscal_year,
                    kind,
                    text: text.to_owned(),
                    line,
                });
                self.target = Target::Narrative(state.item.narratives.len() - 1);
                self.section = Section::Narratives;
            }
            Heading::Evaluation(written) => {
                // `【総評】` without a year evaluates the year of the item's results.
                let actual = state
                    .item
                    .narratives
                    .iter()
                    .rfind(|n| n.kind == kaikaku_model::NarrativeKind::Actual)
                    .map(|n| n.fiscal_year);
                let Some(fiscal_year) = written.or(actual) else {
                    let text = shorten(text);
                    self.warn(line, format!("総評の年度が分かりません:「{text}」"));
                    return;
                };
                if state.item.evaluation.is_some() {
                    self.warn(
                        line,
                        "総評が二つあります。二つ目は前の総評に続けました".to_owned(),
                    );
                    self.continue_section(text, line, true);
                } else {
                    state.item.evaluation = Some(Evaluation {
                        fiscal_year,
                        text: text.to_owned(),
                        line,
                    });
                }
                self.target = Target::Evaluation;
                self.section = Section::Evaluation;
            }
        }
    }

    /// A text line (a quoted cell alone) under a narrative or 総評: the next line of its text,
    /// exactly as written (the first one replaces an empty text after the heading).
    fn text_line(&mut self, text: &str) {
        let first = !self.text_lines;
        self.text_lines = true;
        let target = self.item.as_mut().and_then(|state| match self.target {
            Target::Narrative(i) => state.item.narratives.get_mut(i).map(|n| &mut n.text),
            Target::Evaluation => state.item.evaluation.as_mut().map(|e| &mut e.text),
            Target::None => None,
        });
        if let Some(existing) = target {
            if !(first && existing.is_empty()) {
                existing.push('\n');
            }
            existing.push_str(text);
        }
    }

    /// `⇥\数量⇥label⇥value⇥unit⇥status`: one quantity of the effects row above, stated apart
    /// from its text.
    fn explicit_quantity(&mut self, line: &SourceLine<'_>) {
        let value = parse_value(line.cell(3));
        let unit = Unit::from_symbol(line.cell(4));
        let status = match line.cell(5) {
            "" => Some(None),
            word => Status::from_word(word).map(Some),
        };
        let row = self
            .item
            .as_mut()
            .and_then(|state| state.item.effects.last_mut());
        match (row, value, unit, status) {
            (Some(row), Some(value), Some(unit), Some(status)) => row.quantities.push(Quantity {
                label: text_of(line.cell(2)).into_owned(),
                value,
                unit,
                status,
            }),
            _ => self.unplaced(line),
        }
    }

    fn continue_section(&mut self, text: &str, line: Line, new_line: bool) {
        if text.is_empty() {
            return;
        }
        let target = self.item.as_mut().and_then(|state| match self.target {
            Target::Narrative(i) => state.item.narratives.get_mut(i).map(|n| &mut n.text),
            Target::Evaluation => state.item.evaluation.as_mut().map(|e| &mut e.text),
            Target::None => None,
        });
        match target {
            Some(existing) => append_paragraph(existing, text, new_line),
            None => {
                let text = shorten(text);
                self.warn(line, format!("見出しのない記述です:「{text}」"));
            }
        }
    }

    fn effect_row(&mut self, cells: &[&str], line: Line) {
        let label = cells.first().copied().unwrap_or("");
        let values = cells.get(1..).unwrap_or(&[]);
        let texts: Vec<_> = values
            .iter()
            .filter(|c| !c.is_empty())
            .map(|c| text_of(c))
            .collect();
        let text = texts.join(" ");
        // Quoted cells are text only: their quantities, if any, follow as `\数量` lines. A
        // legacy document's are its yen texts, scanned as written.
        let (quoted, quantities) = if self.yen_cells {
            let scanned: Vec<&str> = texts.iter().map(AsRef::as_ref).collect();
            (false, effects::quantities(&scanned))
        } else {
            let scanned: Vec<&str> = values.iter().copied().filter(|c| !is_quoted(c)).collect();
            (
                values.iter().any(|c| is_quoted(c)),
                effects::quantities(&scanned),
            )
        };
        let is_total = is_total_label(label);
        let fiscal_year = if is_total || label.is_empty() {
            None
        } else {
            self.column_year(label)
        };
        let Some(state) = &mut self.item else {
            return;
        };
        self.target = Target::None;
        if label.is_empty() {
            match state.item.effects.last_mut() {
                Some(row) => {
                    if quoted {
                        // A quoted line is the next line of the text, even an empty one.
                        row.text.push('\n');
                        row.text.push_str(&text);
                    } else if !text.is_empty() {
                        if !row.text.is_empty() {
                            row.text.push('\n');
                        }
                        row.text.push_str(&text);
                    }
                    row.quantities.extend(quantities);
                }
                None => {
                    let text = shorten(&text);
                    self.warn(line, format!("年度のない効果の行です:「{text}」"));
                }
            }
            return;
        }
        state.item.effects.push(EffectRow {
            fiscal_year,
            is_total,
            text,
            quantities,
            line,
        });
        if !is_total && fiscal_year.is_none() {
            let label = shorten(label);
            self.warn(line, format!("効果の行の年度「{label}」を読めません"));
        }
    }

    fn finish(mut self) -> Report {
        let departments: Vec<(ItemNo, String)> = self
            .report
            .summary
            .iter()
            .map(|row| (row.no, row.reporting_department.clone()))
            .collect();
        for item in &mut self.report.items {
            item.reporting_department = departments
                .iter()
                .find(|(no, _)| *no == item.no)
                .map(|(_, d)| d.clone());
        }
        self.report.plan_name = plan_name(&self.report.title);
        self.report.fiscal_years = if self.period.is_empty() {
            self.first_schedule_years()
        } else {
            self.period.clone()
        };
        self.report.report_fiscal_year = self.report_year();
        self.cross_check();
        self.report.warnings.sort_by_key(|w| w.line);
        self.report
    }

    fn first_schedule_years(&self) -> Vec<FiscalYear> {
        self.report
            .items
            .iter()
            .flat_map(|item| item.contents.first())
            .map(|row| row.schedule.iter().map(|c| c.fiscal_year).collect())
            .next()
            .unwrap_or_default()
    }

    /// The report year: the title's year marked 実績 (`（令和3年度実績）`), else the title's only
    /// year, else the year of most 実績 narratives.
    fn report_year(&self) -> Option<FiscalYear> {
        let title = &self.report.title;
        let mentions = scan_fiscal_years(title, self.era);
        let marked = mentions.iter().find(|m| {
            title[m.span.end..]
                .trim_start_matches(|c: char| is_space(c) || matches!(c, '（' | '('))
                .starts_with("実績")
        });
        if let Some(m) = marked {
            return Some(m.year);
        }
        if let [only] = mentions.as_slice() {
            return Some(only.year);
        }
        let mut counts: Vec<(FiscalYear, usize)> = Vec::new();
        let actual_years = self.report.items.iter().flat_map(|item| {
            item.narratives
                .iter()
                .filter(|n| n.kind == kaikaku_model::NarrativeKind::Actual)
                .map(|n| n.fiscal_year)
        });
        for year in actual_years {
            match counts.iter_mut().find(|(y, _)| *y == year) {
                Some((_, n)) => *n += 1,
                None => counts.push((year, 1)),
            }
        }
        counts.into_iter().max_by_key(|(_, n)| *n).map(|(y, _)| y)
    }

    /// Warnings for what does not fit together: items missing from the summary and the other
    /// way round, repeated item numbers, schedules that differ from the plan period.
    fn cross_check(&mut self) {
        let mut warnings = Vec::new();
        let summary = &self.report.summary;
        for item in &self.report.items {
            if !summary.is_empty() && !summary.iter().any(|row| row.no == item.no) {
                warnings.push((item.line, format!("{}は一覧表にありません", item.no)));
            }
            if self.report.items.iter().filter(|i| i.no == item.no).count() > 1 {
                warnings.push((item.line, format!("{}が複数あります", item.no)));
            }
            for row in &item.contents {
                let years: Vec<FiscalYear> = row.schedule.iter().map(|c| c.fiscal_year).collect();
                // A row without a schedule (`⇥\`) has no years to differ.
                if !years.is_empty()
                    && !self.report.fiscal_years.is_empty()
                    && years != self.report.fiscal_years
                {
                    warnings.push((
                        row.line,
                        format!("{}のスケジュールの年度が計画期間と異なります", item.no),
                    ));
                }
            }
        }
        for row in summary {
            if !self.report.items.iter().any(|item| item.no == row.no) {
                warnings.push((
                    row.line,
                    format!("一覧表の{}に対応する取組シートがありません", row.no),
                ));
            }
        }
        for (line, message) in warnings {
            self.warn(line, message);
        }
    }
}

/// The items an item's narratives and 総評 repost from (`（No.3再掲）`), in order of first
/// mention.
pub fn item_reposts(item: &Item) -> Vec<Repost> {
    let mut reposts: Vec<ItemNo> = Vec::new();
    let texts = item
        .narratives
        .iter()
        .map(|n| n.text.as_str())
        .chain(item.evaluation.iter().map(|e| e.text.as_str()));
    for text in texts {
        for no in cells::reposts(text) {
            if !reposts.contains(&no) {
                reposts.push(no);
            }
        }
    }
    reposts
        .into_iter()
        .map(|item_no| Repost { item_no })
        .collect()
}

/// `①⇥\text` or `51⇥\text` in the main actions: one action whose text kaikaku quoted.
fn quoted_action(line: &SourceLine<'_>) -> Option<Action> {
    let [number, text] = line.cells.as_slice() else {
        return None;
    };
    let text = quoted::unquote(text)?;
    let mut chars = number.chars();
    let no = match (chars.next().and_then(circled_number), chars.next()) {
        (Some(no), None) => no,
        _ => number.parse::<u8>().ok()?,
    };
    Some(Action { no, text })
}

/// Appends a line to a text. A line that follows a sentence end starts a new line; one that
/// follows a cut sentence (a page break inside a paragraph: `…地域包` / `括ケア病床…`) joins it.
fn append_paragraph(existing: &mut String, text: &str, new_line: bool) {
    let ends_sentence = existing.trim_end().chars().next_back().is_none_or(|c| {
        matches!(
            c,
            '。' | '．' | '.' | '！' | '!' | '？' | '?' | '」' | '』' | '）' | ')' | '】'
        )
    });
    if !existing.is_empty() && (!new_line || ends_sentence) {
        existing.push('\n');
    }
    existing.push_str(text);
}

/// The matching key of a cell that may be a label ([`kaikaku_model::text::label_key`]); a quoted cell is
/// text, never a label.
fn label_key(cell: &str) -> String {
    if is_quoted(cell) {
        return String::new();
    }
    kaikaku_model::text::label_key(cell)
}

/// True for the label of an effects table's total row: 総計, 合計, 計, 累計.
fn is_total_label(cell: &str) -> bool {
    matches!(label_key(cell).as_str(), "総計" | "合計" | "計" | "累計")
}

/// An item number in the summary table: `1`, `１`, `No.1`.
fn item_number(cell: &str) -> Option<ItemNo> {
    let cell = cell.trim_matches(is_space);
    match ItemNo::parse_prefix(cell, true) {
        Some((no, len)) if len == cell.len() => Some(no),
        _ => None,
    }
}

/// Words that end a report title after the plan's name.
const TITLE_SUFFIXES: &[&str] = &[
    "取組実績一覧",
    "取組実績報告書",
    "取組実績",
    "実績一覧",
    "実績報告書",
    "進捗状況一覧",
    "進捗状況報告書",
    "進捗状況",
    "実施状況",
    "取組状況",
    "報告書",
    "一覧",
];

/// The plan's name in a title: the title without its parenthesised year and report words
/// (`第5次集中改革プラン取組実績一覧(令和3年度実績)` → `第5次集中改革プラン`).
fn plan_name(title: &str) -> String {
    let mut name = title;
    for (i, c) in title.char_indices() {
        if matches!(c, '(' | '（') && title[i..].contains("年度") {
            name = &title[..i];
            break;
        }
    }
    let mut name = name.trim_matches(is_space);
    loop {
        let before = name;
        for suffix in TITLE_SUFFIXES {
            if let Some(rest) = name.strip_suffix(suffix) {
                name = rest.trim_end_matches(is_space);
            }
        }
        if before == name {
            break;
        }
    }
    if name.is_empty() {
        title.trim().to_owned()
    } else {
        name.to_owned()
    }
}

/// The first 60 characters of a text, for messages.
fn shorten(text: &str) -> String {
    let mut chars = text.chars();
    let short: String = chars.by_ref().take(60).collect();
    if chars.next().is_some() {
        format!("{short}…")
    } else {
        short
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_names_from_titles() {
        assert_eq!(
            plan_name("第5次集中改革プラン取組実績一覧(令和3年度実績)"),
            "第5次集中改革プラン"
        );
        assert_eq!(
            plan_name("第3次楓町行政改革実施計画 取組実績報告書（令和6年度実績）"),
            "第3次楓町行政改革実施計画"
        );
        assert_eq!(plan_name("行政改革大綱"), "行政改革大綱");
    }

    #[test]
    fn paragraphs_cut_by_a_page_break_are_joined() {
        let mut text = "各分院では地域包".to_owned();
        append_paragraph(&mut text, "括ケア病床の増床を行った。", true);
        append_paragraph(&mut text, "今後も連携する。", true);
        assert_eq!(
            text,
            "各分院では地域包括ケア病床の増床を行った。\n今後も連携する。"
        );
    }

    #[test]
    fn explicit_quantities_and_quoted_lines() {
        let lines = [
            "No.1 x",
            "【令和3年度（実績）】",
            r"\No.2 ではない",
            r"\",
            r"\\t字下げ",
            r"取組による効果⇥令和3年度⇥\削減 1,200千円",
            r"⇥\数量⇥削減額⇥1,200⇥千円⇥実績",
            r"⇥\数量⇥⇥十二⇥千円",
        ];
        let text = lines.join("\n").replace('⇥', "\t");
        let text = text.as_str();
        let report = read_text(text).expect("a report");
        let item = &report.items[0];
        assert_eq!(item.narratives[0].text, "No.2 ではない\n\n\t字下げ");
        let row = &item.effects[0];
        assert_eq!(row.text, "削減 1,200千円");
        let shown: Vec<String> = row.quantities.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["削減額 1,200千円（実績）"]);
        // A value that cannot be read is kept as a warning, not dropped.
        assert_eq!(report.warnings.len(), 1);
        assert_eq!(report.warnings[0].line, 8);
        assert!(report.warnings[0].message.contains("十二"));
    }

    #[test]
    fn not_a_report() {
        let err = read_text("hello\nworld\n").expect_err("not a report");
        assert!(
            matches!(err, ReadError::NotAReport { line: 1, .. }),
            "{err}"
        );
        assert!(matches!(read_text("\n \n"), Err(ReadError::Empty)));
    }
}
