//! The open-data CSV: every table of the real sample and the bundled samples passes the
//! 統一ルール validator, the validator refuses spoiled files, and the figures agree with the
//! document and with `kaikaku_check`.

use std::collections::HashMap;

use kaikaku_export::ExportError;
use kaikaku_export::csv::{self, Cell, CsvOptions, Table, Violation, col, validate};
use kaikaku_model::{Decimal, LocalGovernmentCode, Municipality, Report};

/// A fictional municipality with a valid code: 9·6+9·5+9·4+9·3+9·2 = 180, 180 mod 11 = 4,
/// 11 − 4 = 7.
fn kaede() -> Municipality {
    Municipality {
        code: LocalGovernmentCode::parse("999997").expect("valid check digit"),
        name: "楓町".into(),
    }
}

fn read(bytes: &[u8]) -> Report {
    let mut report = kaikaku_reader::read(bytes, &Default::default()).expect("a report");
    report.municipality = Some(kaede());
    report
}

fn real() -> Report {
    read(&kaikaku_fixtures::real_sample())
}

fn kaedemachi() -> Report {
    read(&kaikaku_fixtures::bundled("kaedemachi_r6.txt"))
}

/// The bundled samples (the real one has tests of its own, which need it).
fn samples() -> Vec<(&'static str, Report)> {
    vec![
        ("kaedemachi", kaedemachi()),
        (
            "sakuragawa",
            read(&kaikaku_fixtures::bundled("sakuragawa_h30.txt")),
        ),
    ]
}

fn write(report: &Report, table: Table) -> Vec<u8> {
    csv::write(report, table, CsvOptions::default()).expect("written")
}

