//! The reader on real documents: values pinned from the real sample (Osaki City, FY2021), the
//! same document in other encodings and label spellings, and inputs that must never panic.

use kaikaku_fixtures as fixtures;
use kaikaku_model::{Decimal, FiscalYear, Item, NarrativeKind, Report, Status};
use kaikaku_reader::{ReadError, ReadOptions, read};

fn sample() -> Report {
    read(&fixtures::real_sample(), &ReadOptions::default()).expect("the real sample reads")
}

fn item(report: &Report, no: u32) -> &Item {
    report.item(no).unwrap_or_else(|| panic!("No.{no} is read"))
}

fn fy(year: i32) -> FiscalYear {
    FiscalYear::new(year).expect("a fiscal year")
}

fn dec(text: &str) -> Decimal {
    text.parse().expect("a decimal")
}

/// A quantity as `(label, value, unit, status)`.
type Q = (String, String, String, Option<Status>);

/// Effects rows as `(year or "総計", quantities)`.
fn effects(item: &Item) -> Vec<(String, Vec<Q>)> {
    item.effects
        .iter()
        .map(|row| {
            let year = match row.fiscal_year {
                Some(year) => year.gregorian().to_string(),
                None if row.is_total => "総計".to_owned(),
                None => "?".to_owned(),
            };
            let quantities = row
                .quantities
                .iter()
                .map(|q| {
                    (
                        q.label.clone(),
                        q.value.to_string(),
                        q.unit.symbol().to_owned(),
                        q.status,
                    )
                })
                .collect();
            (year, quantities)
        })
        .collect()
}

fn q(label: &str, value: &str, unit: &str, status: Option<Status>) -> Q {
    (label.to_owned(), value.to_owned(), unit.to_owned(), status)
}

#[test]
fn the_document_as_a_whole() {
    kaikaku_fixtures::skip_without_real_sample!();
    let report = sample();
    assert_eq!(
        report.title,
        "第5次集中改革プラン取組実績一覧(令和3年度実績)"
    );
    assert_eq!(report.plan_name, "第5次集中改革プラン");
    assert_eq!(report.report_fiscal_year, Some(fy(2021)));
    assert_eq!(report.fiscal_years, [fy(2020), fy(2021), fy(2022)]);
    assert_eq!(report.items.len(), 22);
    assert_eq!(report.summary.len(), 22);
    let numbers: Vec<u32> = report.items.iter().map(|i| i.no.0).collect();
    assert_eq!(numbers, (1..=22).collect::<Vec<_>>());
    assert_eq!(report.warnings, [], "every line of the sample is placed");
}

#[test]
fn summary_table_reporting_departments() {
    kaikaku_fixtures::skip_without_real_sample!();
    let report = sample();
    let departments: Vec<&str> = report
        .summary
        .iter()
        .map(|row| row.reporting_department.as_str())
        .collect();
    assert_eq!(
        departments,
        [
            "まちづくり推進課",
            "政策課",
            "政策課",
            "子ども保育課",
            "政策課",
            "政策課",
            "政策課",
            "政策課",
            "人財育成課",
            "人財育成課",
            "市政情報課",
            "市政情報課",
            "市政情報課",
            "市政情報課",
            "財政課",
            "まちづくり推進課",
            "納税課",
            "滞納特別対策室",
            "政策課",
            "財政課",
            "経営企画課（経営管理部）",
            "経営管理課（上下水道部）",
        ]
    );
    assert_eq!(report.summary[13].title, "AIやRPA等を活用した業務の効率化");
    assert_eq!(
        item(&report, 14).title,
        "AI や RPA 等を活用した業務の効率化"
    );
    assert_eq!(
        item(&report, 21).reporting_department.as_deref(),
        Some("経営企画課（経営管理部）")
    );
    for item in &report.items {
        assert!(
            item.reporting_department.is_some(),
            "No.{} has its 記入担当課",
            item.no.0
        );
    }
}

