//! Open-data CSV following the national rules for machine-readable tables (総務省
//! 「統一ルール」): UTF-8 (a BOM only on request), CRLF, one header row, one value per cell,
//! every row repeating its keys (地方公共団体コード, 団体名, plan, report year, item), numbers
//! as plain numbers with the unit in its own column, fiscal years as Gregorian years with the
//! 和暦 beside them, and no line breaks inside cells (they become spaces).
//!
//! Every cell is a [`Cell`]: a text or a number. A text that begins with `=`, `+`, `-`, `@`,
//! TAB or CR would be taken for a formula by a spreadsheet (OWASP "CSV Injection"), so it is
//! written with a leading `'` (and quoted by RFC 4180 where needed); a number is always written
//! as it is (`-350`). This is decided in one place, [`Cell`], for every table written here.
//!
//! [`validate`] checks a CSV against those rules; the tests run it on every table written.
//! The columns are documented for citizens in `docs/open-data.md`.

use std::fmt;

use kaikaku_model::text::is_nothing;
use kaikaku_model::{
    Decimal, FiscalYear, Item, LocalGovernmentCode, Municipality, Report, ScheduleCell,
};

use crate::ExportError;

/// The tables of the open data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    /// One row per item × effect row × quantity.
    Figures,
    /// One row per item.
    Items,
    /// One row per item × department in charge (担当課).
    Departments,
}

impl Table {
    /// Every table, in the order they are offered.
    pub const ALL: [Table; 3] = [Table::Figures, Table::Items, Table::Departments];

    /// The file name (`figures.csv`).
    pub fn file_name(self) -> &'static str {
        match self {
            Table::Figures => "figures.csv",
            Table::Items => "items.csv",
            Table::Departments => "departments.csv",
        }
    }

    /// The Japanese name shown on pages (`数値データ`).
    pub fn label(self) -> &'static str {
        match self {
            Table::Figures => "数値データ",
            Table::Items => "項目一覧",
            Table::Departments => "担当課一覧",
        }
    }

    /// The header row.
    pub fn columns(self) -> Vec<&'static str> {
        let own: &[&str] = match self {
            Table::Figures => &[
                col::CATEGORY,
                col::YEAR,
                col::YEAR_WAREKI,
                col::LABEL,
                col::VALUE,
                col::UNIT,
                col::YEN,
                col::STATUS,
                col::TEXT,
                col::SOURCE_LINE,
            ],
            Table::Items => &[
                col::REPORTING_DEPARTMENT,
                col::DEPARTMENT_COUNT,
                col::GOAL,
                col::CONTENT_COUNT,
                col::ACTION_COUNT,
                col::PHASE,
                col::EFFECT_ROW_COUNT,
                col::QUANTITY_COUNT,
                col::EVALUATION,
            ],
            Table::Departments => &[col::DEPARTMENT_ORDER, col::DEPARTMENT],
        };
        KEY_COLUMNS.iter().chain(own).copied().collect()
    }
}

