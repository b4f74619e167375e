//! The XLSX workbook: written laid out like the document, and read back.
//!
//! Sheet `一覧` holds the report (title, plan, municipality, report year in 和暦 and 西暦, plan
//! period) and the summary table; one sheet per item (`No.1` …) holds the sheet as the document
//! lays it out, one part per block, each block named in column A: `記入担当課`, `担当課`,
//! `改善・推進の内容` (with the schedule grid under 和暦 year headers), `改善・推進目標`,
//! `主な取組内容`, `各年度の取組内容`, `取組による効果`, `総評`, `再掲`. Each quantity of an
//! effects row is a real number cell with its unit in the number format (`#,##0"千円"`), its
//! label, unit and status in cells of their own; a row with several quantities continues on
//! the next lines with column A left empty. Pages print A4 landscape, fitted to the width.
//!
//! [`read`] reads such a workbook back into a [`Report`] (without source lines or warnings:
//! a workbook has none) or refuses it with every problem found, each naming its sheet and cell.
//! Rows may be added inside a block; empty rows are ignored. The rule for numbers: the text
//! of an effects row is what the department wrote, so a number cell must agree with it — when
//! the row's text states quantities of the cell's unit, one of them must have the cell's value
//! (and that exact decimal is taken, not the cell's binary float); when the text states none,
//! the cell's value is taken as it is. Nothing is ever silently overwritten.
//!
//! Every text is written as a string cell (`write_string`), never through a generic write that
//! could turn `=…` into a formula. A text longer than an Excel cell holds ([`EXCEL_CELL_CHARS`],
//! counted in UTF-16 as Excel counts) is written cut to fit, ending with [`CUT_MARK`], so that
//! an edition stored before field limits existed still exports; [`read`] refuses a cell that
//! carries the mark, so a cut text is never read back as if whole.
//!
//! Reading is safe against hostile workbooks. Before calamine opens anything, the zip is
//! checked against [`WorkbookLimits`] (file size, decompressed size counted while
//! decompressing, cells, shared-string lengths; see `preflight`), and a workbook with external
//! links (`xl/externalLinks/…`, which is also where DDE links live) is refused whole. Formula
//! cells are refused, each named (`No.3!D14: 数式のセルは読み込めません。…`): their cached value
//! may be stale, empty or the result of a link, and a department's figures must be values it
//! typed. Refusing (rather than taking the cached value with a warning) keeps the rule simple:
//! what is read is exactly what the cells say.
//!
//! A dry run compares the workbook's report with the stored one through
//! [`kaikaku_model::workflow::diff_reports`].

use std::borrow::Cow;
use std::fmt;
use std::io::Cursor;

use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};
use kaikaku_model::quantity::{format_decimal, parse_value, scan};
use kaikaku_model::text::{circled, circled_number};
use kaikaku_model::{
    Action, ContentRow, Decimal, EffectRow, Evaluation, FiscalYear, Item, ItemNo,
    LocalGovernmentCode, Municipality, Narrative, NarrativeKind, Quantity, Report, Repost,
    ScheduleCell, Status, SummaryRow, Unit,
};
use rust_xlsxwriter::utility::row_col_to_cell;
use rust_xlsxwriter::{Format, FormatBorder, Url, Workbook, Worksheet, XlsxError};

use crate::ExportError;

mod preflight;

pub use preflight::WorkbookLimits;

/// The most characters an Excel cell holds (UTF-16 code units, as Excel counts them).
pub const EXCEL_CELL_CHARS: usize = 32_767;

/// How a text cut to fit a cell ends. [`read`] refuses a cell that carries it.
pub const CUT_MARK: &str = "…（Excelの1セル32,767文字を超えるため省略。全文は report.txt を参照）";

/// The name of the summary sheet.
pub const SUMMARY_SHEET: &str = "一覧";

/// Labels in column A of the summary sheet.
mod summary {
    pub const TITLE: &str = "表題";
    pub const PLAN: &str = "計画";
    pub const CODE: &str = "地方公共団体コード";
    pub const MUNICIPALITY: &str = "地方公共団体名";
    pub const REPORT_YEAR: &str = "報告年度";
    pub const PERIOD: &str = "計画期間";
    pub const PERIOD_GREGORIAN: &str = "計画期間（西暦）";
    pub const TABLE: &str = "No.";
    pub const TABLE_TITLE: &str = "項目";
    pub const TABLE_DEPARTMENT: &str = "記入担当課";
    pub const TABLE_SHEET: &str = "シート";
}

/// Labels in column A of an item sheet, in sheet order.
mod block {
    pub const REPORTING_DEPARTMENT: &str = "記入担当課";
    pub const DEPARTMENTS: &str = "担当課";
    pub const CONTENTS: &str = "改善・推進の内容";
    pub const GOAL: &str = "改善・推進目標";
    pub const ACTIONS: &str = "主な取組内容";
    pub const NARRATIVES: &str = "各年度の取組内容";
    pub const EFFECTS: &str = "取組による効果";
    pub const EVALUATION: &str = "総評";
    pub const REPOSTS: &str = "再掲";
    /// Every block, in order.
    pub const ALL: [&str; 9] = [
        REPORTING_DEPARTMENT,
        DEPARTMENTS,
        CONTENTS,
        GOAL,
        ACTIONS,
        NARRATIVES,
        EFFECTS,
        EVALUATION,
        REPOSTS,
    ];
    /// The column headers of the narratives block (after column A).
    pub const NARRATIVE_HEADERS: [&str; 2] = ["区分", "内容"];
    /// The column headers of the effects block (after column A).
    pub const EFFECT_HEADERS: [&str; 5] = ["効果", "指標名", "数値", "単位", "状態"];
    /// Column A of the 総計 row.
    pub const TOTAL: &str = "総計";
    /// Column A of an effects row without a fiscal year.
    pub const NO_YEAR: &str = "年度なし";
}

