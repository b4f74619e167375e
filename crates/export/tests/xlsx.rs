//! The XLSX workbook: every sample goes out and comes back unchanged, a workbook laid out by
//! hand (with rust_xlsxwriter directly, independently of the writer) reads as expected, and
//! damaged workbooks are refused with every problem named by sheet and cell.

use std::io::{Cursor, Write};

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use kaikaku_export::xlsx::{self, CUT_MARK, EXCEL_CELL_CHARS, WorkbookErrors, WorkbookLimits};
use kaikaku_model::quantity::format_decimal;
use kaikaku_model::workflow::{ItemChange, diff_reports};
use kaikaku_model::{Decimal, LocalGovernmentCode, Municipality, Report, Status, Unit};
use proptest::prelude::*;
use rust_xlsxwriter::{Formula, Workbook};

fn kaede() -> Municipality {
    Municipality {
        code: LocalGovernmentCode::parse("999997").expect("valid check digit"),
        name: "楓町".into(),
    }
}

fn read_text(bytes: &[u8]) -> Report {
    let mut report = kaikaku_reader::read(bytes, &Default::default()).expect("a report");
    report.municipality = Some(kaede());
    report
}

/// The bundled samples (the real one has tests of its own, which need it).
fn samples() -> Vec<(&'static str, Report)> {
    vec![
        (
            "kaedemachi",
            read_text(&kaikaku_fixtures::bundled("kaedemachi_r6.txt")),
        ),
        (
            "sakuragawa",
            read_text(&kaikaku_fixtures::bundled("sakuragawa_h30.txt")),
        ),
    ]
}

/// `report` as a workbook gives it back: source lines zeroed and warnings dropped, since a
/// workbook has neither.
fn without_lines(report: Report) -> Report {
    let mut report = kaikaku_fixtures::without_positions(report);
    report.warnings.clear();
    report
}

fn round_trip(report: &Report) -> Report {
    let bytes = xlsx::write(report).expect("written");
    xlsx::read(&bytes, &WorkbookLimits::default()).unwrap_or_else(|e| panic!("read back:\n{e}"))
}

fn real() -> Report {
    read_text(&kaikaku_fixtures::real_sample())
}

fn assert_round_trips_unchanged(name: &str, report: Report) {
    let back = round_trip(&report);
    let expected = without_lines(report);
    assert_eq!(back.items.len(), expected.items.len(), "{name}");
    for (b, e) in back.items.iter().zip(&expected.items) {
        assert_eq!(b, e, "{name} {}", e.no);
    }
    assert_eq!(back, expected, "{name}");
}

#[test]
fn every_sample_round_trips_unchanged() {
    for (name, report) in samples() {
        assert_round_trips_unchanged(name, report);
    }
    // Without a municipality too.
    let (_, mut report) = samples().remove(0);
    report.municipality = None;
    assert_eq!(round_trip(&report), without_lines(report));
}

#[test]
fn the_real_sample_round_trips_unchanged() {
    kaikaku_fixtures::skip_without_real_sample!();
    assert_round_trips_unchanged("real", real());
}

#[test]
fn a_workbook_with_nothing_to_compare_has_no_changes() {
    kaikaku_fixtures::skip_without_real_sample!();
    let report = real();
    let back = round_trip(&report);
    assert_eq!(diff_reports(&report, &back), Vec::new());
    let mut edited = back.clone();
    edited.items[18].title.push_str("（改）");
    edited.items.remove(0);
    let changes = diff_reports(&report, &edited);
    assert_eq!(changes.len(), 2);
    assert!(matches!(&changes[0], ItemChange::Changed(no, fields)
        if no.0 == 19 && fields.len() == 1 && fields[0].after == "ふるさと納税制度の活用（改）"));
    assert!(matches!(changes[1], ItemChange::Removed(no) if no.0 == 1));
}

// ---------------------------------------------------------------------------------------------
// A workbook laid out by hand.