/// Column names, shared by the writer and the validator.
pub mod col {
    /// 全国地方公共団体コード (six digits with check digit).
    pub const CODE: &str = "地方公共団体コード";
    /// The municipality's name.
    pub const MUNICIPALITY: &str = "地方公共団体名";
    /// The plan's name.
    pub const PLAN: &str = "計画名";
    /// The report's fiscal year, Gregorian.
    pub const REPORT_YEAR: &str = "報告年度（西暦）";
    /// The report's fiscal year, 和暦.
    pub const REPORT_YEAR_WAREKI: &str = "報告年度（和暦）";
    /// The item number.
    pub const ITEM_NO: &str = "項目番号";
    /// The item title.
    pub const ITEM_TITLE: &str = "項目名";
    /// 年度 for a fiscal-year row, 総計 for the total row.
    pub const CATEGORY: &str = "区分";
    /// The row's fiscal year, Gregorian (empty on 総計 rows).
    pub const YEAR: &str = "年度（西暦）";
    /// The row's fiscal year, 和暦 (empty on 総計 rows).
    pub const YEAR_WAREKI: &str = "年度（和暦）";
    /// What the value measures, as the document labels it.
    pub const LABEL: &str = "指標名";
    /// The value as written, as a plain number.
    pub const VALUE: &str = "値";
    /// The unit of the value.
    pub const UNIT: &str = "単位";
    /// The value in yen, for money.
    pub const YEN: &str = "円換算値";
    /// 実績, 計画, 目標 or 見込み.
    pub const STATUS: &str = "状態";
    /// The effects row as written.
    pub const TEXT: &str = "効果の記述";
    /// The line of the row in the source document.
    pub const SOURCE_LINE: &str = "原文の行";
    /// The department that fills in the sheet.
    pub const REPORTING_DEPARTMENT: &str = "記入担当課";
    /// How many departments are in charge.
    pub const DEPARTMENT_COUNT: &str = "担当課の数";
    /// 改善・推進目標.
    pub const GOAL: &str = "改善・推進目標";
    /// How many improvement contents.
    pub const CONTENT_COUNT: &str = "改善・推進の内容の数";
    /// How many main actions.
    pub const ACTION_COUNT: &str = "主な取組の数";
    /// The phases the schedule gives for the report year.
    pub const PHASE: &str = "報告年度の段階";
    /// How many effects rows.
    pub const EFFECT_ROW_COUNT: &str = "効果の行数";
    /// How many values the effects rows state.
    pub const QUANTITY_COUNT: &str = "数値の数";
    /// 総評.
    pub const EVALUATION: &str = "総評";
    /// The department's place in the item's list.
    pub const DEPARTMENT_ORDER: &str = "担当課の順番";
    /// A department in charge.
    pub const DEPARTMENT: &str = "担当課";
}

/// The keys every row repeats.
const KEY_COLUMNS: [&str; 7] = [
    col::CODE,
    col::MUNICIPALITY,
    col::PLAN,
    col::REPORT_YEAR,
    col::REPORT_YEAR_WAREKI,
    col::ITEM_NO,
    col::ITEM_TITLE,
];

/// Columns that hold plain numbers (or nothing).
const NUMERIC_COLUMNS: [&str; 11] = [
    col::REPORT_YEAR,
    col::ITEM_NO,
    col::YEAR,
    col::VALUE,
    col::YEN,
    col::SOURCE_LINE,
    col::DEPARTMENT_COUNT,
    col::CONTENT_COUNT,
    col::ACTION_COUNT,
    col::EFFECT_ROW_COUNT,
    col::QUANTITY_COUNT,
];

/// `区分` of a fiscal-year row.
const CATEGORY_YEAR: &str = "年度";
/// `区分` of the 総計 row.
const CATEGORY_TOTAL: &str = "総計";
/// `区分` of a row the document gives no fiscal year.
const CATEGORY_NO_YEAR: &str = "年度不明";

/// The first characters that make a spreadsheet read a cell as a formula (OWASP "CSV
/// Injection"): `=`, `+`, `-`, `@`, TAB and CR.
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// What is put before a text that begins with one of [`FORMULA_STARTS`], so that spreadsheets
/// show it as text.
pub const TEXT_MARK: char = '\'';

/// One cell of a CSV written here: a text (neutralised against formula injection when
/// written) or a plain number (written as it is). A number can only be made from a number
/// type, so no text ever escapes the neutralising as a "number".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell(CellKind);

#[derive(Clone, Debug, PartialEq, Eq)]
enum CellKind {
    Text(String),
    Number(String),
}

impl Cell {
    /// A text cell. When written, line breaks become spaces and a text beginning with one of
    /// [`FORMULA_STARTS`] gets a leading [`TEXT_MARK`] (`=1+1` → `'=1+1`).
    pub fn text(text: impl Into<String>) -> Cell {
        Cell(CellKind::Text(text.into()))
    }

    /// An empty cell (a number or text that is not there).
    pub fn empty() -> Cell {
        Cell::text(String::new())
    }

    /// A number cell, written plain: no separators, `-` for negatives, no exponent.
    pub fn number(value: impl PlainNumber) -> Cell {
        Cell(CellKind::Number(value.plain()))
    }

    /// The cell as it is written in the file (before RFC 4180 quoting).
    pub fn written(&self) -> String {
        match &self.0 {
            CellKind::Number(digits) => digits.clone(),
            CellKind::Text(text) => one_line(neutralised(text)),
        }
    }
}

/// A number type a [`Cell::number`] is made from.
pub trait PlainNumber {
    /// The number without separators or exponent (`-350`, `41.2`).
    fn plain(&self) -> String;
}