/// The records of a CSV as column → cell maps (header excluded).
fn records(bytes: &[u8]) -> Vec<HashMap<String, String>> {
    let mut reader = ::csv::Reader::from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_owned)
        .collect();
    reader
        .records()
        .map(|r| {
            let r = r.expect("a record");
            header
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

fn messages(violations: &[Violation]) -> Vec<String> {
    violations.iter().map(ToString::to_string).collect()
}

#[test]
fn every_table_of_every_sample_follows_the_rules() {
    for (name, report) in samples() {
        assert_tables_follow_the_rules(name, &report);
    }
}

#[test]
fn every_table_of_the_real_sample_follows_the_rules() {
    kaikaku_fixtures::skip_without_real_sample!();
    assert_tables_follow_the_rules("real", &real());
}

fn assert_tables_follow_the_rules(name: &str, report: &Report) {
    for table in Table::ALL {
        for bom in [false, true] {
            let options = CsvOptions { bom };
            let bytes = csv::write(report, table, options).expect("written");
            assert_eq!(bytes.starts_with(b"\xEF\xBB\xBF"), bom);
            let violations = validate(&bytes, options);
            assert!(
                violations.is_empty(),
                "{name} {table:?} bom={bom}: {:?}",
                messages(&violations)
            );
        }
    }
}

#[test]
fn tables_have_the_expected_shape() {
    kaikaku_fixtures::skip_without_real_sample!();
    let report = real();
    let figures = write(&report, Table::Figures);
    let text = String::from_utf8(figures.clone()).expect("UTF-8");
    let header = text.split("\r\n").next().expect("a header");
    assert_eq!(
        header,
        "地方公共団体コード,地方公共団体名,計画名,報告年度（西暦）,報告年度（和暦）,項目番号,項目名,\
         区分,年度（西暦）,年度（和暦）,指標名,値,単位,円換算値,状態,効果の記述,原文の行"
    );
    // One row per quantity of every effects row (counted from the model, which the reader
    // tests pin against the document).
    let quantities: usize = report
        .items
        .iter()
        .flat_map(|i| &i.effects)
        .map(|e| e.quantities.len())
        .sum();
    assert_eq!(records(&figures).len(), quantities);
    assert_eq!(records(&write(&report, Table::Items)).len(), 22);
    // No.1's departments (line 23 of the sample): まちづくり推進課・地域振興課・関係各課.
    let departments = records(&write(&report, Table::Departments));
    let no1: Vec<(&str, &str)> = departments
        .iter()
        .filter(|r| r[col::ITEM_NO] == "1")
        .map(|r| {
            (
                r[col::DEPARTMENT_ORDER].as_str(),
                r[col::DEPARTMENT].as_str(),
            )
        })
        .collect();
    assert_eq!(
        no1,
        [
            ("1", "まちづくり推進課"),
            ("2", "地域振興課"),
            ("3", "関係各課")
        ]
    );
    for row in &departments {
        assert_eq!(row[col::CODE], "999997");
        assert_eq!(row[col::MUNICIPALITY], "楓町");
        assert_eq!(row[col::PLAN], "第5次集中改革プラン");
        assert_eq!(row[col::REPORT_YEAR], "2021");
        assert_eq!(row[col::REPORT_YEAR_WAREKI], "令和3年度");
    }
}

/// Rows of `item` as (区分, 年度, 和暦, 指標名, 値, 単位, 円換算値, 状態).
fn figure_rows(figures: &[HashMap<String, String>], item: &str) -> Vec<[String; 8]> {
    figures
        .iter()
        .filter(|r| r[col::ITEM_NO] == item)
        .map(|r| {
            [
                col::CATEGORY,
                col::YEAR,
                col::YEAR_WAREKI,
                col::LABEL,
                col::VALUE,
                col::UNIT,
                col::YEN,
                col::STATUS,
            ]
            .map(|c| r[c].clone())
        })
        .collect()
}

#[test]
fn real_sample_rows_as_the_document_writes_them() {
    kaikaku_fixtures::skip_without_real_sample!();
    let figures = records(&write(&real(), Table::Figures));
    let row = |cells: [&str; 8]| cells.map(str::to_owned);
    // Lines 390–393 of the sample, read by hand:
    // 令和2年度 寄附受入（見込み） 27,075件 427,794,446円 … 総計 84,533件 1,303,346,279円.
    assert_eq!(
        figure_rows(&figures, "19"),
        [
            row([
                "年度",
                "2020",
                "令和2年度",
                "寄附受入",
                "27075",
                "件",
                "",
                "見込み"
            ]),
            row([
                "年度",
                "2020",
                "令和2年度",
                "寄附受入",
                "427794446",
                "円",
                "427794446",
                "見込み"
            ]),
            row([
                "年度",
                "2021",
                "令和3年度",
                "寄附受入",
                "35958",
                "件",
                "",
                "見込み"
            ]),
            row([
                "年度",
                "2021",
                "令和3年度",
                "寄附受入",
                "568051833",
                "円",
                "568051833",
                "見込み"
            ]),
            row([
                "年度",
                "2022",
                "令和4年度",
                "寄附受入",
                "21500",
                "件",
                "",
                "見込み"
            ]),
            row([
                "年度",
                "2022",
                "令和4年度",
                "寄附受入",
                "307500000",
                "円",
                "307500000",
                "見込み"
            ]),
            row(["総計", "", "", "寄附受入", "84533", "件", "", "見込み"]),
            row([
                "総計",
                "",
                "",
                "寄附受入",
                "1303346279",
                "円",
                "1303346279",
                "見込み"
            ]),
        ]
    );
    // Lines 429–433: 千円 values keep their unit; the yen column multiplies by 1,000. The
    // continuation line 432 belongs to 令和4年度 (line 431); the 総計 row states two amounts.
    assert_eq!(
        figure_rows(&figures, "21"),
        [
            row([
                "年度",
                "2020",
                "令和2年度",
                "分院・診療所等の医業収支改善額",
                "110000",
                "千円",
                "110000000",
                ""
            ]),
            row([
                "年度",
                "2021",
                "令和3年度",
                "地域包括ケア病床増床（16床）による効果額",
                "4732",
                "千円",
                "4732000",
                ""
            ]),
            row([
                "年度",
                "2022",
                "令和4年度",
                "医療の質改善による入院患者数の増及び効果額",
                "1825",
                "人",
                "",
                ""
            ]),
            row([
                "年度",
                "2022",
                "令和4年度",
                "地域包括ケア病床増床（70床）による効果額",
                "296000",
                "千円",
                "296000000",
                ""
            ]),
            row(["総計", "", "", "", "53564", "千円", "53564000", ""]),
            row(["総計", "", "", "", "464296", "千円", "464296000", ""]),
        ]
    );
    // The row's text is kept, its line break (two document lines) turned into a space.
    let no21_2022 = figures
        .iter()
        .find(|r| r[col::ITEM_NO] == "21" && r[col::UNIT] == "人")
        .expect("the 人 row");
    assert_eq!(
        no21_2022[col::TEXT],
        "医療の質改善による入院患者数の増及び効果額 1,825人 \
         地域包括ケア病床増床（70床）による効果額 296,000千円"
    );
    assert_eq!(no21_2022[col::SOURCE_LINE], "431");
}

#[test]
fn negative_values_are_written_with_a_minus() {
    let report = read(&kaikaku_fixtures::bundled("kaedemachi_r6.txt"));
    let figures = records(&write(&report, Table::Figures));
    // samples/README.md, 楓町 No.5: 令和6年度 ▲350千円（実績）.
    let row = figures
        .iter()
        .find(|r| r[col::ITEM_NO] == "5" && r[col::YEAR] == "2024")
        .expect("No.5 2024");
    assert_eq!(
        (&*row[col::VALUE], &*row[col::YEN], &*row[col::STATUS]),
        ("-350", "-350000", "実績")
    );
}

/// Per item, the yen of the fiscal-year rows add up to what `kaikaku_check` sums: the stated
/// 総計 when it holds, its `computed` value when it does not.
#[test]
fn yen_rows_sum_to_the_totals_the_check_computes() {
    for (name, report) in samples() {
        assert_yen_rows_sum_to_the_totals(name, &report);
    }
}

#[test]
fn yen_rows_of_the_real_sample_sum_to_the_totals_the_check_computes() {
    kaikaku_fixtures::skip_without_real_sample!();
    let report = real();
    assert_yen_rows_sum_to_the_totals("real", &report);
    // No.21 by hand: 110,000 + 4,732 + 296,000 = 410,732千円, the check's computed total.
    let finding = kaikaku_check::check(&report)
        .into_iter()
        .find(|f| f.item_no.0 == 21)
        .expect("No.21's total does not hold");
    assert_eq!(finding.computed, Decimal::from(410_732));
}

fn assert_yen_rows_sum_to_the_totals(name: &str, report: &Report) {
    let figures = records(&write(report, Table::Figures));
    let findings = kaikaku_check::check(report);
    let mut checked = 0;
    for item in &report.items {
        let total_yen: Vec<Decimal> = item
            .effects
            .iter()
            .filter(|e| e.is_total)
            .flat_map(|e| &e.quantities)
            .filter_map(|q| q.yen())
            .collect();
        if total_yen.is_empty() {
            continue;
        }
        let no = item.no.0.to_string();
        let csv_sum: Decimal = figures
            .iter()
            .filter(|r| r[col::ITEM_NO] == no && r[col::CATEGORY] == "年度")
            .filter(|r| !r[col::YEN].is_empty())
            .map(|r| r[col::YEN].parse::<Decimal>().expect("a plain number"))
            .sum();
        let finding = findings.iter().find(|f| {
            f.item_no == item.no && f.unit.is_money() && f.kind.code() == "total_mismatch"
        });
        match finding {
            Some(f) => {
                let factor = f.unit.yen_factor().expect("money");
                assert_eq!(csv_sum, f.computed * factor, "{name} No.{no}");
            }
            None => assert!(total_yen.contains(&csv_sum), "{name} No.{no}: {csv_sum}"),
        }
        checked += 1;
    }
    assert!(checked > 0, "{name} has money totals");
}

fn replace_first(bytes: &[u8], from: &str, to: &str) -> Vec<u8> {
    let text = String::from_utf8(bytes.to_vec()).expect("UTF-8");
    assert!(text.contains(from), "{from} is in the CSV");
    text.replacen(from, to, 1).into_bytes()
}

#[test]
fn the_validator_refuses_spoiled_files() {
    let report = read(&kaikaku_fixtures::bundled("kaedemachi_r6.txt"));
    let good = write(&report, Table::Figures);
    let options = CsvOptions::default();
    assert_eq!(messages(&validate(&good, options)), Vec::<String>::new());
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            replace_first(&good, ",58226000,円,", ",\"58,226,000\",円,"),
            "「値」: 数値の形式ではありません（「58,226,000」）",
        ),
        (
            replace_first(&good, ",-350,千円,", ",▲350,千円,"),
            "「値」: 数値の形式ではありません（「▲350」）",
        ),
        (
            replace_first(&good, ",-350,千円,", ",-350千円,千円,"),
            "「値」: 数値の形式ではありません（「-350千円」）",
        ),
        (
            replace_first(&good, ",4280,千円,", ",4280,,"),
            "「単位」: 値に単位がありません",
        ),
        (
            replace_first(&good, ",2023,令和5年度,", ",2023,平成35年度,"),
            "「年度（和暦）」: 和暦「平成35年度」が西暦2023年度（令和5年度）と一致しません",
        ),
        (
            replace_first(&good, ",2023,令和5年度,", ",23,令和5年度,"),
            "「年度（西暦）」: 西暦4桁の年ではありません（「23」）",
        ),
        (
            replace_first(&good, "999997,", "999998,"),
            "「地方公共団体コード」: 地方公共団体コード「999998」の検査数字が合いません（正しくは末尾が 7）",
        ),
        (
            replace_first(&good, "999997,楓町,", "999997,,"),
            "「地方公共団体名」: キーの列が空です",
        ),
        (
            replace_first(&good, ",-350,千円,", ",-350,千円,余分,"),
            "列の数が18です（見出しは17列）",
        ),
        (
            replace_first(&good, "\r\n999997", "\n999997"),
            "ファイル: 改行がCRLFではありません",
        ),
    ];
    for (spoiled, expected) in cases {
        let found = messages(&validate(&spoiled, options));
        assert!(
            found.iter().any(|m| m.ends_with(expected)),
            "{expected} not in {found:?}"
        );
    }
    // The BOM only when asked for, and always when asked for.
    assert_eq!(
        messages(&validate(&good, CsvOptions { bom: true })),
        ["ファイル: BOM（バイト順マーク）がありません"]
    );
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(&good);
    assert_eq!(
        messages(&validate(&with_bom, options)),
        ["ファイル: BOM（バイト順マーク）が付いています"]
    );
    assert_eq!(
        messages(&validate(b"\x82\xa0,\r\n", options)),
        ["ファイル: UTF-8として読めません"]
    );
    // A line break inside a quoted cell.
    let broken = replace_first(&good, ",寄附受入,", ",\"寄附\n受入\",");
    assert!(
        messages(&validate(&broken, options))
            .iter()
            .any(|m| m.ends_with("「指標名」: セル内で改行しています")),
    );
}