#[derive(Clone, Debug)]
enum Cell {
    T(&'static str),
    N(f64),
    /// A formula and the value Excel cached for it.
    F(&'static str, &'static str),
    E,
}
use Cell::{E, F, N, T};

type Grid = Vec<Vec<Cell>>;

fn summary_grid() -> Grid {
    vec![
        vec![
            T("表題"),
            T("第1次楓町行政改革実施計画 取組実績（令和6年度実績）"),
        ],
        vec![T("計画"), T("第1次楓町行政改革実施計画")],
        vec![T("地方公共団体コード"), T("999997")],
        vec![T("地方公共団体名"), T("楓町")],
        vec![T("報告年度"), T("令和6年度"), N(2024.0)],
        vec![T("計画期間"), T("令和5年度"), T("令和6年度")],
        vec![T("計画期間（西暦）"), N(2023.0), N(2024.0)],
        vec![],
        vec![T("No."), T("項目"), T("記入担当課"), T("シート")],
        vec![N(1.0), T("窓口サービスの向上"), T("住民課"), T("No.1")],
        vec![N(2.0), T("事務事業の見直し"), T("総務課"), T("No.2")],
    ]
}

/// Item sheets: rows 1–22 (Excel numbering) as below.
fn item_grid(no: &'static str, title: &'static str) -> Grid {
    vec![
        vec![T(no), T(title)],                                        // 1
        vec![T("記入担当課"), T("住民課")],                           // 2
        vec![T("担当課"), T("住民課"), T("関係各課")],                // 3
        vec![],                                                       // 4
        vec![T("改善・推進の内容"), T("令和5年度"), T("令和6年度")],  // 5
        vec![T("窓口の一本化"), T("①"), T("①② (試行)")],              // 6
        vec![],                                                       // 7
        vec![T("改善・推進目標"), T("待ち時間を半分にする。")],       // 8
        vec![],                                                       // 9
        vec![T("主な取組内容")],                                      // 10
        vec![T("①"), T("総合窓口の設置")],                            // 11
        vec![N(2.0), T("手続のオンライン化")],                        // 12
        vec![T("各年度の取組内容"), T("区分"), T("内容")],            // 13
        vec![T("令和6年度"), T("実績"), T("・総合窓口を試行した。")], // 14
        vec![],                                                       // 15
        vec![
            T("取組による効果"),
            T("効果"),
            T("指標名"),
            T("数値"),
            T("単位"),
            T("状態"),
        ], // 16
        vec![
            T("令和5年度"),
            T("削減額 1,200千円（実績）"),
            T("削減額"),
            N(1200.0),
            T("千円"),
            T("実績"),
        ], // 17
        vec![
            T("令和6年度"),
            T("削減額 12,000千円（実績） 満足度 41.2%"),
            T("削減額"),
            N(12000.0),
            T("千円"),
            T("実績"),
        ], // 18
        vec![E, E, T("満足度"), N(41.2), T("%"), E],                  // 19
        vec![
            T("総計"),
            T("削減額 13,200千円"),
            T("削減額"),
            N(13200.0),
            T("千円"),
        ], // 20
        vec![T("総評"), T("令和6年度"), T("概ね順調。")],             // 21
        vec![T("再掲"), T("No.2")],                                   // 22
    ]
}

fn sheets() -> Vec<(&'static str, Grid)> {
    vec![
        ("一覧", summary_grid()),
        ("No.1", item_grid("No.1", "窓口サービスの向上")),
        ("No.2", item_grid("No.2", "事務事業の見直し")),
    ]
}

fn workbook(sheets: &[(&str, Grid)]) -> Vec<u8> {
    let mut workbook = Workbook::new();
    for (name, grid) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(*name).expect("a valid name");
        for (row, cells) in (0u32..).zip(grid) {
            for (col, cell) in (0u16..).zip(cells) {
                match cell {
                    T(text) => sheet.write_string(row, col, *text).map(|_| ()),
                    N(number) => sheet.write_number(row, col, *number).map(|_| ()),
                    F(formula, cached) => sheet
                        .write_formula(row, col, Formula::new(*formula).set_result(*cached))
                        .map(|_| ()),
                    E => Ok(()),
                }
                .expect("written");
            }
        }
    }
    workbook.save_to_buffer().expect("saved")
}

/// `sheets()` with cells replaced: (sheet, Excel row, column index, cell).
fn damaged(changes: &[(&str, usize, usize, Cell)]) -> Vec<u8> {
    let mut sheets = sheets();
    for (sheet, row, col, cell) in changes {
        let grid = &mut sheets
            .iter_mut()
            .find(|(name, _)| name == sheet)
            .expect("a sheet")
            .1;
        let cells = &mut grid[row - 1];
        if cells.len() <= *col {
            cells.resize(col + 1, E);
        }
        cells[*col] = cell.clone();
    }
    workbook(&sheets)
}