#[test]
fn no1_every_part() {
    kaikaku_fixtures::skip_without_real_sample!();
    let report = sample();
    let no1 = item(&report, 1);
    assert_eq!(no1.title, "多様な話し合いの場と環境づくり");
    assert_eq!(
        no1.departments,
        ["まちづくり推進課", "地域振興課", "関係各課"]
    );
    assert_eq!(no1.contents.len(), 1);
    assert_eq!(
        no1.contents[0].text,
        "大崎市話し合う協働のまちづくり条例行動計画の推進"
    );
    for cell in &no1.contents[0].schedule {
        assert_eq!(cell.text, "①～⑤");
        assert_eq!(cell.actions, [1, 2, 3, 4, 5]);
        assert_eq!(cell.phase, None);
    }
    let years: Vec<i32> = no1.contents[0]
        .schedule
        .iter()
        .map(|c| c.fiscal_year.gregorian())
        .collect();
    assert_eq!(years, [2020, 2021, 2022]);
    assert_eq!(
        no1.goal.as_deref(),
        Some("市民のまちづくりの参加意識を高めるため、話し合いの場づくりと環境づくりを推進する。")
    );
    let actions: Vec<(u8, &str)> = no1
        .actions
        .iter()
        .map(|a| (a.no, a.text.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            (1, "多様な話し合いの場と環境づくり"),
            (2, "まちづくりへ参画するきっかけづくり"),
            (3, "役割の明確化と協働の実践"),
            (4, "活動拠点施設の充実"),
            (5, "まちづくりを担う人材の発掘と若者の育成"),
        ]
    );
    let narratives: Vec<(i32, NarrativeKind)> = no1
        .narratives
        .iter()
        .map(|n| (n.fiscal_year.gregorian(), n.kind))
        .collect();
    assert_eq!(
        narratives,
        [
            (2021, NarrativeKind::Actual),
            (2022, NarrativeKind::Forecast)
        ]
    );
    assert!(
        no1.narratives[0]
            .text
            .starts_with("・協働のまちづくり研修会の開催。")
    );
    assert_eq!(no1.narratives[0].line, 39);
    assert_eq!(
        effects(no1),
        [
            (
                "2020".into(),
                vec![q(
                    "協働のまちづくりに関する市民満足度",
                    "32.3",
                    "%",
                    Some(Status::Actual)
                )]
            ),
            ("2021".into(), vec![]),
            (
                "2022".into(),
                vec![q(
                    "協働のまちづくりに関する市民満足度",
                    "37",
                    "%",
                    Some(Status::Plan)
                )]
            ),
            ("総計".into(), vec![]),
        ]
    );
    assert_eq!(no1.effects[1].text, "—");
    let evaluation = no1.evaluation.as_ref().expect("総評");
    assert_eq!(evaluation.fiscal_year, fy(2021));
    assert!(evaluation.text.starts_with(
        "コロナ禍で地域活動は概ね自粛傾向を余儀なくされ、高校生タウンミーティングも中止となつた"
    ));
    assert!(no1.reposts.is_empty());
}