// ---------------------------------------------------------------------------------------------
// Writing

/// `report` as an XLSX workbook: the summary sheet `一覧`, then one sheet per item.
///
/// Refuses (with [`ExportError::Xlsx`]) an edition the workbook could not give back as it is:
/// a schedule whose fiscal years are not the plan period's or a 総計 row with a fiscal year. A
/// text longer than a cell holds is written cut, ending with [`CUT_MARK`].
pub fn write(report: &Report) -> Result<Vec<u8>, ExportError> {
    check_representable(report)?;
    let formats = Formats::new();
    let mut names: Vec<String> = vec![SUMMARY_SHEET.to_owned()];
    for item in &report.items {
        names.push(unique_name(&item.no.to_string(), &names));
    }
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    write_summary(sheet, report, &names[1..], &formats).map_err(xlsx_error)?;
    for (item, name) in report.items.iter().zip(&names[1..]) {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name).map_err(xlsx_error)?;
        write_item(sheet, report, item, &formats).map_err(xlsx_error)?;
    }
    workbook.save_to_buffer().map_err(xlsx_error)
}

fn xlsx_error(error: XlsxError) -> ExportError {
    ExportError::Xlsx(error.to_string())
}

fn check_representable(report: &Report) -> Result<(), ExportError> {
    for item in &report.items {
        for content in &item.contents {
            let years: Vec<FiscalYear> = content.schedule.iter().map(|c| c.fiscal_year).collect();
            if years != report.fiscal_years {
                return Err(ExportError::Xlsx(format!(
                    "{}の改善スケジュールの年度が計画期間と一致しません（「{}」）",
                    item.no, content.text
                )));
            }
        }
        if item
            .effects
            .iter()
            .any(|e| e.is_total && e.fiscal_year.is_some())
        {
            return Err(ExportError::Xlsx(format!(
                "{}の総計の行に年度があります",
                item.no
            )));
        }
    }
    Ok(())
}

/// `No.3`, or `No.3（2）` when an item number repeats.
fn unique_name(base: &str, taken: &[String]) -> String {
    let mut name = base.to_owned();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        name = format!("{base}（{n}）");
        n += 1;
    }
    name
}

struct Formats {
    heading: Format,
    label: Format,
    header: Format,
    text: Format,
    year: Format,
    item_no: Format,
}

impl Formats {
    fn new() -> Formats {
        let bordered = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
        Formats {
            heading: Format::new().set_bold().set_font_size(14),
            label: bordered.clone().set_bold().set_background_color(0xF2F2F2),
            header: bordered.clone().set_bold().set_background_color(0xDDEBF7),
            text: bordered
                .clone()
                .set_align(rust_xlsxwriter::FormatAlign::Top),
            year: bordered.clone().set_num_format("0\"年度\""),
            item_no: bordered.set_num_format("\"No.\"0"),
        }
    }
}

/// `text` as a string cell (never a formula, whatever it begins with), cut to fit.
fn write_text<'a>(
    sheet: &'a mut Worksheet,
    row: u32,
    col: u16,
    text: impl AsRef<str>,
    format: &Format,
) -> Result<&'a mut Worksheet, XlsxError> {
    sheet.write_string_with_format(row, col, fitted(text.as_ref()), format)
}

/// `text` as a cell holds it: whole when it fits in [`EXCEL_CELL_CHARS`] UTF-16 code units,
/// else its beginning (never half a surrogate pair) followed by [`CUT_MARK`].
fn fitted(text: &str) -> Cow<'_, str> {
    if text.encode_utf16().count() <= EXCEL_CELL_CHARS {
        return Cow::Borrowed(text);
    }
    let room = EXCEL_CELL_CHARS - CUT_MARK.encode_utf16().count();
    let mut used = 0;
    let end = text
        .char_indices()
        .find(|(_, c)| {
            used += c.len_utf16();
            used > room
        })
        .map_or(text.len(), |(i, _)| i);
    Cow::Owned(format!("{}{CUT_MARK}", &text[..end]))
}

/// `#,##0"千円"`, `#,##0.0"%"`: separators, as many decimals as the value has, the unit.
fn number_format(value: Decimal, unit: Unit) -> Format {
    let decimals = value.normalize().scale() as usize;
    let fraction = if decimals > 0 {
        format!(".{}", "0".repeat(decimals))
    } else {
        String::new()
    };
    Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format(format!("#,##0{fraction}\"{}\"", unit.symbol()))
}

/// The value as the binary float a number cell holds.
fn to_f64(value: Decimal) -> f64 {
    value.normalize().to_string().parse().unwrap_or(f64::NAN)
}

fn page_setup(sheet: &mut Worksheet) {
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_print_fit_to_pages(1, 0);
}

type Written = Result<(), XlsxError>;

