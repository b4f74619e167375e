//! The document's own text layout: TAB-separated cells, one line per row, as the published
//! reports are extracted (title, the `項目`/`記入担当課` summary, then one sheet per item).
//!
//! The output is written so that `kaikaku_reader::read` gives back the same report (all but
//! source line numbers): texts are written as the model keeps them, fiscal years with the
//! model's 和暦 labels, multi-paragraph narratives as `<p>` fragments (as the documents do), and
//! each effects line split into cells only where its quantities need it
//! (`寄附受入（見込み）⇥27,075件⇥427,794,446円`).
//!
//! Text typed on the web may look like structure: a line starting with `【令和8年度（見込み）】`,
//! `No.3` or `①`, a label such as `主な取組内容`, a TAB, spaces at an edge, an empty line,
//! `<p>` markup. Such a text is written **quoted**, the one escape of this layout: a cell that
//! begins with a backslash `\` is text as typed, never read as structure; inside it `\t` is a
//! TAB, `\n` a line break, `\\` a backslash, and a final `\` closes a text that ends in
//! spaces. A narrative or 総評 that cannot be written plainly is its heading alone followed by
//! one quoted line per line of its text (`\【令和8年度（見込み）】は別に記載`); a content row
//! without a schedule follows a header `⇥\`; a list of departments that would not split back is
//! `【担当課】⇥\総務課・財政課⇥\政策課`; main actions that would not read back are one per line,
//! `①⇥\text`. An effects row whose quantities are not what the reader finds in its text has
//! its text quoted and each quantity on a line of its own, `⇥\数量⇥label⇥value⇥unit⇥status`
//! (`⇥\数量⇥削減額⇥1,200⇥千円⇥実績`). Published documents never begin a cell with `\`, so
//! they read as before.

use kaikaku_model::calendar::scan_fiscal_years;
use kaikaku_model::quantity::{Found, format_decimal, scan, split_status};
use kaikaku_model::text::{
    circled, circled_number, digit_value, fold_key, is_range_dash, is_space, label_key,
};
use kaikaku_model::{
    Action, ContentRow, EffectRow, Era, FiscalYear, Item, ItemNo, Narrative, Quantity, Report,
    Status,
};

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
            let no = row.no.0.to_string();
            let both_empty = row.title.is_empty() && row.reporting_department.is_empty();
            lines.push(line_of(vec![
                Cell::Fixed(&no),
                Cell::Text(&row.title, summary_plain(&row.title) && !both_empty),
                Cell::Text(
                    &row.reporting_department,
                    summary_plain(&row.reporting_department),
                ),
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
    lines.push(heading_line(item.no, &item.title));
    if !item.departments.is_empty() {
        lines.push(String::new());
        lines.push(departments_line(&item.departments));
    }
    lines.push(String::new());
    contents(lines, item, period);
    actions(lines, &item.actions);
    if let Some(period) = period {
        lines.push(period.line());
    }
    for narrative in &item.narratives {
        section(lines, &narrative_heading(narrative), &narrative.text);
    }
    effects(lines, &item.effects);
    if let Some(evaluation) = &item.evaluation {
        let heading = format!("【{}総評】", evaluation.fiscal_year.wareki_label());
        section(lines, &heading, &evaluation.text);
    }
}

/// `No.3 title`, or `No.3⇥\title` when the title would not read back in the heading.
fn heading_line(no: ItemNo, title: &str) -> String {
    if title.is_empty() {
        return no.to_string();
    }
    let line = format!("{no} {title}");
    if is_flowing(title) && !title.starts_with("再掲") && !names_period(&line) {
        line
    } else {
        cells([no.to_string().as_str(), &quote(title)])
    }
}

/// `【担当課：政策課、関係各課】`, or `【担当課】⇥\…⇥\…` when the names would not split back
/// the same (a name without an ending such as 課, with a separator inside, or alone with `・`).
fn departments_line(departments: &[String]) -> String {
    let line = format!("【担当課：{}】", departments.join("、"));
    let splits_back = departments.iter().all(|d| {
        is_flowing(d)
            && !d.contains(['、', '，', ','])
            && d.ends_with(['課', '室'])
            && (departments.len() > 1 || joins_back(d))
    });
    if splits_back && !names_period(&line) {
        return line;
    }
    let mut row = vec!["【担当課】".to_owned()];
    row.extend(departments.iter().map(|d| quote(d)));
    cells(row.iter().map(String::as_str))
}

/// True when a department named alone joins back whole from its `・`-separated parts: the
/// reader ends a name at a part ending like an organisation (課, 室, 部, センター …), so no part
/// but the last may (`子ども・子育て支援課`, not `総務課・財政課`).
fn joins_back(department: &str) -> bool {
    let parts: Vec<&str> = department.split('・').collect();
    // The reader trims each part and leaves empty ones out.
    parts.iter().all(|part| is_flowing(part))
        && parts[..parts.len() - 1]
            .iter()
            .all(|part| !kaikaku_model::text::ends_like_organisation(part))
}

/// The schedule table: header, fiscal-year header, one row per content with the goal in the
/// last column, and goal lines left over on lines of their own. Rows without a schedule follow
/// a header `⇥\`.
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
        if current_years.as_ref() != Some(&row_years) {
            if row_years.is_empty() {
                lines.push(cells(["", &quote("")]));
            } else {
                let mut header = vec![String::new()];
                header.extend(row_years.iter().map(|y| column_label(*y, period)));
                lines.push(cells(header.iter().map(String::as_str)));
            }
            current_years = Some(row_years);
        }
        let mut row_cells = vec![Cell::Text(&row.text, leads_plainly(&row.text))];
        row_cells.extend(
            row.schedule
                .iter()
                .map(|cell| Cell::Text(&cell.text, cell.text.is_empty() || is_plain(&cell.text))),
        );
        row_cells.resize_with(goal_column, || Cell::Fixed(""));
        row_cells.push(goal_cell(goal_lines.next()));
        lines.push(line_of(row_cells));
    }
    for goal_line in goal_lines {
        let mut row_cells: Vec<Cell<'_>> = Vec::new();
        row_cells.resize_with(goal_column, || Cell::Fixed(""));
        row_cells.push(goal_cell(Some(goal_line)));
        lines.push(line_of(row_cells));
    }
}