#[test]
fn schedules_phases_and_empty_cells() {
    kaikaku_fixtures::skip_without_real_sample!();
    let report = sample();
    let no8 = item(&report, 8);
    let second = &no8.contents[1];
    assert_eq!(second.text, "ワンストップ窓口の検討と実施");
    let phases: Vec<(i32, Vec<u8>, Option<&str>)> = second
        .schedule
        .iter()
        .map(|c| {
            (
                c.fiscal_year.gregorian(),
                c.actions.clone(),
                c.phase.as_ref().map(|p| p.word()),
            )
        })
        .collect();
    assert_eq!(
        phases,
        [
            (2020, vec![2], Some("検討")),
            (2021, vec![2], Some("試行")),
            (2022, vec![2], Some("実施"))
        ]
    );

    let no9 = item(&report, 9);
    assert_eq!(no9.contents.len(), 3);
    let third: Vec<Vec<u8>> = no9.contents[2]
        .schedule
        .iter()
        .map(|c| c.actions.clone())
        .collect();
    assert_eq!(third, [vec![], vec![], vec![3]]);
    assert_eq!(no9.contents[2].text, "定年延長制度の活用");

    let no3 = item(&report, 3);
    let rows: Vec<Vec<Vec<u8>>> = no3
        .contents
        .iter()
        .map(|row| row.schedule.iter().map(|c| c.actions.clone()).collect())
        .collect();
    assert_eq!(
        rows,
        [
            vec![vec![1], vec![], vec![]],
            vec![vec![2], vec![2, 3], vec![2, 3]]
        ]
    );
    let no21 = item(&report, 21);
    assert_eq!(no21.contents[1].schedule[0].actions, [2, 3, 5]);
}

#[test]
fn departments_and_reposts() {
    kaikaku_fixtures::skip_without_real_sample!();
    let report = sample();
    assert_eq!(
        item(&report, 16).departments,
        [
            "まちづくり推進課",
            "各総合支所地域振興課",
            "財政課",
            "総務課",
            "政策課"
        ]
    );
    assert_eq!(item(&report, 21).departments, ["経営管理部経営企画課"]);
    let reposts = |no| {
        item(&report, no)
            .reposts
            .iter()
            .map(|r| r.item_no.0)
            .collect::<Vec<_>>()
    };
    assert_eq!(reposts(2), [3, 5]);
    assert_eq!(reposts(3), [2]);
    assert_eq!(reposts(5), [2]);
    assert_eq!(reposts(1), Vec::<u32>::new());
}

#[test]
fn no19_counts_and_amounts_in_separate_cells() {
    kaikaku_fixtures::skip_without_real_sample!();
    let report = sample();
    let no19 = item(&report, 19);
    let forecast = Some(Status::Forecast);
    assert_eq!(
        effects(no19),
        [
            (
                "2020".into(),
                vec![
                    q("寄附受入", "27075", "件", forecast),
                    q("寄附受入", "427794446", "円", forecast)
                ]
            ),
            (
                "2021".into(),
                vec![
                    q("寄附受入", "35958", "件", forecast),
                    q("寄附受入", "568051833", "円", forecast)
                ]
            ),
            (
                "2022".into(),
                vec![
                    q("寄附受入", "21500", "件", forecast),
                    q("寄附受入", "307500000", "円", forecast)
                ]
            ),
            (
                "総計".into(),
                vec![
                    q("寄附受入", "84533", "件", forecast),
                    q("寄附受入", "1303346279", "円", forecast)
                ]
            ),
        ]
    );
    assert_eq!(no19.effects[0].quantities[1].yen(), Some(dec("427794446")));
    assert_eq!(
        no19.effects[0].text,
        "寄附受入（見込み） 27,075件 427,794,446円"
    );
    // The narratives come from one HTML cell holding both sections.
    let kinds: Vec<NarrativeKind> = no19.narratives.iter().map(|n| n.kind).collect();
    assert_eq!(kinds, [NarrativeKind::Actual, NarrativeKind::Forecast]);
    assert!(
        no19.narratives[0]
            .text
            .starts_with("・ふるさと納税ポータルサイトを2つ増設した。")
    );
    assert_eq!(
        no19.narratives[0].text.lines().count(),
        4,
        "list items on their own lines"
    );
    assert!(!no19.narratives[1].text.contains('<'));
    let evaluation = no19.evaluation.as_ref().expect("総評");
    assert_eq!(evaluation.text.lines().count(), 2);
    assert!(
        evaluation
            .text
            .starts_with("令和3年度は前年度を大きく上回る結果となった。")
    );
}