/// The summary sheet; `sheet_names` are the item sheets' names, in item order.
fn write_summary(
    sheet: &mut Worksheet,
    report: &Report,
    sheet_names: &[String],
    f: &Formats,
) -> Written {
    sheet.set_name(SUMMARY_SHEET)?;
    page_setup(sheet);
    sheet.set_column_width(0, 20)?;
    sheet.set_column_width(1, 60)?;
    sheet.set_column_width(2, 30)?;
    sheet.set_column_width(3, 10)?;
    let municipality = report.municipality.as_ref();
    let code = municipality.map(|m| m.code.to_string()).unwrap_or_default();
    let name = municipality.map(|m| m.name.clone()).unwrap_or_default();
    let year = report.report_fiscal_year;
    let labelled = [
        (summary::TITLE, report.title.clone()),
        (summary::PLAN, report.plan_name.clone()),
        (summary::CODE, code),
        (summary::MUNICIPALITY, name),
        (
            summary::REPORT_YEAR,
            year.map(FiscalYear::wareki_label).unwrap_or_default(),
        ),
    ];
    let mut row = 0;
    for (label, value) in labelled {
        write_text(sheet, row, 0, label, &f.label)?;
        write_text(sheet, row, 1, value, &f.text)?;
        row += 1;
    }
    if let Some(year) = year {
        sheet.write_number_with_format(row - 1, 2, year.gregorian(), &f.year)?;
    }
    write_text(sheet, row, 0, summary::PERIOD, &f.label)?;
    write_text(sheet, row + 1, 0, summary::PERIOD_GREGORIAN, &f.label)?;
    for (col, year) in (1..).zip(&report.fiscal_years) {
        write_text(sheet, row, col, year.wareki_label(), &f.text)?;
        sheet.write_number_with_format(row + 1, col, year.gregorian(), &f.year)?;
    }
    row += 3;
    for (col, header) in (0..).zip([
        summary::TABLE,
        summary::TABLE_TITLE,
        summary::TABLE_DEPARTMENT,
        summary::TABLE_SHEET,
    ]) {
        write_text(sheet, row, col, header, &f.header)?;
    }
    for summary_row in &report.summary {
        row += 1;
        sheet.write_number_with_format(row, 0, summary_row.no.0, &f.item_no)?;
        write_text(sheet, row, 1, &summary_row.title, &f.text)?;
        write_text(sheet, row, 2, &summary_row.reporting_department, &f.text)?;
        let item_sheet = report
            .items
            .iter()
            .position(|item| item.no == summary_row.no)
            .and_then(|i| sheet_names.get(i));
        match item_sheet {
            Some(name) => {
                let link = Url::new(format!("internal:'{name}'!A1")).set_text(name);
                sheet.write_url_with_format(row, 3, link, &f.text)?
            }
            None => sheet.write_blank(row, 3, &f.text)?,
        };
    }
    Ok(())
}

fn write_item(sheet: &mut Worksheet, report: &Report, item: &Item, f: &Formats) -> Written {
    page_setup(sheet);
    sheet.set_column_width(0, 24)?;
    sheet.set_column_width(1, 40)?;
    sheet.set_column_width(2, 40)?;
    sheet.set_column_width(3, 16)?;
    for col in 4..8 {
        sheet.set_column_width(col, 12)?;
    }
    write_text(sheet, 0, 0, item.no.to_string(), &f.heading)?;
    write_text(sheet, 0, 1, &item.title, &f.heading)?;
    let mut row = 1;
    write_text(sheet, row, 0, block::REPORTING_DEPARTMENT, &f.label)?;
    let reporting = item.reporting_department.as_deref().unwrap_or_default();
    write_text(sheet, row, 1, reporting, &f.text)?;
    row += 1;
    write_text(sheet, row, 0, block::DEPARTMENTS, &f.label)?;
    for (col, department) in (1..).zip(&item.departments) {
        write_text(sheet, row, col, department, &f.text)?;
    }

    row += 2;
    write_text(sheet, row, 0, block::CONTENTS, &f.header)?;
    for (col, year) in (1..).zip(&report.fiscal_years) {
        write_text(sheet, row, col, year.wareki_label(), &f.header)?;
    }
    for content in &item.contents {
        row += 1;
        write_text(sheet, row, 0, &content.text, &f.text)?;
        for (col, cell) in (1..).zip(&content.schedule) {
            write_text(sheet, row, col, &cell.text, &f.text)?;
        }
    }

    row += 2;
    write_text(sheet, row, 0, block::GOAL, &f.label)?;
    let goal = item.goal.as_deref().unwrap_or_default();
    write_text(sheet, row, 1, goal, &f.text)?;

    row += 2;
    write_text(sheet, row, 0, block::ACTIONS, &f.header)?;
    for action in &item.actions {
        row += 1;
        match circled(action.no) {
            Some(mark) => write_text(sheet, row, 0, mark.to_string(), &f.text)?,
            None => sheet.write_number_with_format(row, 0, action.no, &f.text)?,
        };
        write_text(sheet, row, 1, &action.text, &f.text)?;
    }

    row += 2;
    write_text(sheet, row, 0, block::NARRATIVES, &f.header)?;
    for (col, header) in (1..).zip(block::NARRATIVE_HEADERS) {
        write_text(sheet, row, col, header, &f.header)?;
    }
    for narrative in &item.narratives {
        row += 1;
        let year = narrative.fiscal_year.wareki_label();
        write_text(sheet, row, 0, year, &f.text)?;
        write_text(sheet, row, 1, narrative.kind.label(), &f.text)?;
        write_text(sheet, row, 2, &narrative.text, &f.text)?;
    }

    row += 2;
    write_text(sheet, row, 0, block::EFFECTS, &f.header)?;
    for (col, header) in (1..).zip(block::EFFECT_HEADERS) {
        write_text(sheet, row, col, header, &f.header)?;
    }
    for effect in &item.effects {
        row += 1;
        let year = match (effect.is_total, effect.fiscal_year) {
            (true, _) => block::TOTAL.to_owned(),
            (false, Some(year)) => year.wareki_label(),
            (false, None) => block::NO_YEAR.to_owned(),
        };
        write_text(sheet, row, 0, year, &f.text)?;
        write_text(sheet, row, 1, &effect.text, &f.text)?;
        for (i, quantity) in effect.quantities.iter().enumerate() {
            if i > 0 {
                row += 1;
            }
            write_quantity(sheet, row, quantity, f)?;
        }
    }

    row += 2;
    write_text(sheet, row, 0, block::EVALUATION, &f.label)?;
    if let Some(evaluation) = &item.evaluation {
        let year = evaluation.fiscal_year.wareki_label();
        write_text(sheet, row, 1, year, &f.text)?;
        write_text(sheet, row, 2, &evaluation.text, &f.text)?;
    }

    row += 1;
    write_text(sheet, row, 0, block::REPOSTS, &f.label)?;
    for (col, repost) in (1..).zip(&item.reposts) {
        write_text(sheet, row, col, repost.item_no.to_string(), &f.text)?;
    }
    Ok(())
}