/// A line of the goal in its column: quoted when empty or when it would read as a year.
fn goal_cell(line: Option<&str>) -> Cell<'_> {
    match line {
        None => Cell::Fixed(""),
        Some(line) => Cell::Text(line, is_plain(line) && !is_year_label(line)),
    }
}

/// `主な取組内容`, then the numbered actions on one line, as the documents write them; an
/// action that runs over several lines continues on lines of its own. Actions that would not
/// read back so (a number without a circled mark, a text with a mark, a space at an edge …)
/// are written one per line, `①⇥\text`.
fn actions(lines: &mut Vec<String>, actions: &[Action]) {
    if actions.is_empty() {
        return;
    }
    lines.push("主な取組内容".to_owned());
    let plain = actions.iter().all(|action| {
        circled(action.no).is_some()
            && action
                .text
                .split('\n')
                .all(|part| is_flowing(part) && !starts_an_action(part))
    });
    let mut written = Vec::new();
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
            written.push(std::mem::take(&mut line));
            line.push_str(part);
        }
    }
    written.push(line);
    if plain && written.iter().all(|line| leads_plainly(line)) {
        lines.extend(written);
        return;
    }
    for action in actions {
        let mark = circled(action.no).map_or_else(|| action.no.to_string(), String::from);
        lines.push(cells([mark.as_str(), &quote(&action.text)]));
    }
}

/// True when a circled number in `text` would start an action: at its start or after a space.
fn starts_an_action(text: &str) -> bool {
    let mut previous: Option<char> = None;
    text.chars().any(|c| {
        let starts = previous.is_none_or(is_space) && circled_number(c).is_some();
        previous = Some(c);
        starts
    })
}

/// `【令和3年度（実績）】`.
fn narrative_heading(narrative: &Narrative) -> String {
    format!(
        "【{}（{}）】",
        narrative.fiscal_year.wareki_label(),
        narrative.kind.label()
    )
}

/// A narrative or evaluation: the heading and its text on one line; when the text has several
/// paragraphs, or characters that would read as markup, as `<p>` fragments, one per paragraph,
/// the way the documents carry lists; and when neither reads back exactly (an empty line, a
/// TAB, spaces at an edge, a paragraph that starts like a heading), the heading alone and one
/// quoted line per line of the text.
fn section(lines: &mut Vec<String>, heading: &str, text: &str) {
    if text.is_empty() {
        lines.push(heading.to_owned());
        return;
    }
    if !text.contains(['\n', '<', '&']) && is_flowing(text) {
        let line = format!("{heading} {text}");
        if !names_period(&line) {
            lines.push(line);
            return;
        }
    }
    let paragraphs_read_back = text
        .split('\n')
        .all(|paragraph| is_flowing(paragraph) && !paragraph.starts_with('【'));
    if paragraphs_read_back {
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
        if !names_period(&line) {
            lines.push(line);
            return;
        }
    }
    lines.push(heading.to_owned());
    lines.extend(text.split('\n').map(quote));
}