#[test]
fn no21_effects_with_a_continuation_row() {
    kaikaku_fixtures::skip_without_real_sample!();
    let report = sample();
    let no21 = item(&report, 21);
    assert_eq!(
        effects(no21),
        [
            (
                "2020".into(),
                vec![q("分院・診療所等の医業収支改善額", "110000", "千円", None)]
            ),
            (
                "2021".into(),
                vec![q(
                    "地域包括ケア病床増床（16床）による効果額",
                    "4732",
                    "千円",
                    None
                )]
            ),
            (
                "2022".into(),
                vec![
                    q(
                        "医療の質改善による入院患者数の増及び効果額",
                        "1825",
                        "人",
                        None
                    ),
                    q(
                        "地域包括ケア病床増床（70床）による効果額",
                        "296000",
                        "千円",
                        None
                    ),
                ]
            ),
            (
                "総計".into(),
                vec![q("", "53564", "千円", None), q("", "464296", "千円", None)]
            ),
        ]
    );
    assert_eq!(no21.effects[3].line, 433);
    assert_eq!(no21.effects[1].quantities[0].yen(), Some(dec("4732000")));
    // The evaluation was cut by a page break in the middle of 地域包括ケア.
    let evaluation = &no21.evaluation.as_ref().expect("総評").text;
    assert!(evaluation.contains("新改革プランに基づき地域包括ケア病床の増床や"));
    assert_eq!(evaluation.lines().count(), 2);
}

#[test]
fn marks_in_other_cells_and_quantities_in_text() {
    kaikaku_fixtures::skip_without_real_sample!();
    let report = sample();
    let actual = Some(Status::Actual);
    assert_eq!(
        effects(item(&report, 10))[..3],
        [
            (
                "2020".into(),
                vec![q("職員意識調査「自己成長」の満足度", "61", "点", actual)]
            ),
            (
                "2021".into(),
                vec![q("職員意識調査「自己成長」の満足度", "61", "点", actual)]
            ),
            (
                "2022".into(),
                vec![q(
                    "職員意識調査「自己成長」の満足度",
                    "62",
                    "点",
                    Some(Status::Plan)
                )]
            ),
        ]
    );
    assert_eq!(
        effects(item(&report, 16)),
        [
            (
                "2020".into(),
                vec![q("地域への譲与数", "2", "施設", actual)]
            ),
            (
                "2021".into(),
                vec![q("地域への譲与数", "0", "施設", actual)]
            ),
            (
                "2022".into(),
                vec![q("地域への譲与数", "10", "施設", Some(Status::Plan))]
            ),
            ("総計".into(), vec![q("地域への譲与数", "12", "施設", None)]),
        ]
    );
    let no9 = effects(item(&report, 9));
    assert_eq!(
        no9[0].1,
        [q(
            "R2.4.1 時点職員数（一般職+再任用フルタイム）",
            "986",
            "人",
            actual
        )]
    );
    let no12 = effects(item(&report, 12));
    assert_eq!(
        no12[0].1,
        [q(
            "オープンデータとして大崎市の避難所等一覧表",
            "236",
            "件",
            None
        )]
    );
    assert_eq!(
        no12[3].1,
        [q("オープンデータ登録データ数", "408", "件", None)]
    );
    let no15 = item(&report, 15);
    assert_eq!(
        (
            no15.effects[3].text.as_str(),
            no15.effects[3].quantities.len()
        ),
        ("一", 0)
    );
    let no17 = effects(item(&report, 17));
    assert_eq!(no17[1].1, [q("削減額（増収額）", "38353000", "円", None)]);
}