fn write_quantity(sheet: &mut Worksheet, row: u32, quantity: &Quantity, f: &Formats) -> Written {
    write_text(sheet, row, 2, &quantity.label, &f.text)?;
    let format = number_format(quantity.value, quantity.unit);
    sheet.write_number_with_format(row, 3, to_f64(quantity.value), &format)?;
    write_text(sheet, row, 4, quantity.unit.symbol(), &f.text)?;
    let status = quantity.status.map(Status::label).unwrap_or_default();
    write_text(sheet, row, 5, status, &f.text)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Reading

/// One problem in a workbook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkbookError {
    /// The sheet, empty for the file as a whole.
    pub sheet: String,
    /// The cell in A1 notation, if the problem has one.
    pub cell: Option<String>,
    /// What is wrong, in Japanese.
    pub message: String,
}

impl fmt::Display for WorkbookError {
    /// `No.3!D14: 数値ではありません（「12,0O0」）`, `No.3: …`, `ブック: …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.sheet.as_str(), &self.cell) {
            ("", _) => write!(f, "ブック: {}", self.message),
            (sheet, Some(cell)) => write!(f, "{sheet}!{cell}: {}", self.message),
            (sheet, None) => write!(f, "{sheet}: {}", self.message),
        }
    }
}

/// Every problem that stopped a workbook from being read, in sheet and row order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkbookErrors(pub Vec<WorkbookError>);

impl fmt::Display for WorkbookErrors {
    /// One problem per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for WorkbookErrors {}

/// Reads a workbook written by [`write()`] (and possibly edited) back into a report.
///
/// Returns a report only when the whole workbook is valid; otherwise every problem found,
/// each with its sheet and cell. Source lines are 0 and there are no warnings. Before anything
/// is opened the zip is checked against `limits` (and refused with one message naming the part
/// and the limit passed), and a workbook with external links or DDE links is refused whole;
/// formula cells and cells carrying [`CUT_MARK`] are refused, each named.
pub fn read(bytes: &[u8], limits: &WorkbookLimits) -> Result<Report, WorkbookErrors> {
    let whole = |message: String| {
        WorkbookErrors(vec![WorkbookError {
            sheet: String::new(),
            cell: None,
            message,
        }])
    };
    preflight::check(bytes, limits).map_err(|refusal| whole(refusal.0))?;
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| whole(format!("XLSXとして読めません（{e}）")))?;
    let mut errors = Vec::new();
    let mut sheets = Vec::new();
    for name in workbook.sheet_names() {
        match workbook.worksheet_range(&name) {
            Ok(range) => sheets.push(Sheet { name, range }),
            Err(e) => errors.push(WorkbookError {
                sheet: name,
                cell: None,
                message: format!("シートを読めません（{e}）"),
            }),
        }
    }
    let mut log = Log::default();
    for sheet in &sheets {
        match workbook.worksheet_formula(&sheet.name) {
            Ok(formulas) => {
                let (top, left) = formulas.start().unwrap_or((0, 0));
                for (row, col, formula) in formulas.used_cells() {
                    if !formula.is_empty() {
                        let (row, col) = (top + row as u32, left + col as u32);
                        log.at(sheet, row, col, FORMULA_REFUSED.into());
                    }
                }
            }
            Err(e) => log.sheet(sheet, format!("数式を確かめられません（{e}）")),
        }
        let (top, left) = sheet.range.start().unwrap_or((0, 0));
        for (row, col, cell) in sheet.range.used_cells() {
            if matches!(cell, Data::String(s) if s.contains(CUT_MARK)) {
                let (row, col) = (top + row as u32, left + col as u32);
                log.at(sheet, row, col, CUT_REFUSED.into());
            }
        }
    }
    errors.append(&mut log.errors);
    let Some(summary_sheet) = sheets.iter().find(|s| s.name == SUMMARY_SHEET) else {
        errors.push(WorkbookError {
            sheet: String::new(),
            cell: None,
            message: format!("「{SUMMARY_SHEET}」シートがありません"),
        });
        return Err(WorkbookErrors(errors));
    };
    let mut log = Log::default();
    let mut report = read_summary(summary_sheet, &mut log);
    for sheet in sheets.iter().filter(|s| s.name != SUMMARY_SHEET) {
        if let Some(item) = read_item(sheet, &report.fiscal_years, &mut log) {
            report.items.push(item);
        }
    }
    for (_, row) in summary_rows(summary_sheet) {
        let Some(name) = log.optional_text(summary_sheet, row, 3) else {
            continue;
        };
        if !sheets
            .iter()
            .any(|s| s.name == name && s.name != SUMMARY_SHEET)
        {
            log.at(
                summary_sheet,
                row,
                3,
                format!("シート「{name}」がありません"),
            );
        }
    }
    errors.extend(log.errors);
    if errors.is_empty() {
        Ok(report)
    } else {
        Err(WorkbookErrors(errors))
    }
}