/// True for a text that keeps its shape inside a line of flowing text: not empty, no control
/// characters (TAB, line ends), no spaces at its edges.
fn is_flowing(text: &str) -> bool {
    !text.is_empty()
        && !text.contains(char::is_control)
        && !text.starts_with(is_space)
        && !text.ends_with(is_space)
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
        match plain_effect_lines(heading, &label, row) {
            Some(plain) => lines.extend(plain),
            None => quoted_effect_lines(lines, heading, &label, row),
        }
    }
}

/// An effects row as the documents write it, when the reader reads back exactly its text and
/// quantities from it.
fn plain_effect_lines(heading: &str, label: &str, row: &EffectRow) -> Option<Vec<String>> {
    if row.text.is_empty() {
        return row
            .quantities
            .is_empty()
            .then(|| vec![cells([heading, label])]);
    }
    let text_lines: Vec<&str> = row.text.split('\n').collect();
    let mut remaining: &[Quantity] = &row.quantities;
    let mut read_back: Vec<Quantity> = Vec::new();
    let mut out = Vec::new();
    for (j, text_line) in text_lines.iter().enumerate() {
        if text_line.is_empty() {
            // An empty line would be a blank line, which ends nothing and is skipped.
            return None;
        }
        let is_last = j + 1 == text_lines.len();
        let (values, used) = effect_cells(text_line, remaining, is_last);
        remaining = &remaining[used..];
        // The reader joins the cells that are not empty (an empty label is left out).
        let written: Vec<&str> = values
            .iter()
            .map(String::as_str)
            .filter(|v| !v.is_empty())
            .collect();
        if written.iter().any(|v| !is_plain(v)) || written.join(" ") != *text_line {
            return None;
        }
        read_back.extend(quantities_read_back(&values)?);
        let mut row_cells: Vec<&str> = if j == 0 {
            vec![heading, label]
        } else {
            vec!["", ""]
        };
        row_cells.extend(values.iter().map(String::as_str));
        let line = cells(row_cells);
        if names_period(&line) {
            return None;
        }
        out.push(line);
    }
    (read_back == row.quantities).then_some(out)
}

/// An effects row whose text is quoted, line by line, and whose quantities follow one per
/// line: `⇥\数量⇥label⇥value⇥unit⇥status`.
fn quoted_effect_lines(lines: &mut Vec<String>, heading: &str, label: &str, row: &EffectRow) {
    if row.text.is_empty() {
        lines.push(cells([heading, label]));
    } else {
        for (j, text_line) in row.text.split('\n').enumerate() {
            let quoted = quote(text_line);
            lines.push(if j == 0 {
                cells([heading, label, &quoted])
            } else {
                cells(["", "", &quoted])
            });
        }
    }
    for quantity in &row.quantities {
        let label = if quantity.label.is_empty() || is_plain(&quantity.label) {
            quantity.label.clone()
        } else {
            quote(&quantity.label)
        };
        let value = format_decimal(quantity.value);
        lines.push(cells([
            "",
            QUANTITY,
            &label,
            &value,
            quantity.unit.symbol(),
            quantity.status.map_or("", Status::label),
        ]));
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

/// The quantities the reader takes from the value cells of an effects line, for the two
/// layouts [`effect_cells`] writes (`kaikaku_reader`'s `effects::quantities`): one cell, whose
/// quantities are those found in it, or a label cell (possibly empty) and cells holding one
/// value each, which take the label and its mark. `None` for anything else.
fn quantities_read_back(values: &[String]) -> Option<Vec<Quantity>> {
    let values: Vec<&str> = values.iter().map(String::as_str).collect();
    match values.as_slice() {
        [] => Some(Vec::new()),
        [cell] => Some(scan(cell).into_iter().map(|f| f.quantity).collect()),
        [label, cells @ ..] => {
            let (name, status) = if label.is_empty() {
                (String::new(), None)
            } else if Status::parse_mark(label).is_some() || value_only(label).is_some() {
                return None;
            } else {
                split_status(label)
            };
            cells
                .iter()
                .map(|cell| {
                    let mut quantity = value_only(cell)?;
                    quantity.label.clone_from(&name);
                    quantity.status = quantity.status.or(status);
                    Some(quantity)
                })
                .collect()
        }
    }
}

/// The quantity of a cell that holds nothing but one value (`27,075件`).
fn value_only(cell: &str) -> Option<Quantity> {
    let found = scan(cell);
    let [Found { quantity, span }] = found.as_slice() else {
        return None;
    };
    let edges = cell[..span.start].trim_matches(is_space).is_empty()
        && cell[span.end..].trim_matches(is_space).is_empty();
    edges.then(|| quantity.clone())
}

fn single(line: &str) -> Vec<String> {
    if line.is_empty() {
        Vec::new()
    } else {
        vec![line.to_owned()]
    }
}

/// The first character of a quoted cell.
const QUOTE: char = '\\';

/// The cell that starts an explicit quantity line of an effects row.
const QUANTITY: &str = "\\数量";

/// `text` as a quoted cell: `\`, the text with `\t`, `\n` and `\\` for TAB, line break and
/// backslash, and a closing `\` when it ends in a space.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(QUOTE);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            other => out.push(other),
        }
    }
    if text.ends_with(is_space) {
        out.push(QUOTE);
    }
    out
}