#[test]
fn narratives_and_evaluations_across_lines() {
    kaikaku_fixtures::skip_without_real_sample!();
    let report = sample();
    // A line after the 実績 narrative continues it.
    let no17 = item(&report, 17);
    assert!(no17.narratives[0].text.ends_with(
        "\n滞納整理推進による直接的効果 38,353千円 納付機会確保による収納率向上への効果 62,507千円"
    ));
    // Evaluations whose heading stands alone, followed by paragraphs.
    let no10 = item(&report, 10).evaluation.as_ref().expect("総評");
    assert_eq!(no10.fiscal_year, fy(2021));
    assert_eq!(
        no10.text.lines().next(),
        Some("職員意識調査「自己成長」の満足度は 61 点で、令和 2 年度と同じであった。")
    );
    assert_eq!(no10.text.lines().count(), 2);
    let no7 = item(&report, 7).evaluation.as_ref().expect("総評");
    assert!(
        no7.text.contains("チャットポット"),
        "text is kept as written"
    );
    let no20 = item(&report, 20);
    assert_eq!(
        no20.narratives[1].text,
        "売却額 20,000,000 円 貸付額 32,000,000 円 （合計 57,000,000 円）"
    );
    assert_eq!(
        no20.evaluation.as_ref().map(|e| e.text.lines().count()),
        Some(5)
    );
    let no14 = item(&report, 14);
    assert_eq!(
        no14.narratives.len(),
        2,
        "headings with spaced years: 【令和 3 年度（実績）】"
    );
}