/// A formula cell, refused.
const FORMULA_REFUSED: &str = "数式のセルは読み込めません。値を入力してください。";

/// A cell that holds a text cut by [`write()`], refused.
const CUT_REFUSED: &str = "Excelの1セルの上限を超えたため途中で省略された文字です。\
                           省略されていない全文を入力してください。";

/// A sheet's cells.
struct Sheet {
    name: String,
    range: Range<Data>,
}

static EMPTY: Data = Data::Empty;

impl Sheet {
    fn cell(&self, row: u32, col: u32) -> &Data {
        self.range.get_value((row, col)).unwrap_or(&EMPTY)
    }

    fn is_blank(&self, row: u32, col: u32) -> bool {
        match self.cell(row, col) {
            Data::Empty => true,
            Data::String(s) => s.is_empty(),
            _ => false,
        }
    }

    fn last_row(&self) -> Option<u32> {
        self.range.end().map(|(row, _)| row)
    }

    fn last_col(&self) -> u32 {
        self.range.end().map_or(0, |(_, col)| col)
    }

    fn row_is_blank(&self, row: u32, from_col: u32) -> bool {
        (from_col..=self.last_col()).all(|col| self.is_blank(row, col))
    }

    /// The first row whose column A is `label` (spaces around it ignored).
    fn find(&self, label: &str) -> Option<u32> {
        let last = self.last_row()?;
        (0..=last).find(|row| matches!(self.cell(*row, 0), Data::String(s) if s.trim() == label))
    }
}

/// The problems found so far.
#[derive(Default)]
struct Log {
    errors: Vec<WorkbookError>,
}

impl Log {
    fn at(&mut self, sheet: &Sheet, row: u32, col: u32, message: String) {
        self.errors.push(WorkbookError {
            sheet: sheet.name.clone(),
            cell: Some(row_col_to_cell(row, col as u16)),
            message,
        });
    }

    fn sheet(&mut self, sheet: &Sheet, message: String) {
        self.errors.push(WorkbookError {
            sheet: sheet.name.clone(),
            cell: None,
            message,
        });
    }

    /// The cell as text: strings as they are, numbers as their digits; `None` (and an error)
    /// for anything else.
    fn text(&mut self, sheet: &Sheet, row: u32, col: u32) -> Option<String> {
        match sheet.cell(row, col) {
            Data::Empty => Some(String::new()),
            Data::String(s) => Some(s.clone()),
            Data::Int(n) => Some(n.to_string()),
            Data::Float(x) => Some(x.to_string()),
            other => {
                self.at(sheet, row, col, format!("文字として読めません（{other}）"));
                None
            }
        }
    }

    /// The cell as text, empty meaning absent.
    fn optional_text(&mut self, sheet: &Sheet, row: u32, col: u32) -> Option<String> {
        self.text(sheet, row, col).filter(|t| !t.is_empty())
    }

    /// A fiscal year written as 和暦 (`令和3年度`) or Gregorian (`2021年度`).
    fn year(&mut self, sheet: &Sheet, row: u32, col: u32) -> Option<FiscalYear> {
        let text = self.text(sheet, row, col)?;
        if text.trim().is_empty() {
            self.at(sheet, row, col, "年度がありません".into());
            return None;
        }
        match FiscalYear::parse(&text, None) {
            Ok(year) => Some(year),
            Err(e) => {
                self.at(sheet, row, col, e.to_string());
                None
            }
        }
    }

    /// A number cell; `None` (and an error) for text or anything else.
    fn number(&mut self, sheet: &Sheet, row: u32, col: u32) -> Option<f64> {
        match sheet.cell(row, col) {
            Data::Float(x) => Some(*x),
            Data::Int(n) => Some(*n as f64),
            Data::DateTime(d) => Some(d.as_f64()),
            Data::Empty => {
                self.at(sheet, row, col, "数値がありません".into());
                None
            }
            Data::String(s) => {
                self.at(sheet, row, col, format!("数値ではありません（「{s}」）"));
                None
            }
            other => {
                self.at(sheet, row, col, format!("数値ではありません（{other}）"));
                None
            }
        }
    }

    /// A whole number in `range`.
    fn whole<T: TryFrom<i64>>(&mut self, sheet: &Sheet, row: u32, col: u32) -> Option<T> {
        let x = self.number(sheet, row, col)?;
        let whole = (x.fract() == 0.0 && x.abs() < 1e15)
            .then_some(x as i64)
            .and_then(|n| T::try_from(n).ok());
        if whole.is_none() {
            self.at(sheet, row, col, format!("番号として読めません（{x}）"));
        }
        whole
    }