fn errors(bytes: &[u8]) -> Vec<String> {
    match xlsx::read(bytes, &WorkbookLimits::default()) {
        Ok(_) => Vec::new(),
        Err(WorkbookErrors(errors)) => errors.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn a_hand_made_workbook_reads_as_laid_out() {
    let report = xlsx::read(&workbook(&sheets()), &WorkbookLimits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.plan_name, "第1次楓町行政改革実施計画");
    assert_eq!(report.municipality, Some(kaede()));
    assert_eq!(report.report_fiscal_year.map(|y| y.gregorian()), Some(2024));
    let years: Vec<i32> = report.fiscal_years.iter().map(|y| y.gregorian()).collect();
    assert_eq!(years, [2023, 2024]);
    assert_eq!(report.summary.len(), 2);
    let item = &report.items[0];
    assert_eq!(item.no.0, 1);
    assert_eq!(item.departments, ["住民課", "関係各課"]);
    let schedule = &item.contents[0].schedule[1];
    assert_eq!(
        (
            &*schedule.text,
            &*schedule.actions,
            schedule.phase.as_ref().map(|p| p.word())
        ),
        ("①② (試行)", &[1u8, 2][..], Some("試行"))
    );
    let actions: Vec<u8> = item.actions.iter().map(|a| a.no).collect();
    assert_eq!(actions, [1, 2], "① and a plain number 2");
    // 令和6年度 holds two quantities (the second on a continuation line); values are the
    // text's exact decimals: 41.2 is not the binary float 41.2000000000000028…
    let effect = &item.effects[1];
    let quantities: Vec<(String, Decimal, Unit, Option<Status>)> = effect
        .quantities
        .iter()
        .map(|q| (q.label.clone(), q.value, q.unit, q.status))
        .collect();
    assert_eq!(
        quantities,
        [
            (
                "削減額".into(),
                Decimal::from(12_000),
                Unit::ThousandYen,
                Some(Status::Actual)
            ),
            ("満足度".into(), Decimal::new(412, 1), Unit::Percent, None),
        ]
    );
    assert!(item.effects[2].is_total);
    assert_eq!(item.reposts[0].item_no.0, 2);
    assert_eq!(
        item.evaluation.as_ref().map(|e| e.text.as_str()),
        Some("概ね順調。")
    );
    // And what is read is written back to the same report.
    assert_eq!(round_trip(&report), report);
}

#[test]
fn a_text_where_a_number_belongs_is_named_by_its_cell() {
    assert_eq!(
        errors(&damaged(&[("No.1", 18, 3, T("12,0O0"))])),
        ["No.1!D18: 数値ではありません（「12,0O0」）"]
    );
}

#[test]
fn a_missing_item_sheet_is_named_in_the_summary() {
    let mut without_no2 = sheets();
    without_no2.pop();
    assert_eq!(
        errors(&workbook(&without_no2)),
        ["一覧!D11: シート「No.2」がありません"]
    );
    assert_eq!(
        errors(&workbook(&sheets()[1..])),
        ["ブック: 「一覧」シートがありません"]
    );
}

#[test]
fn an_unknown_fiscal_year_header_is_refused() {
    assert_eq!(
        errors(&damaged(&[("No.1", 5, 2, T("令和9年度"))])),
        ["No.1!C5: 令和9年度は計画期間（一覧「計画期間」）にない年度です"]
    );
    assert_eq!(
        errors(&damaged(&[("No.2", 5, 2, T("来年度"))])),
        ["No.2!C5: 「来年度」は年度として読めません"]
    );
    assert_eq!(
        errors(&damaged(&[("一覧", 7, 2, N(2025.0))])),
        ["一覧!C7: 西暦2025年度が和暦「令和6年度」（2024年度）と一致しません"]
    );
}

#[test]
fn a_number_contradicting_its_text_is_refused_naming_both() {
    assert_eq!(
        errors(&damaged(&[("No.1", 18, 3, N(13_000.0))])),
        [
            "No.1!D18: 数値 13,000千円 が効果の記述「削減額 12,000千円（実績） 満足度 41.2%」と\
             一致しません（記述では 12,000千円）。どちらかを直してください"
        ]
    );
    // A row whose text states no amount takes the number as it is.
    let report = xlsx::read(
        &damaged(&[("No.1", 17, 1, T("削減の効果あり"))]),
        &WorkbookLimits::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        report.items[0].effects[0].quantities[0].value,
        Decimal::from(1_200)
    );
}

#[test]
fn every_problem_is_reported_at_once_and_nothing_is_returned() {
    let found = errors(&damaged(&[
        ("一覧", 3, 1, T("999998")),
        ("No.1", 1, 0, T("第1項")),
        ("No.1", 14, 1, T("完了")),
        ("No.2", 17, 4, T("ドル")),
        ("No.2", 19, 5, T("たぶん")),
    ]));
    assert_eq!(
        found,
        [
            "一覧!B3: 地方公共団体コード「999998」の検査数字が合いません（正しくは末尾が 7）",
            "No.1!A1: 項目番号（No.3 のような形）として読めません（「第1項」）",
            "No.1!B14: 区分は実績・見込み・計画のいずれかです（「完了」）",
            "No.2!E17: 単位として読めません（「ドル」）",
            "No.2!F19: 状態は実績・計画・目標・見込みのいずれかです（「たぶん」）",
        ]
    );
}

#[test]
fn bytes_that_are_not_a_workbook_are_refused() {
    for bytes in [
        &b"kaikaku"[..],
        &[],
        &kaikaku_fixtures::bundled("kaedemachi_r6.txt"),
    ] {
        let found = errors(bytes);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].starts_with("ブック: XLSXとして読めません（"),
            "{found:?}"
        );
    }
}