#[test]
fn encodings_and_line_ends_read_to_the_same_model() {
    kaikaku_fixtures::skip_without_real_sample!();
    let original = sample();
    let text = fixtures::real_sample_text();
    let utf8_variants = [
        (
            "UTF-8 with BOM and CRLF",
            fixtures::with_bom_and_crlf(&text),
        ),
        (
            "full-width labels",
            fixtures::with_full_width_labels(&text).into_bytes(),
        ),
    ];
    for (name, bytes) in utf8_variants {
        let report =
            read(&bytes, &ReadOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(report, original, "{name}");
    }
    assert_ne!(
        fixtures::with_full_width_labels(&text),
        text,
        "the variant differs"
    );

    // CP932 has no U+2014 or ², so the Shift_JIS file spells them as Windows tools do; it must
    // read exactly like the same spelling in UTF-8.
    let windows = fixtures::cp932_spelling(&text);
    let as_utf8 = read(windows.as_bytes(), &ReadOptions::default()).expect("reads");
    let full_width = fixtures::cp932_spelling(&fixtures::with_full_width_labels(&text));
    let sjis_variants = [
        ("Shift_JIS", fixtures::as_shift_jis(&windows)),
        (
            "Shift_JIS, CRLF, full-width labels",
            fixtures::as_shift_jis(&full_width.replace('\n', "\r\n")),
        ),
    ];
    for (name, bytes) in sjis_variants {
        let report =
            read(&bytes, &ReadOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(report, as_utf8, "{name}");
    }
    assert_eq!(as_utf8.items.len(), 22);
    assert_eq!(
        as_utf8.item(1).map(|i| i.effects[1].text.as_str()),
        Some("―")
    );
}

#[test]
fn a_forced_encoding_wins() {
    kaikaku_fixtures::skip_without_real_sample!();
    let sjis = fixtures::as_shift_jis(&fixtures::cp932_spelling(&fixtures::real_sample_text()));
    let forced = ReadOptions {
        encoding: Some(kaikaku_reader::encoding_for_label("cp932").expect("cp932 is a label")),
    };
    assert_eq!(read(&sjis, &forced).expect("reads").items.len(), 22);
    // Read as UTF-8, Shift_JIS bytes are mostly U+FFFD: not text, and nothing panics.
    let utf8 = ReadOptions {
        encoding: Some(encoding_rs::UTF_8),
    };
    match read(&sjis, &utf8) {
        Err(ReadError::NotText | ReadError::NotAReport { .. }) => {}
        Ok(report) => assert!(report.warnings.iter().any(|w| w.message.contains("U+FFFD"))),
        Err(other) => panic!("unexpected error {other}"),
    }
}

#[test]
fn text_that_is_not_a_report() {
    let err = read(
        b"\n\nminutes of the meeting\nnothing else\n",
        &ReadOptions::default(),
    )
    .expect_err("not a report");
    assert_eq!(
        err.to_string(),
        "進捗報告として読めません: 3行目「minutes of the meeting」を解釈できませんでした"
    );
    assert!(matches!(
        read(b"", &ReadOptions::default()),
        Err(ReadError::Empty)
    ));
    assert!(matches!(
        read(
            &[0x89, b'P', b'N', b'G', 0, 0, 0xff, 0xfe],
            &ReadOptions::default()
        ),
        Err(ReadError::NotText)
    ));
}

#[test]
fn bytes_that_are_not_text_are_refused_before_reading() {
    let refused = |bytes: &[u8]| {
        matches!(
            read(bytes, &ReadOptions::default()),
            Err(ReadError::NotText)
        )
    };
    let report = fixtures::bundled("kaedemachi_r6.txt");
    // One NUL is enough, anywhere.
    let mut with_nul = report.clone();
    with_nul.extend_from_slice(b"\n\0\n");
    assert!(refused(&with_nul));
    // A program: every byte value, over and over.
    let program: Vec<u8> = (0..=255u8).cycle().take(64 * 1024).collect();
    assert!(refused(&program));
    // The same report with some control characters (under one in 50) is still read, and
    // the reader keeps them for the layers above to refuse or escape.
    let text = String::from_utf8(report).expect("UTF-8");
    let odd = text.replacen("ふるさと納税", "ふるさと\u{1b}納税", 3);
    let read_back = read(odd.as_bytes(), &ReadOptions::default()).expect("reads");
    assert_eq!(read_back.items.len(), 9);
    assert_eq!(
        ReadError::NotText.to_string(),
        "テキストのファイルではありません"
    );
}

#[test]
fn what_cannot_be_placed_is_kept_as_a_warning() {
    kaikaku_fixtures::skip_without_real_sample!();
    let text = fixtures::real_sample_text().replace(
        "No.2 事務事業の整理・統廃合の推進\n",
        "No.2 事務事業の整理・統廃合の推進\n\t\tこの行はどこにも属さない\n",
    );
    let report = read(text.as_bytes(), &ReadOptions::default()).expect("reads");
    assert_eq!(report.warnings.len(), 1);
    assert_eq!(report.warnings[0].line, 48);
    assert!(
        report.warnings[0]
            .message
            .contains("この行はどこにも属さない")
    );
    assert_eq!(report.items.len(), 22);
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = read(&bytes, &ReadOptions::default());
        }

        #[test]
        fn on_mutated_samples(
            cuts in proptest::collection::vec((0usize..60_000, 0usize..200), 1..8),
            insert in "\\PC{0,20}",
        ) {
            let mut text = fixtures::bundled_text("kaedemachi_r6.txt");
            for (at, len) in cuts {
                let at = floor_char_boundary(&text, at.min(text.len()));
                let end = floor_char_boundary(&text, (at + len).min(text.len()));
                text.replace_range(at..end, &insert);
            }
            if let Ok(report) = read(text.as_bytes(), &ReadOptions::default()) {
                for warning in &report.warnings {
                    prop_assert!(warning.line >= 1);
                }
            }
        }

        #[test]
        fn on_shuffled_lines(seed in any::<u64>()) {
            let text = fixtures::bundled_text("kaedemachi_r6.txt");
            let mut lines: Vec<&str> = text.lines().collect();
            let mut state = seed | 1;
            for i in (1..lines.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                lines.swap(i, (state % (i as u64 + 1)) as usize);
            }
            let _ = read(lines.join("\t\n").as_bytes(), &ReadOptions::default());
        }
    }

    fn floor_char_boundary(text: &str, mut at: usize) -> usize {
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    }
}

/// The bundled fictional towns (`samples/`, described value by value in `samples/README.md`).
mod towns {
    use super::*;

    fn town(name: &str) -> Report {
        read(&fixtures::bundled(name), &ReadOptions::default()).expect("the sample reads")
    }