    /// An item number written `No.3`.
    fn item_no(&mut self, sheet: &Sheet, row: u32, col: u32) -> Option<ItemNo> {
        let text = self.text(sheet, row, col)?;
        let trimmed = text.trim();
        match ItemNo::parse_prefix(trimmed, false) {
            Some((no, len)) if len == trimmed.len() => Some(no),
            _ => {
                let message = format!("項目番号（No.3 のような形）として読めません（「{text}」）");
                self.at(sheet, row, col, message);
                None
            }
        }
    }
}

fn read_summary(sheet: &Sheet, log: &mut Log) -> Report {
    let mut report = Report::default();
    let labelled = |log: &mut Log, label: &str| -> Option<u32> {
        let row = sheet.find(label);
        if row.is_none() {
            log.sheet(sheet, format!("「{label}」の行（A列）がありません"));
        }
        row
    };
    if let Some(row) = labelled(log, summary::TITLE) {
        report.title = log.text(sheet, row, 1).unwrap_or_default();
    }
    if let Some(row) = labelled(log, summary::PLAN) {
        report.plan_name = log.text(sheet, row, 1).unwrap_or_default();
    }
    let code = labelled(log, summary::CODE).map(|row| (row, log.text(sheet, row, 1)));
    let name = labelled(log, summary::MUNICIPALITY).map(|row| (row, log.text(sheet, row, 1)));
    if let (Some((code_row, Some(code))), Some((name_row, Some(name)))) = (code, name) {
        report.municipality = match (code.trim(), name.trim()) {
            ("", "") => None,
            ("", _) => {
                log.at(sheet, code_row, 1, "地方公共団体コードがありません".into());
                None
            }
            (_, "") => {
                log.at(sheet, name_row, 1, "地方公共団体名がありません".into());
                None
            }
            (code, _) => match LocalGovernmentCode::parse(code) {
                Ok(code) => Some(Municipality { code, name }),
                Err(e) => {
                    log.at(sheet, code_row, 1, e.to_string());
                    None
                }
            },
        };
    }
    if let Some(row) = labelled(log, summary::REPORT_YEAR) {
        report.report_fiscal_year = if sheet.is_blank(row, 1) && sheet.is_blank(row, 2) {
            None
        } else {
            year_with_gregorian(sheet, log, row, 1, row, 2)
        };
    }
    let period = labelled(log, summary::PERIOD);
    let gregorian = labelled(log, summary::PERIOD_GREGORIAN);
    if let (Some(row), Some(gregorian_row)) = (period, gregorian) {
        let mut col = 1;
        while !sheet.is_blank(row, col) || !sheet.is_blank(gregorian_row, col) {
            if let Some(year) = year_with_gregorian(sheet, log, row, col, gregorian_row, col) {
                report.fiscal_years.push(year);
            }
            col += 1;
        }
    }
    for (_, row) in summary_rows(sheet) {
        let no = log.whole::<u32>(sheet, row, 0).map(ItemNo);
        let title = log.text(sheet, row, 1);
        let department = log.text(sheet, row, 2);
        if let (Some(no), Some(title), Some(reporting_department)) = (no, title, department) {
            report.summary.push(SummaryRow {
                no,
                title,
                reporting_department,
                line: 0,
            });
        }
    }
    if sheet.find(summary::TABLE).is_none() {
        log.sheet(
            sheet,
            format!("「{}」の見出し行（A列）がありません", summary::TABLE),
        );
    }
    report
}

/// The non-blank rows under the summary table's header, with their index among them.
fn summary_rows(sheet: &Sheet) -> Vec<(usize, u32)> {
    let (Some(header), Some(last)) = (sheet.find(summary::TABLE), sheet.last_row()) else {
        return Vec::new();
    };
    (header + 1..=last)
        .filter(|row| !sheet.row_is_blank(*row, 0))
        .enumerate()
        .collect()
}

/// A 和暦 year cell with its Gregorian number cell, which must agree when given.
fn year_with_gregorian(
    sheet: &Sheet,
    log: &mut Log,
    row: u32,
    col: u32,
    gregorian_row: u32,
    gregorian_col: u32,
) -> Option<FiscalYear> {
    let year = log.year(sheet, row, col)?;
    if sheet.is_blank(gregorian_row, gregorian_col) {
        return Some(year);
    }
    let gregorian = log.whole::<i32>(sheet, gregorian_row, gregorian_col)?;
    if gregorian != year.gregorian() {
        let message = format!(
            "西暦{gregorian}年度が和暦「{}」（{}年度）と一致しません",
            year.wareki_label(),
            year.gregorian()
        );
        log.at(sheet, gregorian_row, gregorian_col, message);
    }
    Some(year)
}

/// Where each block label sits in column A of an item sheet.
struct Blocks {
    rows: Vec<(&'static str, u32)>,
    last_row: u32,
}

impl Blocks {
    fn find(sheet: &Sheet, log: &mut Log) -> Option<Blocks> {
        let mut rows = Vec::new();
        let mut from = 1;
        let last_row = sheet.last_row().unwrap_or(0);
        for label in block::ALL {
            let found = (from..=last_row)
                .find(|row| matches!(sheet.cell(*row, 0), Data::String(s) if s.trim() == label));
            match found {
                Some(row) => {
                    rows.push((label, row));
                    from = row + 1;
                }
                None => log.sheet(sheet, format!("「{label}」の行（A列）がありません")),
            }
        }
        (rows.len() == block::ALL.len()).then_some(Blocks { rows, last_row })
    }

    fn row(&self, label: &str) -> u32 {
        self.rows
            .iter()
            .find(|(l, _)| *l == label)
            .map_or(0, |(_, row)| *row)
    }