#[test]
fn a_block_label_removed_is_named() {
    assert_eq!(
        errors(&damaged(&[("No.1", 10, 0, T("取組"))])),
        ["No.1: 「主な取組内容」の行（A列）がありません"]
    );
}

// ---------------------------------------------------------------------------------------------
// Round trips over mutated editions.

/// Text without leading/trailing spaces, as the reader and the sheet form keep it.
fn words() -> impl Strategy<Value = String> {
    "[ぁ-んァ-ヶ一-龠a-zA-Z0-9、。・（）]{1,12}( [ぁ-んa-z0-9]{1,6}){0,2}"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn mutated_editions_round_trip(
        item in 0usize..9,
        title in words(),
        narrative in "[ぁ-ん一-龠・\n]{0,40}",
        value in -10_000_000i64..10_000_000,
        scale in 0u32..3,
        schedule in prop::sample::select(vec!["", "①", "②③", "①～③ (検討)", "実施", "―"]),
        drop_item in prop::option::of(0usize..9),
    ) {
        let mut report = samples().remove(0).1;
        let target = &mut report.items[item];
        target.title = title;
        if let Some(first) = target.narratives.first_mut() {
            first.text = narrative;
        }
        if let Some(cell) = target.contents.first_mut().and_then(|c| c.schedule.first_mut()) {
            *cell = kaikaku_model::ScheduleCell::read(cell.fiscal_year, schedule);
        }
        // A new amount in the first effects row, its text rewritten to say it (documents write
        // negatives with ▲).
        let amount = Decimal::new(value, scale);
        let written = if amount.is_sign_negative() {
            format!("▲{}", format_decimal(-amount))
        } else {
            format_decimal(amount)
        };
        if let Some(effect) = target.effects.first_mut() {
            effect.text = format!("効果額 {written}千円（実績）");
            effect.quantities = vec![kaikaku_model::Quantity {
                label: "効果額".into(),
                value: amount,
                unit: Unit::ThousandYen,
                status: Some(Status::Actual),
            }];
        }
        if let Some(drop) = drop_item {
            report.items.remove(drop.min(report.items.len() - 1));
        }
        prop_assert_eq!(round_trip(&report), without_lines(report));
    }
}

// ---------------------------------------------------------------------------------------------
// Texts are string cells, and never too long for one.

/// The cells of `sheet` in a workbook, as calamine reads them, and whether any is a formula.
fn cells_of(bytes: &[u8], sheet: &str) -> (calamine::Range<Data>, bool) {
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("a workbook");
    let range = workbook.worksheet_range(sheet).expect("the sheet");
    let formulas = workbook.worksheet_formula(sheet).expect("its formulas");
    (range, formulas.used_cells().any(|(_, _, f)| !f.is_empty()))
}

