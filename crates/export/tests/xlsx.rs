//! The XLSX workbook: every sample goes out and comes back unchanged, a workbook laid out by
//! hand (with rust_xlsxwriter directly, independently of the writer) reads as expected, and
//! damaged workbooks are refused with every problem named by sheet and cell.

use kaikaku_export::xlsx::{self, WorkbookErrors};
use kaikaku_model::quantity::format_decimal;
use kaikaku_model::workflow::{ItemChange, diff_reports};
use kaikaku_model::{Decimal, LocalGovernmentCode, Municipality, Report, Status, Unit};
use proptest::prelude::*;
use rust_xlsxwriter::Workbook;

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
    xlsx::read(&bytes).unwrap_or_else(|e| panic!("read back:\n{e}"))
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
    E,
}
use Cell::{E, N, T};

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
    match xlsx::read(bytes) {
        Ok(_) => Vec::new(),
        Err(WorkbookErrors(errors)) => errors.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn a_hand_made_workbook_reads_as_laid_out() {
    let report = xlsx::read(&workbook(&sheets())).unwrap_or_else(|e| panic!("{e}"));
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
    let report = xlsx::read(&damaged(&[("No.1", 17, 1, T("削減の効果あり"))]))
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

/// A text too long for a cell (32,767 characters) is a writer error, not a broken file.
#[test]
fn texts_a_cell_cannot_hold_are_refused_on_writing() {
    let mut report = samples().remove(0).1;
    report.items[0].goal = Some("あ".repeat(40_000));
    assert!(matches!(
        xlsx::write(&report),
        Err(kaikaku_export::ExportError::Xlsx(_))
    ));
}