#[test]
fn open_data_needs_a_municipality() {
    let mut report = kaedemachi();
    report.municipality = None;
    for table in Table::ALL {
        assert!(matches!(
            csv::write(&report, table, CsvOptions::default()),
            Err(ExportError::NoMunicipality { plan }) if plan == "第3次楓町行政改革実施計画"
        ));
    }
    let mut report = kaedemachi();
    report.report_fiscal_year = None;
    assert!(matches!(
        csv::write(&report, Table::Items, CsvOptions::default()),
        Err(ExportError::NoReportYear)
    ));
}

#[test]
fn several_reports_make_one_table_with_every_row_keyed() {
    let mut sakura = read(&kaikaku_fixtures::bundled("sakuragawa_h30.txt"));
    sakura.municipality = Some(Municipality {
        code: LocalGovernmentCode::parse("999989").expect("valid"),
        name: "桜川市".into(),
    });
    let reports = [kaedemachi(), sakura];
    for table in Table::ALL {
        let combined = csv::write_all(&reports, table, CsvOptions { bom: true }).expect("written");
        assert_eq!(
            messages(&validate(&combined, CsvOptions { bom: true })),
            [""; 0]
        );
        let rows = records(&combined);
        let apart: Vec<_> = reports
            .iter()
            .flat_map(|report| records(&write(report, table)))
            .collect();
        assert_eq!(rows, apart, "{table:?}: the rows of each report, in order");
        let towns: Vec<_> = rows.iter().map(|row| row[col::CODE].as_str()).collect();
        let first_sakura = towns
            .iter()
            .position(|code| *code == "999989")
            .expect("both");
        assert!(towns[..first_sakura].iter().all(|code| *code == "999997"));
        assert!(towns[first_sakura..].iter().all(|code| *code == "999989"));
    }
    // A report without its municipality stops the whole file, naming its plan.
    let mut unknown = reports.clone();
    unknown[1].municipality = None;
    let error = csv::write_all(&unknown, Table::Figures, CsvOptions::default())
        .expect_err("no municipality");
    assert!(error.to_string().starts_with("計画「"), "{error}");
}