    /// The non-blank rows after the block's label row, up to the next block.
    fn body(&self, sheet: &Sheet, label: &str) -> Vec<u32> {
        let start = self.row(label) + 1;
        let end = self
            .rows
            .iter()
            .map(|(_, row)| *row)
            .filter(|row| *row >= start)
            .min()
            .unwrap_or(self.last_row + 1);
        (start..end)
            .filter(|row| !sheet.row_is_blank(*row, 0))
            .collect()
    }
}

fn read_item(sheet: &Sheet, plan_years: &[FiscalYear], log: &mut Log) -> Option<Item> {
    let no = log.item_no(sheet, 0, 0);
    let title = log.text(sheet, 0, 1);
    let blocks = Blocks::find(sheet, log)?;
    let mut item = Item {
        no: no.unwrap_or_default(),
        title: title.unwrap_or_default(),
        ..Item::default()
    };
    let row = blocks.row(block::REPORTING_DEPARTMENT);
    item.reporting_department = log.optional_text(sheet, row, 1);
    let row = blocks.row(block::DEPARTMENTS);
    for col in 1..=sheet.last_col() {
        if let Some(department) = log.optional_text(sheet, row, col) {
            item.departments.push(department);
        }
    }
    for label in [block::REPORTING_DEPARTMENT, block::DEPARTMENTS, block::GOAL] {
        for row in blocks.body(sheet, label) {
            log.at(
                sheet,
                row,
                0,
                format!("「{label}」の後に余分な行があります"),
            );
        }
    }
    item.contents = read_contents(sheet, &blocks, plan_years, log);
    item.goal = log.optional_text(sheet, blocks.row(block::GOAL), 1);
    item.actions = read_actions(sheet, &blocks, log);
    item.narratives = read_narratives(sheet, &blocks, log);
    item.effects = read_effects(sheet, &blocks, log);
    let row = blocks.row(block::EVALUATION);
    item.evaluation = if sheet.is_blank(row, 1) && sheet.is_blank(row, 2) {
        None
    } else {
        let year = log.year(sheet, row, 1);
        let text = log.text(sheet, row, 2);
        year.zip(text).map(|(fiscal_year, text)| Evaluation {
            fiscal_year,
            text,
            line: 0,
        })
    };
    for row in blocks.body(sheet, block::EVALUATION) {
        if row < blocks.row(block::REPOSTS) {
            log.at(sheet, row, 0, "「総評」の後に余分な行があります".into());
        }
    }
    let row = blocks.row(block::REPOSTS);
    for col in 1..=sheet.last_col() {
        if sheet.is_blank(row, col) {
            continue;
        }
        if let Some(item_no) = log.item_no(sheet, row, col) {
            item.reposts.push(Repost { item_no });
        }
    }
    for row in blocks.body(sheet, block::REPOSTS) {
        log.at(sheet, row, 0, "「再掲」の後に余分な行があります".into());
    }
    Some(item)
}

fn read_contents(
    sheet: &Sheet,
    blocks: &Blocks,
    plan_years: &[FiscalYear],
    log: &mut Log,
) -> Vec<ContentRow> {
    let header = blocks.row(block::CONTENTS);
    let mut years = Vec::new();
    let mut col = 1;
    while !sheet.is_blank(header, col) {
        if let Some(year) = log.year(sheet, header, col) {
            if plan_years.contains(&year) {
                years.push(year);
            } else {
                let message = format!(
                    "{}は計画期間（{}「{}」）にない年度です",
                    year.wareki_label(),
                    SUMMARY_SHEET,
                    summary::PERIOD
                );
                log.at(sheet, header, col, message);
            }
        }
        col += 1;
    }
    if years.len() + 1 != col as usize {
        return Vec::new();
    }
    if years != plan_years {
        let message = format!(
            "改善スケジュールの年度が計画期間（{}）と一致しません",
            plan_years
                .iter()
                .map(|y| y.wareki_label())
                .collect::<Vec<_>>()
                .join("・")
        );
        log.at(sheet, header, 1, message);
        return Vec::new();
    }
    let mut contents = Vec::new();
    for row in blocks.body(sheet, block::CONTENTS) {
        for extra in col..=sheet.last_col() {
            if !sheet.is_blank(row, extra) {
                let message = "改善スケジュールの年度の列の外に値があります".into();
                log.at(sheet, row, extra, message);
            }
        }
        let text = log.text(sheet, row, 0);
        let cells: Option<Vec<ScheduleCell>> = (1..)
            .zip(&years)
            .map(|(col, year)| {
                let text = log.text(sheet, row, col)?;
                Some(ScheduleCell::read(*year, &text))
            })
            .collect();
        if let (Some(text), Some(schedule)) = (text, cells) {
            contents.push(ContentRow {
                text,
                schedule,
                line: 0,
            });
        }
    }
    contents
}

fn read_actions(sheet: &Sheet, blocks: &Blocks, log: &mut Log) -> Vec<Action> {
    let mut actions = Vec::new();
    for row in blocks.body(sheet, block::ACTIONS) {
        let no = match sheet.cell(row, 0) {
            Data::String(s) => {
                let mut chars = s.trim().chars();
                let no = chars.next().and_then(circled_number);
                if no.is_none() || chars.next().is_some() {
                    let message = format!("取組の番号（①など）として読めません（「{s}」）");
                    log.at(sheet, row, 0, message);
                }
                no
            }
            _ => log.whole::<u8>(sheet, row, 0),
        };
        let text = log.text(sheet, row, 1);
        if let (Some(no), Some(text)) = (no, text) {
            actions.push(Action { no, text });
        }
    }
    actions
}

fn read_narratives(sheet: &Sheet, blocks: &Blocks, log: &mut Log) -> Vec<Narrative> {
    let mut narratives = Vec::new();
    for row in blocks.body(sheet, block::NARRATIVES) {
        let year = log.year(sheet, row, 0);
        let kind = log.text(sheet, row, 1).and_then(|word| {
            let kind = NarrativeKind::ALL
                .into_iter()
                .find(|k| k.label() == word.trim());
            if kind.is_none() {
                let message = format!("区分は実績・見込み・計画のいずれかです（「{word}」）");
                log.at(sheet, row, 1, message);
            }
            kind
        });
        let text = log.text(sheet, row, 2);
        if let (Some(fiscal_year), Some(kind), Some(text)) = (year, kind, text) {
            narratives.push(Narrative {
                fiscal_year,
                kind,
                text,
                line: 0,
            });
        }
    }
    narratives
}

/// Column of the effects block.
mod effect_col {
    pub const YEAR: u32 = 0;
    pub const TEXT: u32 = 1;
    pub const LABEL: u32 = 2;
    pub const VALUE: u32 = 3;
    pub const UNIT: u32 = 4;
    pub const STATUS: u32 = 5;
}

fn read_effects(sheet: &Sheet, blocks: &Blocks, log: &mut Log) -> Vec<EffectRow> {
    use effect_col::*;
    let mut effects: Vec<Option<EffectRow>> = Vec::new();
    for row in blocks.body(sheet, block::EFFECTS) {
        if sheet.is_blank(row, YEAR) {
            if effects.is_empty() {
                log.at(sheet, row, YEAR, "年度（または総計）がありません".into());
                continue;
            }
            if !sheet.is_blank(row, TEXT) {
                let message =
                    "続きの行（A列が空）に効果の記述があります。年度（または総計）を入れてください"
                        .into();
                log.at(sheet, row, TEXT, message);
            }
        } else {
            let year = match log.text(sheet, row, YEAR).as_deref().map(str::trim) {
                Some(block::TOTAL) => Some((None, true)),
                Some(block::NO_YEAR) => Some((None, false)),
                Some(_) => log.year(sheet, row, YEAR).map(|y| (Some(y), false)),
                None => None,
            };
            let text = log.text(sheet, row, TEXT);
            effects.push(
                year.zip(text)
                    .map(|((fiscal_year, is_total), text)| EffectRow {
                        fiscal_year,
                        is_total,
                        text,
                        quantities: Vec::new(),
                        line: 0,
                    }),
            );
        }
        let quantity_cells = [LABEL, VALUE, UNIT, STATUS];
        if quantity_cells.iter().all(|col| sheet.is_blank(row, *col)) {
            continue;
        }
        let quantity = read_quantity(sheet, row, effects.last().and_then(Option::as_ref), log);
        if let (Some(Some(effect)), Some(quantity)) = (effects.last_mut(), quantity) {
            effect.quantities.push(quantity);
        }
    }
    effects.into_iter().flatten().collect()
}

fn read_quantity(
    sheet: &Sheet,
    row: u32,
    effect: Option<&EffectRow>,
    log: &mut Log,
) -> Option<Quantity> {
    use effect_col::*;
    let label = log.text(sheet, row, LABEL);
    let cell = log.number(sheet, row, VALUE);
    let unit = log.text(sheet, row, UNIT).and_then(|text| {
        let unit = Unit::parse(&text);
        if unit.is_none() {
            let message = if text.trim().is_empty() {
                "単位がありません".to_owned()
            } else {
                format!("単位として読めません（「{text}」）")
            };
            log.at(sheet, row, UNIT, message);
        }
        unit
    });
    let status = log.text(sheet, row, STATUS).and_then(|word| {
        if word.trim().is_empty() {
            return Some(None);
        }
        let status = Status::from_word(&word);
        if status.is_none() {
            let message = format!("状態は実績・計画・目標・見込みのいずれかです（「{word}」）");
            log.at(sheet, row, STATUS, message);
        }
        status.map(Some)
    });
    let (label, cell, unit, status) = (label?, cell?, unit?, status?);
    let text = effect.map(|e| e.text.as_str()).unwrap_or_default();
    let written: Vec<Decimal> = scan(text)
        .into_iter()
        .map(|found| found.quantity)
        .filter(|q| q.unit == unit)
        .map(|q| q.value)
        .collect();
    let value = match written.iter().find(|v| to_f64(**v) == cell) {
        Some(value) => *value,
        None if written.is_empty() => match parse_value(&cell.to_string()) {
            Some(value) => value,
            None => {
                log.at(sheet, row, VALUE, format!("数値として読めません（{cell}）"));
                return None;
            }
        },
        None => {
            let shown = parse_value(&cell.to_string()).map_or(cell.to_string(), format_decimal);
            let message = format!(
                "数値 {shown}{unit} が効果の記述「{text}」と一致しません（記述では {}）。\
                 どちらかを直してください",
                written
                    .iter()
                    .map(|v| format!("{}{unit}", format_decimal(*v)))
                    .collect::<Vec<_>>()
                    .join("、")
            );
            log.at(sheet, row, VALUE, message);
            return None;
        }
    };
    Some(Quantity {
        label,
        value,
        unit,
        status,
    })
}