macro_rules! plain_integers {
    ($($t:ty),*) => {$(
        impl PlainNumber for $t {
            fn plain(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
plain_integers!(u8, u16, u32, u64, usize, i8, i16, i32, i64);

impl PlainNumber for Decimal {
    fn plain(&self) -> String {
        self.normalize().to_string()
    }
}

/// `text` with [`TEXT_MARK`] before it when it begins like a formula.
fn neutralised(text: &str) -> String {
    if text.starts_with(FORMULA_STARTS) {
        format!("{TEXT_MARK}{text}")
    } else {
        text.to_owned()
    }
}

/// Whether `cell` (as read from a file) would be taken for a formula.
fn looks_like_formula(cell: &str) -> bool {
    cell.starts_with(FORMULA_STARTS)
}

/// How the CSV is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CsvOptions {
    /// Start with a UTF-8 byte order mark, for Excel.
    pub bom: bool,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// `table` of `report` as CSV.
///
/// Fails with [`ExportError::NoMunicipality`] when the plan's municipality is not recorded and
/// [`ExportError::NoReportYear`] when the report's fiscal year is unknown: open data names both
/// on every row.
pub fn write(report: &Report, table: Table, options: CsvOptions) -> Result<Vec<u8>, ExportError> {
    write_all(std::slice::from_ref(report), table, options)
}

/// `table` of several reports as one CSV (one header, then each report's rows in the order
/// given): a municipality's plans and years, or every municipality's, in one file. Every row
/// names its municipality, plan and year, so the rows of different reports never mix up.
///
/// Fails as [`write`] does, for the first report that lacks its municipality or year, before
/// anything is written.
pub fn write_all(
    reports: &[Report],
    table: Table,
    options: CsvOptions,
) -> Result<Vec<u8>, ExportError> {
    let keyed = reports
        .iter()
        .map(|report| {
            let municipality =
                report
                    .municipality
                    .as_ref()
                    .ok_or_else(|| ExportError::NoMunicipality {
                        plan: report.plan_name.clone(),
                    })?;
            let year = report.report_fiscal_year.ok_or(ExportError::NoReportYear)?;
            Ok((report, municipality, year))
        })
        .collect::<Result<Vec<_>, ExportError>>()?;
    let mut writer = writer(options);
    writer.write_record(table.columns()).map_err(csv_error)?;
    for (report, municipality, report_year) in keyed {
        for item in &report.items {
            let keys = Keys::new(municipality, report, report_year, item);
            for row in rows(table, item, report_year) {
                let record = keys.cells.iter().chain(&row).map(Cell::written);
                writer.write_record(record).map_err(csv_error)?;
            }
        }
    }
    writer
        .into_inner()
        .map_err(|e| ExportError::Csv(e.error().to_string()))
}

/// A table computed elsewhere (the web's totals per prefecture and municipality) as CSV under
/// the same rules: UTF-8 (a BOM when asked), CRLF, one header row of `columns`, then each
/// record, written as [`Cell::written`] says (texts neutralised, line breaks turned into
/// spaces, numbers plain). The caller puts keys on every row.
pub fn write_records<R>(
    columns: &[&str],
    records: impl IntoIterator<Item = R>,
    options: CsvOptions,
) -> Result<Vec<u8>, ExportError>
where
    R: IntoIterator<Item = Cell>,
{
    let mut writer = writer(options);
    writer.write_record(columns).map_err(csv_error)?;
    for record in records {
        writer
            .write_record(record.into_iter().map(|cell| cell.written()))
            .map_err(csv_error)?;
    }
    writer
        .into_inner()
        .map_err(|e| ExportError::Csv(e.error().to_string()))
}

/// A CSV writer by the rules above, over a buffer that starts with the BOM when asked.
fn writer(options: CsvOptions) -> ::csv::Writer<Vec<u8>> {
    let mut out = Vec::new();
    if options.bom {
        out.extend_from_slice(BOM);
    }
    ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(out)
}

fn csv_error(error: ::csv::Error) -> ExportError {
    ExportError::Csv(error.to_string())
}

/// The key cells of one item's rows.
struct Keys {
    cells: [Cell; 7],
}

impl Keys {
    fn new(municipality: &Municipality, report: &Report, year: FiscalYear, item: &Item) -> Keys {
        Keys {
            cells: [
                // Six digits, kept as text so that leading zeros stay.
                Cell::text(municipality.code.to_string()),
                Cell::text(&municipality.name),
                Cell::text(&report.plan_name),
                Cell::number(year.gregorian()),
                Cell::text(year.wareki_label()),
                Cell::number(item.no.0),
                Cell::text(&item.title),
            ],
        }
    }
}

/// The table's own cells (after the keys) for one item.
fn rows(table: Table, item: &Item, report_year: FiscalYear) -> Vec<Vec<Cell>> {
    match table {
        Table::Figures => figure_rows(item),
        Table::Items => vec![item_row(item, report_year)],
        Table::Departments => item
            .departments
            .iter()
            .enumerate()
            .map(|(i, department)| vec![Cell::number(i + 1), Cell::text(department)])
            .collect(),
    }
}

fn figure_rows(item: &Item) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    for effect in &item.effects {
        let (category, year, wareki) = match (effect.is_total, effect.fiscal_year) {
            (true, _) => (CATEGORY_TOTAL, Cell::empty(), Cell::empty()),
            (false, Some(year)) => (
                CATEGORY_YEAR,
                Cell::number(year.gregorian()),
                Cell::text(year.wareki_label()),
            ),
            (false, None) => (CATEGORY_NO_YEAR, Cell::empty(), Cell::empty()),
        };
        for quantity in &effect.quantities {
            rows.push(vec![
                Cell::text(category),
                year.clone(),
                wareki.clone(),
                Cell::text(&quantity.label),
                Cell::number(quantity.value),
                Cell::text(quantity.unit.symbol()),
                quantity.yen().map_or_else(Cell::empty, Cell::number),
                Cell::text(quantity.status.map(|s| s.label()).unwrap_or_default()),
                Cell::text(&effect.text),
                if effect.line > 0 {
                    Cell::number(effect.line)
                } else {
                    Cell::empty()
                },
            ]);
        }
    }
    rows
}

fn item_row(item: &Item, report_year: FiscalYear) -> Vec<Cell> {
    vec![
        Cell::text(item.reporting_department.clone().unwrap_or_default()),
        Cell::number(item.departments.len()),
        Cell::text(item.goal.clone().unwrap_or_default()),
        Cell::number(item.contents.len()),
        Cell::number(item.actions.len()),
        Cell::text(report_year_phases(item, report_year)),
        Cell::number(item.effects.len()),
        Cell::number(
            item.effects
                .iter()
                .map(|e| e.quantities.len())
                .sum::<usize>(),
        ),
        Cell::text(
            item.evaluation
                .as_ref()
                .map(|e| e.text.clone())
                .unwrap_or_default(),
        ),
    ]
}

/// The phases (検討, 試行, 実施 …) the schedule cells of the report year name, each once, in
/// order, joined by `・`.
fn report_year_phases(item: &Item, report_year: FiscalYear) -> String {
    let mut words: Vec<&str> = Vec::new();
    let cells = item
        .contents
        .iter()
        .flat_map(|content| &content.schedule)
        .filter(|cell: &&ScheduleCell| cell.fiscal_year == report_year);
    for cell in cells {
        let word = cell.phase.as_ref().map(|p| p.word());
        if let Some(word) = word.filter(|w| !words.contains(w)) {
            words.push(word);
        }
    }
    words.join("・")
}

/// A cell on one line: line breaks (CR, LF, CRLF) become one space each.
fn one_line(text: String) -> String {
    if !text.contains(['\r', '\n']) {
        return text;
    }
    text.replace("\r\n", " ").replace(['\r', '\n'], " ")
}

/// A place where a CSV breaks the rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The record, counted from 1 (the header is record 1); 0 for the file as a whole.
    pub record: usize,
    /// The column's header, empty for the file or a whole record.
    pub column: String,
    /// What is wrong, in Japanese.
    pub message: String,
}

impl fmt::Display for Violation {
    /// `3行目「値」: …`, `ファイル: …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.record, self.column.is_empty()) {
            (0, _) => write!(f, "ファイル: {}", self.message),
            (record, true) => write!(f, "{record}行目: {}", self.message),
            (record, false) => write!(f, "{record}行目「{}」: {}", self.column, self.message),
        }
    }
}

/// Checks `bytes` against the open-data rules this module writes by: UTF-8 (a BOM exactly when
/// `options.bom` asks for one), CRLF line ends, one header row with distinct names, the same
/// number of cells in every record, no line breaks inside cells, no empty key cell, plain
/// numbers in numeric columns (no `,`, `▲`, units), a unit with every value, 4-digit Gregorian
/// years with the model's 和暦 label beside them, valid 地方公共団体コード, and no text cell
/// that a spreadsheet would take for a formula (one beginning with one of [`FORMULA_STARTS`]
/// without the [`TEXT_MARK`] before it; a plain number such as `-350` is no text, except in a
/// column this module knows to be text).
///
/// Columns are recognised by their header names ([`col`]), so any table of this module can be
/// checked. Returns every violation found; empty means the CSV follows the rules.
pub fn validate(bytes: &[u8], options: CsvOptions) -> Vec<Violation> {
    let mut found = Vec::new();
    let file = |message: String| Violation {
        record: 0,
        column: String::new(),
        message,
    };
    let body = match (bytes.strip_prefix(BOM), options.bom) {
        (Some(rest), true) => rest,
        (Some(rest), false) => {
            found.push(file("BOM（バイト順マーク）が付いています".into()));
            rest
        }
        (None, true) => {
            found.push(file("BOM（バイト順マーク）がありません".into()));
            bytes
        }
        (None, false) => bytes,
    };
    let Ok(text) = std::str::from_utf8(body) else {
        found.push(file("UTF-8として読めません".into()));
        return found;
    };
    if text.is_empty() {
        found.push(file("空のファイルです".into()));
        return found;
    }
    if !text.ends_with("\r\n") || text.replace("\r\n", "").contains(['\r', '\n']) {
        found.push(file("改行がCRLFではありません".into()));
    }

    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    for result in reader.records() {
        match result {
            Ok(record) => records.push(record),
            Err(e) => {
                found.push(file(format!("CSVとして読めません（{e}）")));
                return found;
            }
        }
    }
    let Some((header, rows)) = records.split_first() else {
        found.push(file("見出し行がありません".into()));
        return found;
    };
    let names: Vec<&str> = header.iter().collect();
    for (i, name) in names.iter().enumerate() {
        if name.trim().is_empty() {
            found.push(at(1, "", format!("{}列目の見出しが空です", i + 1)));
        } else if names[..i].contains(name) {
            found.push(at(1, name, "見出しが重複しています".into()));
        }
    }
    let index = |name: &str| names.iter().position(|n| *n == name);
    for (offset, record) in rows.iter().enumerate() {
        let number = offset + 2;
        if record.len() != names.len() {
            found.push(at(
                number,
                "",
                format!("列の数が{}です（見出しは{}列）", record.len(), names.len()),
            ));
            continue;
        }
        if record.iter().eq(header.iter()) {
            found.push(at(number, "", "見出し行が繰り返されています".into()));
            continue;
        }
        let cell = |name: &str| index(name).and_then(|i| record.get(i));
        for (name, value) in names.iter().zip(record.iter()) {
            if value.contains(['\r', '\n']) {
                found.push(at(number, name, "セル内で改行しています".into()));
            }
            if KEY_COLUMNS.contains(name) && value.trim().is_empty() {
                found.push(at(number, name, "キーの列が空です".into()));
            }
            if looks_like_formula(value) && (is_text_column(name) || !is_plain_number(value)) {
                let first = value.chars().next().map_or(String::new(), shown_char);
                found.push(at(
                    number,
                    name,
                    format!(
                        "文字が「{first}」で始まっているため、表計算ソフトで数式として扱われます\
                         （文字のセルは先頭に {TEXT_MARK} を付けます）"
                    ),
                ));
            }
            if NUMERIC_COLUMNS.contains(name) && !value.is_empty() && !is_plain_number(value) {
                found.push(at(
                    number,
                    name,
                    format!("数値の形式ではありません（「{value}」）"),
                ));
            }
        }
        if let Some(Err(e)) = cell(col::CODE)
            .filter(|code| !code.is_empty())
            .map(LocalGovernmentCode::parse)
        {
            found.push(at(number, col::CODE, e.to_string()));
        }
        if let Some(value) = cell(col::VALUE) {
            if value.is_empty() {
                found.push(at(number, col::VALUE, "値が空です".into()));
            } else if cell(col::UNIT).is_none_or(|unit| unit.trim().is_empty()) {
                found.push(at(number, col::UNIT, "値に単位がありません".into()));
            }
        }
        let year_required = cell(col::CATEGORY).is_none_or(|c| c == CATEGORY_YEAR);
        for (year, wareki, required) in [
            (col::REPORT_YEAR, col::REPORT_YEAR_WAREKI, true),
            (col::YEAR, col::YEAR_WAREKI, year_required),
        ] {
            let (Some(gregorian), Some(wareki_text)) = (cell(year), cell(wareki)) else {
                continue;
            };
            if !required && gregorian.is_empty() && wareki_text.is_empty() {
                continue;
            }
            found.extend(check_year(number, year, wareki, gregorian, wareki_text));
        }
    }
    found
}

/// Whether `name` is a text column of the tables of this module (a column the validator does
/// not know may hold numbers, such as the web's totals).
fn is_text_column(name: &str) -> bool {
    !NUMERIC_COLUMNS.contains(&name) && Table::ALL.iter().any(|t| t.columns().contains(&name))
}

/// A character as a message shows it: TAB and CR by name.
fn shown_char(c: char) -> String {
    match c {
        '\t' => "タブ".to_owned(),
        '\r' => "CR".to_owned(),
        c => c.to_string(),
    }
}

fn at(record: usize, column: &str, message: String) -> Violation {
    Violation {
        record,
        column: column.to_owned(),
        message,
    }
}

/// A Gregorian year of four ASCII digits whose 和暦 cell is the model's label for it.
fn check_year(
    record: usize,
    year_column: &str,
    wareki_column: &str,
    gregorian: &str,
    wareki: &str,
) -> Option<Violation> {
    let year = (gregorian.len() == 4 && gregorian.bytes().all(|b| b.is_ascii_digit()))
        .then(|| gregorian.parse::<i32>().ok())
        .flatten()
        .and_then(FiscalYear::new);
    let Some(year) = year else {
        return Some(at(
            record,
            year_column,
            format!("西暦4桁の年ではありません（「{gregorian}」）"),
        ));
    };
    (wareki != year.wareki_label()).then(|| {
        at(
            record,
            wareki_column,
            format!(
                "和暦「{wareki}」が西暦{gregorian}年度（{}）と一致しません",
                year.wareki_label()
            ),
        )
    })
}

/// `-1200`, `0`, `41.2`: an optional minus, digits without separators or leading zeros, an
/// optional fraction. Full-width digits, `,`, `▲`, `+`, spaces and units are refused.
fn is_plain_number(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match digits.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(int)
        && (int == "0" || !int.starts_with('0'))
        && frac.is_none_or(all_digits)
        && !is_nothing(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_numbers() {
        for good in ["0", "-350", "41.2", "1303346279", "0.5"] {
            assert!(is_plain_number(good), "{good}");
        }
        for bad in [
            "1,000", "▲350", "△5", "12円", "", "-", "１２", "+3", "012", "1.", ".5", "1 000", "1e3",
        ] {
            assert!(!is_plain_number(bad), "{bad}");
        }
    }

    #[test]
    fn texts_that_begin_like_formulas_are_neutralised_and_numbers_never() {
        let written = |cell: Cell| cell.written();
        for (text, expected) in [
            ("=1+1", "'=1+1"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@A1", "'@A1"),
            ("\tx", "'\tx"),
            ("\r\nx", "' x"),
            ("\nx", " x"),
            ("a=1", "a=1"),
            ("＝1+1", "＝1+1"),
            ("'=1", "'=1"),
            ("", ""),
        ] {
            assert_eq!(written(Cell::text(text)), expected, "{text:?}");
        }
        assert_eq!(written(Cell::number(-350)), "-350");
        assert_eq!(written(Cell::number(Decimal::new(-35_000, 2))), "-350");
        assert_eq!(written(Cell::number(Decimal::new(412, 1))), "41.2");
        assert!(looks_like_formula("-350") && !looks_like_formula("'-350"));
    }

    #[test]
    fn line_breaks_become_spaces() {
        assert_eq!(one_line("a\nb\r\nc\rd".into()), "a b c d");
        assert_eq!(one_line("abc".into()), "abc");
    }
}