/// The cell of `sheet` right of the column A label `label`.
fn beside<'a>(range: &'a calamine::Range<Data>, label: &str) -> &'a Data {
    let row = range
        .rows()
        .position(|row| matches!(&row[0], Data::String(s) if s == label))
        .unwrap_or_else(|| panic!("{label} in column A"));
    range.get((row, 1)).expect("a cell")
}

#[test]
fn texts_that_begin_like_formulas_are_string_cells() {
    let hyperlink = "=HYPERLINK(\"http://evil.example/\",\"詳細はこちら\")";
    let mut report = samples().remove(0).1;
    report.items[0].title = hyperlink.into();
    report.summary[0].title = hyperlink.into();
    report.items[0].goal = Some("=1+1".into());
    report.items[0].departments[0] = "@SUM(1+1)*cmd|\" /C calc\"!A0".into();
    let bytes = xlsx::write(&report).expect("written");
    let (item, has_formula) = cells_of(&bytes, "No.1");
    assert!(!has_formula, "no formula in No.1");
    assert_eq!(item.get((0, 1)), Some(&Data::String(hyperlink.into())));
    assert_eq!(
        beside(&item, "改善・推進目標"),
        &Data::String("=1+1".into())
    );
    assert_eq!(
        beside(&item, "担当課"),
        &Data::String("@SUM(1+1)*cmd|\" /C calc\"!A0".into())
    );
    let (summary, has_formula) = cells_of(&bytes, "一覧");
    assert!(!has_formula, "no formula in 一覧");
    assert!(
        summary
            .used_cells()
            .any(|(_, _, cell)| cell == &Data::String(hyperlink.into()))
    );
    // And they read back as they were.
    assert_eq!(round_trip(&report), without_lines(report));
}