    fn schedule(item: &Item, row: usize) -> Vec<(i32, Vec<u8>, Option<String>)> {
        item.contents[row]
            .schedule
            .iter()
            .map(|c| {
                let phase = c.phase.as_ref().map(|p| p.word().to_owned());
                (c.fiscal_year.gregorian(), c.actions.clone(), phase)
            })
            .collect()
    }

    #[test]
    fn kaedemachi_four_fiscal_years() {
        let report = town("kaedemachi_r6.txt");
        assert_eq!(report.plan_name, "第3次楓町行政改革実施計画");
        assert_eq!(report.report_fiscal_year, Some(fy(2024)));
        assert_eq!(
            report.fiscal_years,
            [fy(2023), fy(2024), fy(2025), fy(2026)]
        );
        assert_eq!((report.items.len(), report.summary.len()), (9, 9));
        assert_eq!(report.warnings, []);
        assert_eq!(
            item(&report, 9).reporting_department.as_deref(),
            Some("経営管理課（上下水道部）")
        );
        let no4 = item(&report, 4);
        assert_eq!(no4.departments, ["住民課", "総務課", "デジタル推進課"]);
        let phase = |w: &str| Some(w.to_owned());
        assert_eq!(
            schedule(no4, 2),
            [
                (2023, vec![], None),
                (2024, vec![3], phase("検討")),
                (2025, vec![3], phase("試行")),
                (2026, vec![3], phase("実施")),
            ]
        );
        let mark = |v: &str, s| q("窓口サービス満足度", v, "点", Some(s));
        assert_eq!(
            effects(no4),
            [
                ("2023".into(), vec![mark("78", Status::Actual)]),
                ("2024".into(), vec![mark("82", Status::Actual)]),
                ("2025".into(), vec![mark("84", Status::Target)]),
                ("2026".into(), vec![mark("85", Status::Target)]),
                ("総計".into(), vec![]),
            ]
        );
        let no5 = effects(item(&report, 5));
        let label = "補助金等の見直しによる削減額";
        assert_eq!(no5[1].1, [q(label, "-350", "千円", Some(Status::Actual))]);
        assert_eq!(no5[4].1, [q(label, "9430", "千円", None)]);
        let no8 = effects(item(&report, 8));
        assert_eq!(
            no8[4].1,
            [
                q("寄附受入", "16317", "件", None),
                q("寄附受入", "284616500", "円", None)
            ]
        );
        let no7 = item(&report, 7).evaluation.as_ref().expect("総評");
        assert!(
            no7.text
                .contains("丁寧な説明を重ね、計画期間内の目標達成を目指していく。\nまた、")
        );
        assert_eq!(no7.text.lines().count(), 2);
        let reposts: Vec<u32> = item(&report, 3)
            .reposts
            .iter()
            .map(|r| r.item_no.0)
            .collect();
        assert_eq!(reposts, [2]);
    }

    #[test]
    fn sakuragawa_five_years_across_the_era_change() {
        let report = town("sakuragawa_h30.txt");
        assert_eq!(report.report_fiscal_year, Some(fy(2019)));
        assert_eq!(
            report.fiscal_years,
            [fy(2018), fy(2019), fy(2020), fy(2021), fy(2022)]
        );
        assert_eq!((report.items.len(), report.summary.len()), (4, 4));
        assert_eq!(report.warnings, []);
        let no1 = item(&report, 1);
        let phase = |w: &str| Some(w.to_owned());
        assert_eq!(
            schedule(no1, 0),
            [
                (2018, vec![1], phase("検討")),
                (2019, vec![1], phase("試行")),
                (2020, vec![1], phase("実施")),
                (2021, vec![1], None),
                (2022, vec![1], None),
            ]
        );
        let years: Vec<Option<i32>> = no1
            .effects
            .iter()
            .map(|row| row.fiscal_year.map(FiscalYear::gregorian))
            .collect();
        assert_eq!(
            years,
            [
                Some(2018),
                Some(2019),
                Some(2020),
                Some(2021),
                Some(2022),
                None
            ]
        );
        assert_eq!(no1.narratives[0].fiscal_year, fy(2019));
        assert_eq!(
            no1.evaluation.as_ref().map(|e| e.fiscal_year),
            Some(fy(2019))
        );
        let no2 = effects(item(&report, 2));
        assert_eq!(no2[5].1, [q("収納対策による増収額", "99849", "千円", None)]);
    }
}