/// A cell of a line being written: layout written as it is, or a field's text, written as it
/// is when `plain` and quoted otherwise.
enum Cell<'a> {
    Fixed(&'a str),
    Text(&'a str, bool),
}

/// The cells as a line. When the unquoted cells together would read as the plan period
/// (`令和2年度～令和4年度`), every text cell is quoted.
fn line_of(row: Vec<Cell<'_>>) -> String {
    let write = |force: bool| -> String {
        let written: Vec<String> = row
            .iter()
            .map(|cell| match cell {
                Cell::Fixed(text) => (*text).to_owned(),
                Cell::Text(text, plain) if *plain && !force => (*text).to_owned(),
                Cell::Text(text, _) => quote(text),
            })
            .collect();
        cells(written.iter().map(String::as_str))
    };
    let line = write(false);
    if names_period(&line) {
        write(true)
    } else {
        line
    }
}

/// True when `text` reads back as itself in a cell: not empty (an empty cell is dropped), no
/// control characters (a TAB splits cells), no spaces at its edges (cells are trimmed), not
/// starting with the quote `\`, and not a label the reader looks for in any cell
/// (`改善スケジュール`).
fn is_plain(text: &str) -> bool {
    // `スケジュール` folds from full-width, half-width or circled katakana.
    let may_be_label = text.contains(['ス', 'ｽ', '㋜']) && label_key(text).contains("スケジュール");
    is_flowing(text) && !text.starts_with(QUOTE) && !may_be_label
}

/// True for a text that reads back as itself first on a line: flowing, not starting with the
/// quote `\`, and not read as an item heading (`No.3`), a bracketed heading or a `担当課：`
/// line, markup, a label of the sheet (…内容, …効果, 目標) or a fiscal year.
fn leads_plainly(text: &str) -> bool {
    let key = label_key(text);
    let departments = text.contains("担当") && text.contains(['：', ':']);
    let effects = key.ends_with("効果") && key.chars().count() <= 12;
    let heading = text.starts_with([QUOTE, '【', '[', '［']) || text.contains('<');
    is_flowing(text)
        && !heading
        && !departments
        && !effects
        && ItemNo::parse_prefix(text, false).is_none()
        && !key.contains("内容")
        && !key.contains("目標")
        && !is_year_label(text)
        && !names_period(text)
}

/// True for a short cell that reads as a fiscal year in some era (`3年度`, `H30`, `令和2年度`).
fn is_year_label(cell: &str) -> bool {
    cell.chars().nth(16).is_none()
        // Folded first: `①`, `⑴` and full-width digits read as numbers too.
        && fold_key(cell)
            .chars()
            .any(|c| digit_value(c).is_some() || c == '元')
        && (FiscalYear::parse(cell, None).is_ok()
            || Era::ALL
                .iter()
                .any(|era| FiscalYear::parse(cell, Some(*era)).is_ok()))
}

/// True when `line` holds two fiscal years written with their eras joined by a dash
/// (`令和2年度～令和4年度`): the reader takes the first such line as the plan period.
fn names_period(line: &str) -> bool {
    if !line.contains(|c| is_range_dash(c) || c == '－') || line.matches("年度").nth(1).is_none()
    {
        return false;
    }
    let mut eras: Vec<Option<Era>> = vec![None];
    eras.extend(Era::ALL.iter().copied().map(Some));
    let line = line.replace('\t', " ");
    eras.into_iter().any(|era| {
        scan_fiscal_years(&line, era).windows(2).any(|pair| {
            let between = &line[pair[0].span.end..pair[1].span.start];
            pair[0].explicit
                && pair[1].explicit
                && !between.is_empty()
                && between
                    .chars()
                    .all(|c| is_range_dash(c) || is_space(c) || c == '－')
        })
    })
}

/// A summary cell that reads back as itself and not as the summary's header (`項目`,
/// `記入担当課`).
fn summary_plain(text: &str) -> bool {
    let key = label_key(text);
    text.is_empty()
        || (is_plain(text) && key != "項目" && key != "取組項目" && !key.ends_with("担当課"))
}

/// Cells joined by TABs, without the empty cells at the end.
fn cells<'a>(cells: impl IntoIterator<Item = &'a str>) -> String {
    let mut cells: Vec<&str> = cells.into_iter().collect();
    while cells.last().is_some_and(|c| c.is_empty()) {
        cells.pop();
    }
    cells.join("\t")
}