#[test]
fn a_text_longer_than_a_cell_is_written_cut_and_refused_on_reading() {
    let mark = CUT_MARK.encode_utf16().count();
    let mut report = samples().remove(0).1;
    report.items[0].goal = Some("あ".repeat(40_000));
    // 40,000 UTF-16 code units: Excel counts a character outside the BMP twice.
    report.items[1].title = "😀".repeat(20_000);
    report.summary[1].title = report.items[1].title.clone();
    let bytes = xlsx::write(&report).expect("an export never fails on a long text");

    let (item, _) = cells_of(&bytes, "No.1");
    let Data::String(goal) = beside(&item, "改善・推進目標") else {
        panic!("a string cell")
    };
    assert_eq!(goal.encode_utf16().count(), EXCEL_CELL_CHARS);
    assert_eq!(
        goal.strip_suffix(CUT_MARK),
        Some("あ".repeat(EXCEL_CELL_CHARS - mark).as_str())
    );
    let (item, _) = cells_of(&bytes, "No.2");
    let Some(Data::String(title)) = item.get((0, 1)) else {
        panic!("a string cell")
    };
    // Never half an emoji: as many whole ones as fit before the mark.
    assert_eq!(
        title.strip_suffix(CUT_MARK),
        Some("😀".repeat((EXCEL_CELL_CHARS - mark) / 2).as_str())
    );

    // A cut text is never read back as if whole: every cell with the mark is named.
    let refused = "Excelの1セルの上限を超えたため途中で省略された文字です。\
                   省略されていない全文を入力してください。";
    assert_eq!(
        errors(&bytes),
        [
            format!("一覧!B11: {refused}"),
            format!("No.1!B8: {refused}"),
            format!("No.2!B1: {refused}"),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Hostile workbooks.

const GIB: u64 = 1 << 30;

/// A workbook whose one shared string is `chars` long (`a` repeated).
fn bomb(chars: u64) -> Vec<u8> {
    kaikaku_fixtures::workbooks::shared_string_bomb(Cursor::new(Vec::new()), chars)
        .expect("written")
        .into_inner()
}

#[test]
fn a_small_workbook_holding_a_one_gigabyte_shared_string_is_refused() {
    let bytes = bomb(GIB);
    assert!(bytes.len() < 1_500_000, "about 1 MB: {} bytes", bytes.len());
    assert_eq!(
        errors(&bytes),
        [
            "ブック: 展開後の大きさが上限の 64 MiB を超えます（xl/sharedStrings.xml の展開中に\
             超えました）"
        ]
    );
}

#[test]
fn a_shared_string_longer_than_a_cell_is_refused() {
    assert_eq!(
        errors(&bomb(40_000)),
        [
            "ブック: 1番目の共有文字列が長すぎます（xl/sharedStrings.xml。1セルの上限は 32,767 文字）"
        ]
    );
    // At the limit it passes, and the workbook is then read as any other (it is no report).
    assert_eq!(
        errors(&bomb(EXCEL_CELL_CHARS as u64)),
        ["ブック: 「一覧」シートがありません"]
    );
}

#[test]
fn the_limits_are_settings_and_an_honest_workbook_passes_the_defaults() {
    let report = samples().remove(0).1;
    let honest = xlsx::write(&report).expect("written");
    let read = |limits: WorkbookLimits| match xlsx::read(&honest, &limits) {
        Ok(_) => Vec::new(),
        Err(WorkbookErrors(errors)) => errors.iter().map(ToString::to_string).collect(),
    };
    assert_eq!(read(WorkbookLimits::default()), Vec::<String>::new());
    assert_eq!(
        xlsx::read(&honest, &WorkbookLimits::default()).expect("read"),
        without_lines(report)
    );
    let defaults = WorkbookLimits::default();
    assert_eq!(
        defaults,
        WorkbookLimits {
            file_bytes: 16 << 20,
            decompressed_bytes: 64 << 20,
            cells: 1_000_000,
            shared_string_chars: 32_767,
        }
    );
    let size = honest.len() as u64;
    assert_eq!(
        read(WorkbookLimits {
            file_bytes: size,
            ..defaults
        }),
        Vec::<String>::new()
    );
    assert_eq!(
        read(WorkbookLimits {
            file_bytes: 1000,
            ..defaults
        }),
        [format!(
            "ブック: ファイルが大きすぎます（{} バイト。ブックは 1,000 バイト まで）",
            thousands(size)
        )]
    );
    assert_eq!(
        read(WorkbookLimits {
            cells: 100,
            ..defaults
        }),
        ["ブック: セルの数が上限の 100 個を超えます（xl/worksheets/sheet2.xml まで数えた時点で）"]
    );
    assert_eq!(
        read(WorkbookLimits {
            decompressed_bytes: 10_000,
            ..defaults
        }),
        [
            "ブック: 展開後の大きさが上限の 10,000 バイト を超えます（xl/theme/theme1.xml の展開中に超えました）"
        ]
    );
    assert_eq!(
        read(WorkbookLimits {
            shared_string_chars: 10,
            ..defaults
        }),
        ["ブック: 2番目の共有文字列が長すぎます（xl/sharedStrings.xml。1セルの上限は 10 文字）"]
    );
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn formula_cells_are_refused_each_named() {
    let found = errors(&damaged(&[
        (
            "No.1",
            8,
            1,
            F("=\"待ち時間を\"&\"半分にする。\"", "待ち時間を半分にする。"),
        ),
        ("No.2", 8, 1, F("=cmd|' /C calc'!A0", "")),
        ("No.2", 18, 3, F("=1200*10", "12000")),
    ]));
    let refused = "数式のセルは読み込めません。値を入力してください。";
    assert_eq!(
        found,
        [
            format!("No.1!B8: {refused}"),
            format!("No.2!B8: {refused}"),
            format!("No.2!D18: {refused}"),
        ]
    );
}

#[test]
fn external_and_dde_links_refuse_the_whole_workbook() {
    let honest = workbook(&sheets());
    let mut archive = zip::ZipArchive::new(Cursor::new(&honest)).expect("a zip");
    let mut linked = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        linked
            .raw_copy_file(archive.by_index(i).expect("a part"))
            .expect("copied");
    }
    linked
        .start_file(
            "xl/externalLinks/externalLink1.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .expect("a part");
    linked
        .write_all(
            br#"<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><ddeLink ddeService="cmd" ddeTopic="/C calc"/></externalLink>"#,
        )
        .expect("written");
    let linked = linked.finish().expect("finished").into_inner();
    assert_eq!(errors(&honest), Vec::<String>::new());
    assert_eq!(
        errors(&linked),
        [
            "ブック: 外部リンク（xl/externalLinks/externalLink1.xml）があるため読み込めません。\
             他のブックへのリンクやDDEリンクは使えません。リンクを削除し、値だけを入力してから\
             読み込んでください"
        ]
    );
}