/// Other layouts of the family: a one-line contents header, an effects table whose rows start
/// in the first column, `【総評】` without a year, `【担当課】` without a colon, `R` years,
/// `－` in schedule cells.
#[test]
fn other_layouts_of_the_family() {
    let text = [
        "令和5年度 行政改革推進計画 進捗状況（令和5年度実績）",
        "",
        "No.1 窓口の改善",
        "【担当課】市民課、情報政策課",
        "改善内容\tR4\tR5\tR6\t目標",
        "書かない窓口\t①\t①②\t－\t待たない窓口",
        "主な取組内容",
        "①申請書の削減",
        "②予約制の導入",
        "【令和5年度実績】 ・申請書を20件削減した。",
        "取組による効果",
        "令和4年度\t申請書の削減数 10件",
        "令和5年度\t申請書の削減数 20件",
        "総計\t申請書の削減数 30件",
        "【総評】 順調に進んだ。",
    ]
    .join("\n");
    let report = read(text.as_bytes(), &ReadOptions::default()).expect("reads");
    assert_eq!(report.warnings, []);
    assert_eq!(report.plan_name, "令和5年度 行政改革推進計画");
    assert_eq!(report.report_fiscal_year, Some(fy(2023)));
    assert_eq!(report.fiscal_years, [fy(2022), fy(2023), fy(2024)]);
    let no1 = item(&report, 1);
    assert_eq!(no1.departments, ["市民課", "情報政策課"]);
    let cells: Vec<Vec<u8>> = no1.contents[0]
        .schedule
        .iter()
        .map(|c| c.actions.clone())
        .collect();
    assert_eq!(cells, [vec![1], vec![1, 2], vec![]]);
    assert_eq!(no1.contents[0].schedule[2].phase, None);
    assert_eq!(no1.goal.as_deref(), Some("待たない窓口"));
    assert_eq!(no1.actions.len(), 2);
    assert_eq!(no1.narratives[0].fiscal_year, fy(2023));
    let rows = effects(no1);
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows[2],
        ("総計".into(), vec![q("申請書の削減数", "30", "件", None)])
    );
    let evaluation = no1.evaluation.as_ref().expect("総評");
    assert_eq!(
        (evaluation.fiscal_year, evaluation.text.as_str()),
        (fy(2023), "順調に進んだ。")
    );
}

/// In Shift_JIS the byte 0x5C is the yen sign: a cell that begins with it is the text written
/// (and its amount a quantity), never one of the quotes of kaikaku's UTF-8 text layout.
#[test]
fn a_leading_yen_sign_in_shift_jis_is_text_not_a_quote() {
    let text = fixtures::bundled_text("kaedemachi_r6.txt").replace(
        "\t令和6年度\t補助金等の見直しによる削減額 ▲350千円（実績）",
        "\t令和6年度\t\\350千円（補助金等の見直しによる削減額、実績）",
    );
    let report = read(&fixtures::as_shift_jis(&text), &ReadOptions::default()).expect("reads");
    let row = report
        .items
        .iter()
        .flat_map(|item| &item.effects)
        .find(|row| row.fiscal_year == Some(fy(2024)) && row.text.contains("350千円"))
        .expect("the row");
    assert_eq!(row.text, "\\350千円（補助金等の見直しによる削減額、実績）");
    let values: Vec<Decimal> = row.quantities.iter().map(|q| q.value).collect();
    assert_eq!(values, [dec("350")]);
}