#[test]
fn records_computed_elsewhere_follow_the_same_rules() {
    let columns = ["都道府県コード", "都道府県名", "実績額（円）"];
    let rows = vec![
        vec![
            Cell::text("01"),
            Cell::text("北海道"),
            Cell::number(145_978_010u64),
        ],
        vec![
            Cell::empty(),
            Cell::text("団体\n不明, \"仮\""),
            Cell::number(Decimal::new(-350_000, 0)),
        ],
        vec![
            Cell::text("-1"),
            Cell::text("=HYPERLINK(\"http://evil.example/\",\"詳細\")"),
            Cell::number(Decimal::new(-3500, 1)),
        ],
    ];
    for bom in [false, true] {
        let options = CsvOptions { bom };
        let bytes = csv::write_records(&columns, rows.clone(), options).expect("writes");
        assert_eq!(bytes.starts_with(b"\xEF\xBB\xBF"), bom);
        assert_eq!(messages(&validate(&bytes, options)), Vec::<String>::new());
        let text = String::from_utf8(bytes).expect("UTF-8");
        assert!(
            text.ends_with(
                "都道府県コード,都道府県名,実績額（円）\r\n01,北海道,145978010\r\n\
                 ,\"団体 不明, \"\"仮\"\"\",-350000\r\n\
                 '-1,\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"詳細\"\")\",-350\r\n"
            ),
            "{text}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Formula injection (OWASP "CSV Injection").

/// The texts of the probe that opened issue 13, and one for each other dangerous start.
const HYPERLINK: &str = "=HYPERLINK(\"http://evil.example/\",\"詳細はこちら\")";
const AT_SUM: &str = "@SUM(1+1)*cmd|\" /C calc\"!A0";
const PLUS: &str = "+1+2";
const MINUS: &str = "-2+3+cmd|' /C calc'!A0";
const TAB: &str = "\t=1+1";
const CR: &str = "\r=1+1";

/// 楓町 with a dangerous start in every kind of text cell: title, department, goal, 総評,
/// an effect label and an effect text. Item No.1's effects row of 令和6年度 keeps its
/// `▲350千円`, the number that must stay plain.
fn hostile() -> Report {
    let mut report = kaedemachi();
    report.plan_name = format!("{PLUS}計画");
    let item = &mut report.items[0];
    item.title = HYPERLINK.into();
    item.reporting_department = Some(TAB.into());
    item.departments = vec![CR.into(), "関係各課".into()];
    item.goal = Some(MINUS.into());
    if let Some(evaluation) = item.evaluation.as_mut() {
        evaluation.text = AT_SUM.into();
    }
    let effect = item.effects.first_mut().expect("an effects row");
    effect.text = format!("{MINUS} {}", effect.text);
    effect.quantities[0].label = AT_SUM.into();
    report
}

#[test]
fn text_cells_that_begin_like_formulas_get_a_quote_and_numbers_stay_plain() {
    let report = hostile();
    assert_eq!(report.items[0].no.0, 1);
    for table in Table::ALL {
        let bytes = write(&report, table);
        assert_eq!(
            messages(&validate(&bytes, CsvOptions::default())),
            Vec::<String>::new(),
            "{table:?}"
        );
        // No cell of any table begins like a formula, except plain numbers in number columns.
        for row in records(&bytes) {
            for (column, value) in &row {
                if value.starts_with(['=', '+', '@', '\t', '\r']) {
                    panic!("{table:?} {column}: {value:?}");
                }
                if value.starts_with('-') {
                    assert!(
                        [col::VALUE, col::YEN].contains(&column.as_str())
                            && value.parse::<Decimal>().is_ok(),
                        "{table:?} {column}: {value:?}"
                    );
                }
            }
        }
    }
    let items = records(&write(&report, Table::Items));
    let first = &items[0];
    assert_eq!(first[col::PLAN], format!("'{PLUS}計画"));
    assert_eq!(first[col::ITEM_TITLE], format!("'{HYPERLINK}"));
    assert_eq!(first[col::REPORTING_DEPARTMENT], "'\t=1+1");
    assert_eq!(first[col::GOAL], format!("'{MINUS}"));
    assert_eq!(first[col::EVALUATION], format!("'{AT_SUM}"));
    let departments = records(&write(&report, Table::Departments));
    // CR begins the cell: the quote, then the line break turned into a space.
    assert_eq!(departments[0][col::DEPARTMENT], "' =1+1");
    assert_eq!(departments[1][col::DEPARTMENT], "関係各課");

    let figures = records(&write(&report, Table::Figures));
    let first_effect = &figures[0];
    assert_eq!(first_effect[col::LABEL], format!("'{AT_SUM}"));
    assert!(
        first_effect[col::TEXT].starts_with(&format!("'{MINUS} ")),
        "{first_effect:?}"
    );
    // The ▲350千円 of No.1 (令和6年度) is still the plain number -350, and -350000 yen.
    let minus = figures
        .iter()
        .find(|row| row[col::VALUE].starts_with('-'))
        .expect("a negative value");
    assert_eq!(
        (
            minus[col::VALUE].as_str(),
            minus[col::UNIT].as_str(),
            minus[col::YEN].as_str()
        ),
        ("-350", "千円", "-350000")
    );
    let raw = String::from_utf8(write(&report, Table::Figures)).expect("UTF-8");
    assert!(raw.contains(",-350,千円,-350000,"), "{raw}");
}

#[test]
fn the_validator_refuses_a_text_cell_that_would_be_a_formula() {
    let good = write(&hostile(), Table::Items);
    let options = CsvOptions::default();
    assert_eq!(messages(&validate(&good, options)), Vec::<String>::new());
    for (from, to, expected) in [
        (
            "'=HYPERLINK(",
            "=HYPERLINK(",
            "2行目「項目名」: 文字が「=」で始まっているため、表計算ソフトで数式として扱われます\
             （文字のセルは先頭に ' を付けます）",
        ),
        (
            "'@SUM",
            "@SUM",
            "2行目「総評」: 文字が「@」で始まっているため、表計算ソフトで数式として扱われます\
             （文字のセルは先頭に ' を付けます）",
        ),
        (
            "'\t=1+1",
            "\t=1+1",
            "2行目「記入担当課」: 文字が「タブ」で始まっているため、表計算ソフトで数式として\
             扱われます（文字のセルは先頭に ' を付けます）",
        ),
        (
            "'-2+3",
            "-2+3",
            "2行目「改善・推進目標」: 文字が「-」で始まっているため、表計算ソフトで数式として\
             扱われます（文字のセルは先頭に ' を付けます）",
        ),
        (
            "'+1+2計画",
            "+1+2計画",
            "2行目「計画名」: 文字が「+」で始まっているため、表計算ソフトで数式として扱われます\
             （文字のセルは先頭に ' を付けます）",
        ),
    ] {
        let spoiled = replace_first(&good, from, to);
        assert_eq!(messages(&validate(&spoiled, options)), [expected], "{to}");
    }
    // `=1+1` in any text cell, even of a file written elsewhere.
    let items = write(&kaedemachi(), Table::Items);
    let spoiled = replace_first(&items, ",総務課,", ",=1+1,");
    assert_eq!(
        messages(&validate(&spoiled, options)),
        [
            "3行目「記入担当課」: 文字が「=」で始まっているため、表計算ソフトで数式として扱われます\
          （文字のセルは先頭に ' を付けます）"
        ]
    );
    // A plain negative number in a text column is a text that was not neutralised; in a
    // column the validator does not know it is a number.
    let spoiled = replace_first(&items, ",総務課,", ",-350,");
    assert_eq!(validate(&spoiled, options).len(), 1);
    let other = "実績額（円）,名\r\n-350,'=1\r\n";
    assert_eq!(
        messages(&validate(other.as_bytes(), options)),
        Vec::<String>::new()
    );
    let other = "実績額（円）,名\r\n-3+5,x\r\n";
    assert_eq!(
        messages(&validate(other.as_bytes(), options)),
        [
            "2行目「実績額（円）」: 文字が「-」で始まっているため、表計算ソフトで数式として扱われます\
          （文字のセルは先頭に ' を付けます）"
        ]
    );
}
