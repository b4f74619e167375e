//! Dashboard, comparison and across-municipality figures of the real sample (Osaki City,
//! FY2021) and the bundled towns, pinned against values computed by hand from the documents'
//! text.

use kaikaku_analysis::{Basis, EffectStatus, ItemState, Presence, compare, edition, plan};
use kaikaku_model::{Decimal, FiscalYear, ItemNo, Phase, Report, ScheduleCell};

fn osaki() -> Report {
    kaikaku_reader::read(&kaikaku_fixtures::real_sample(), &Default::default())
        .expect("the real sample reads")
}

fn bundled(name: &str) -> Report {
    kaikaku_reader::read(&kaikaku_fixtures::bundled(name), &Default::default())
        .expect("the bundled sample reads")
}

fn fy(year: i32) -> FiscalYear {
    FiscalYear::new(year).expect("a fiscal year")
}

fn yen(value: i64) -> Decimal {
    Decimal::from(value)
}

fn nos(items: &[ItemNo]) -> Vec<u32> {
    items.iter().map(|no| no.0).collect()
}

#[test]
fn osaki_items_by_reporting_department() {
    kaikaku_fixtures::skip_without_real_sample!();
    let dashboard = edition(&osaki(), None);
    assert_eq!(dashboard.item_count, 22);
    // The summary table, lines 7–28 (項目 / 記入担当課), in order of first appearance.
    let groups: Vec<(&str, Vec<u32>)> = dashboard
        .by_department
        .iter()
        .map(|group| (group.label.as_str(), nos(&group.items)))
        .collect();
    assert_eq!(
        groups,
        [
            ("まちづくり推進課", vec![1, 16]),
            ("政策課", vec![2, 3, 5, 6, 7, 8, 19]),
            ("子ども保育課", vec![4]),
            ("人財育成課", vec![9, 10]),
            ("市政情報課", vec![11, 12, 13, 14]),
            ("財政課", vec![15, 20]),
            ("納税課", vec![17]),
            ("滞納特別対策室", vec![18]),
            ("経営企画課（経営管理部）", vec![21]),
            ("経営管理課（上下水道部）", vec![22]),
        ]
    );
}

#[test]
fn osaki_items_by_state_in_fy2021() {
    kaikaku_fixtures::skip_without_real_sample!();
    let dashboard = edition(&osaki(), None);
    // The only phase written in the whole sample is No.8, line 168:
    // `ワンストップ窓口の検討と実施⇥② (検討)⇥② (試行)⇥② (実施)` → 3年度 = 試行. Every other
    // item cites actions in its 3年度 column without a phase (No.3 line 71 and No.4 line 90
    // have an empty 3年度 cell, but their second rows cite ②③ and ③).
    let states: Vec<(String, Vec<u32>)> = dashboard
        .by_state
        .iter()
        .map(|group| (group.state.label(), nos(&group.items)))
        .collect();
    let unphased: Vec<u32> = (1..=22).filter(|&n| n != 8).collect();
    assert_eq!(
        states,
        [
            ("試行".to_owned(), vec![8]),
            ("段階の記載なし".to_owned(), unphased)
        ]
    );
}

#[test]
fn osaki_yen_per_fiscal_year_and_class() {
    kaikaku_fixtures::skip_without_real_sample!();
    let dashboard = edition(&osaki(), None);
    let year = |y: i32| {
        dashboard
            .yen_by_year
            .iter()
            .find(|row| row.fiscal_year == fy(y))
            .unwrap_or_else(|| panic!("FY{y}"))
    };
    assert_eq!(
        dashboard
            .yen_by_year
            .iter()
            .map(|r| r.fiscal_year.gregorian())
            .collect::<Vec<_>>(),
        [2020, 2021, 2022]
    );
    // 実績, FY2020 (令和2年度 rows; all unmarked, a year up to the report year 2021 → 実績):
    //   No.17 line 355  68,307,000円
    //   No.18 line 373  28,314,453円
    //   No.20 line 409  61,662,426 円
    //   No.21 line 429  110,000千円 = 110,000,000円
    //   No.22 line 452   6,409,595円
    //   68,307,000 + 28,314,453 + 61,662,426 + 110,000,000 + 6,409,595 = 274,693,474
    let fy2020 = year(2020);
    assert_eq!(fy2020.yen(EffectStatus::Actual), yen(274_693_474));
    assert_eq!(nos(&fy2020.cells[0].items), [17, 18, 20, 21, 22]);
    // 見込み, FY2020: No.19 line 390 `寄附受入（見込み）⇥27,075件⇥427,794,446円` — marked 見込み.
    assert_eq!(fy2020.yen(EffectStatus::Forecast), yen(427_794_446));
    assert_eq!(fy2020.yen(EffectStatus::Plan), Decimal::ZERO);
    // 実績, FY2021 (令和3年度 rows):
    //   No.17 line 356 38,353,000; No.18 line 374 49,443,860; No.20 line 410 58,181,150;
    //   No.21 line 430 4,732千円 = 4,732,000; No.22 line 453 8,423,128
    //   38,353,000 + 49,443,860 + 58,181,150 + 4,732,000 + 8,423,128 = 159,133,138
    let fy2021 = year(2021);
    assert_eq!(fy2021.yen(EffectStatus::Actual), yen(159_133_138));
    // 見込み, FY2021: No.19 line 391 568,051,833円 (marked).
    assert_eq!(fy2021.yen(EffectStatus::Forecast), yen(568_051_833));
    // FY2022 (after the report year: unmarked values are 見込み):
    //   No.19 line 392 307,500,000 (marked); No.20 line 411 57,000,000;
    //   No.21 line 432 296,000千円 = 296,000,000 (the continuation line of the 令和4年度 row);
    //   No.22 line 454 7,611,721
    //   307,500,000 + 57,000,000 + 296,000,000 + 7,611,721 = 668,111,721
    let fy2022 = year(2022);
    assert_eq!(fy2022.yen(EffectStatus::Actual), Decimal::ZERO);
    assert_eq!(fy2022.yen(EffectStatus::Forecast), yen(668_111_721));
    assert_eq!(nos(&fy2022.cells[2].items), [19, 20, 21, 22]);
    assert_eq!(fy2022.total(), yen(668_111_721));

    // Per item: the six items with money, and No.21 in 千円 converted to yen.
    let items: Vec<u32> = dashboard.yen_by_item.iter().map(|i| i.no.0).collect();
    assert_eq!(items, [17, 18, 19, 20, 21, 22]);
    let no21 = &dashboard.yen_by_item[4];
    assert_eq!(no21.years[0].yen(EffectStatus::Actual), yen(110_000_000));
    assert_eq!(no21.years[2].yen(EffectStatus::Forecast), yen(296_000_000));

    // The 総計 rows (e.g. No.20 line 412 176,843,576 円) are never counted, and the classes
    // say whether the document marks them.
    let no19 = dashboard
        .figures
        .iter()
        .find(|f| f.item_no == ItemNo(19) && f.yen().is_some())
        .expect("No.19 has money");
    assert_eq!(no19.basis, Basis::Marked);
    let no20 = dashboard
        .figures
        .iter()
        .find(|f| f.item_no == ItemNo(20))
        .expect("No.20 has money");
    assert_eq!((no20.basis, no20.line), (Basis::ByYear, 409));
}

#[test]
fn osaki_open_findings_are_no20_and_no21() {
    kaikaku_fixtures::skip_without_real_sample!();
    let dashboard = edition(&osaki(), None);
    let items: Vec<u32> = dashboard.findings.iter().map(|f| f.item_no.0).collect();
    assert_eq!(items, [20, 21]);
}

#[test]
fn kaedemachi_yen_and_states() {
    let dashboard = edition(&bundled("kaedemachi_r6.txt"), None);
    assert!(dashboard.findings.is_empty());
    // samples/README.md, 楓町: money only in No.5 (千円), No.8 (円) and No.9 (円).
    //   FY2023 実績: 4,280,000 + 58,226,000 + 8,736,400 = 71,242,400
    //   FY2024 実績: −350,000 (▲350千円) + 71,390,500 + 11,402,600 = 82,443,100
    //   FY2025 見込み: 2,500,000 + 75,000,000 + 15,500,000 = 93,000,000
    //   FY2026 計画: 3,000,000 + 80,000,000 + 9,500,000 = 92,500,000
    let rows: Vec<(i32, [Decimal; 3])> = dashboard
        .yen_by_year
        .iter()
        .map(|row| {
            (
                row.fiscal_year.gregorian(),
                EffectStatus::ALL.map(|status| row.yen(status)),
            )
        })
        .collect();
    let z = Decimal::ZERO;
    assert_eq!(
        rows,
        [
            (2023, [yen(71_242_400), z, z]),
            (2024, [yen(82_443_100), z, z]),
            (2025, [z, z, yen(93_000_000)]),
            (2026, [z, yen(92_500_000), z]),
        ]
    );
    // FY2024 (6年度): No.4 rows `①`, `② (試行)`, `③ (検討)` → 試行・検討; the rest cite
    // actions without a phase.
    let states: Vec<(String, Vec<u32>)> = dashboard
        .by_state
        .iter()
        .map(|group| (group.state.label(), nos(&group.items)))
        .collect();
    assert_eq!(
        states,
        [
            ("試行・検討".to_owned(), vec![4]),
            ("段階の記載なし".to_owned(), vec![1, 2, 3, 5, 6, 7, 8, 9])
        ]
    );
    let departments: Vec<(&str, usize)> = dashboard
        .by_department
        .iter()
        .map(|group| (group.label.as_str(), group.items.len()))
        .collect();
    assert_eq!(
        departments,
        [
            ("まちづくり推進課", 2),
            ("総務課", 2),
            ("デジタル推進課", 1),
            ("住民課", 1),
            ("財政課", 1),
            ("企画課", 1),
            ("経営管理課（上下水道部）", 1),
        ]
    );
}

#[test]
fn sakuragawa_yen_targets_count_as_plan_and_two_findings() {
    let dashboard = edition(&bundled("sakuragawa_h30.txt"), None);
    // samples/README.md, 桜川市 (report year FY2019):
    //   No.2 (千円): FY2018 18,426 実績, FY2019 21,063 実績, FY2020–22 20,000 目標 (→ 計画);
    //   No.3 (円, unmarked): FY2018 24,318,520 and FY2019 19,604,300 (→ 実績 by year),
    //   FY2020 21,770,000, FY2021 and FY2022 15,000,000 (→ 見込み by year).
    //   FY2018 実績 18,426,000 + 24,318,520 = 42,744,520
    //   FY2019 実績 21,063,000 + 19,604,300 = 40,667,300
    let row = |y: i32| {
        let row = dashboard
            .yen_by_year
            .iter()
            .find(|row| row.fiscal_year == fy(y))
            .expect("a year");
        EffectStatus::ALL.map(|status| row.yen(status))
    };
    let z = Decimal::ZERO;
    assert_eq!(row(2018), [yen(42_744_520), z, z]);
    assert_eq!(row(2019), [yen(40_667_300), z, z]);
    assert_eq!(row(2020), [z, yen(20_000_000), yen(21_770_000)]);
    assert_eq!(row(2022), [z, yen(20_000_000), yen(15_000_000)]);
    // FY2019 (元年度): No.1 row 1 `① (試行)`, row 2 empty → 試行.
    assert_eq!(
        dashboard.by_state[0].state,
        ItemState::Phases(vec![Phase::Trial])
    );
    assert_eq!(nos(&dashboard.by_state[0].items), [1]);
    let findings: Vec<u32> = dashboard.findings.iter().map(|f| f.item_no.0).collect();
    assert_eq!(findings, [2, 3]);
}

/// The sample as if it were the FY2022 edition: the same sheets, the report year moved on,
/// and a few edits a year brings.
fn osaki_2022() -> Report {
    let mut next = osaki();
    next.report_fiscal_year = Some(fy(2022));
    next.title = "第5次集中改革プラン取組実績一覧(令和4年度実績)".to_owned();
    for item in &mut next.items {
        match item.no.0 {
            // A text: the goal of No.2.
            2 => item.goal = Some("事務事業の見直しを定着させる。".to_owned()),
            // A phase: No.1's 4年度 cell `①～⑤` becomes `①～⑤ (検討)`.
            1 => {
                let cell = &mut item.contents[0].schedule[2];
                *cell = ScheduleCell::read(fy(2022), "①～⑤ (検討)");
            }
            // A number: No.22's 令和4年度 7,611,721円 becomes 7,700,000円.
            22 => item.effects[2].quantities[0].value = Decimal::from(7_700_000),
            _ => {}
        }
    }
    // An item removed: No.4.
    next.items.retain(|item| item.no != ItemNo(4));
    next
}

#[test]
fn comparing_two_editions_item_by_item() {
    kaikaku_fixtures::skip_without_real_sample!();
    let comparison = compare(&osaki(), &osaki_2022());
    assert_eq!(comparison.from_year, Some(fy(2021)));
    assert_eq!(comparison.to_year, Some(fy(2022)));
    // 21 items in the later edition, then the removed No.4.
    assert_eq!(comparison.items.len(), 22);
    let removed = comparison.items.last().expect("items");
    assert_eq!(
        (removed.no, removed.presence),
        (ItemNo(4), Presence::Removed)
    );
    assert_eq!(removed.state_to, None);

    let item = |no: u32| {
        comparison
            .items
            .iter()
            .find(|item| item.no == ItemNo(no))
            .expect("compared")
    };
    // The text change, labelled by the model's field.
    let no2 = item(2);
    assert_eq!(no2.changes.len(), 1);
    assert_eq!(no2.changes[0].field.label(), "改善・推進目標");
    assert_eq!(no2.changes[0].after, "事務事業の見直しを定着させる。");
    assert!(!no2.state_changed());

    // States: No.1 段階の記載なし → 検討 (edited); No.8 試行 → 実施, as its line 168 says for
    // 4年度 (`② (実施)`) — the report year moved on. No other item changes state.
    let changed: Vec<(u32, String, String)> = comparison
        .items
        .iter()
        .filter(|item| item.state_changed())
        .map(|item| {
            let label =
                |s: &Option<ItemState>| s.as_ref().map(ItemState::label).unwrap_or_default();
            (item.no.0, label(&item.state_from), label(&item.state_to))
        })
        .collect();
    assert_eq!(
        changed,
        [
            (1, "段階の記載なし".to_owned(), "検討".to_owned()),
            (8, "試行".to_owned(), "実施".to_owned()),
        ]
    );
    // No.1's schedule text changed too.
    assert_eq!(item(1).changes[0].field.path(), "contents.0");

    // The number: No.22 FY2022 7,611,721 (見込み: unmarked, after the 2021 report year) →
    // 7,700,000 (実績: unmarked, the 2022 report year): +88,279 円.
    let no22 = item(22);
    assert_eq!(no22.deltas.len(), 1);
    let delta = &no22.deltas[0];
    assert_eq!(delta.fiscal_year, fy(2022));
    assert_eq!(delta.unit.symbol(), "円");
    assert_eq!(delta.from, Some((EffectStatus::Forecast, yen(7_611_721))));
    assert_eq!(delta.to, Some((EffectStatus::Actual, yen(7_700_000))));
    assert_eq!(delta.delta(), Some(yen(88_279)));
    // No.20's 57,000,000 円 (line 411) keeps its value; only its class moves 見込み → 実績.
    let no20 = &item(20).deltas;
    assert_eq!(no20.len(), 1);
    assert_eq!(no20[0].delta(), Some(Decimal::ZERO));
    assert_eq!(no20[0].from.map(|f| f.0), Some(EffectStatus::Forecast));
    // No.19's values are marked （見込み） in both: nothing differs.
    assert!(item(19).is_unchanged());
    assert!(item(3).is_unchanged());
}

#[test]
fn forecast_last_year_against_actual_this_year() {
    kaikaku_fixtures::skip_without_real_sample!();
    let dashboards = plan(&[osaki_2022(), osaki()]);
    assert_eq!(dashboards.editions.len(), 2);
    let first = &dashboards.editions[0];
    assert_eq!(first.fiscal_year, Some(fy(2021)));
    assert!(first.forecast_vs_actual.is_empty());
    let second = &dashboards.editions[1];
    assert_eq!(second.previous_year, Some(fy(2021)));
    // FY2022 in the FY2021 edition: unmarked values after the report year are 見込み; in the
    // FY2022 edition the same rows are 実績. No.19's are marked （見込み） in both, so there
    // is a forecast and no actual.
    let rows: Vec<(u32, &str, Option<Decimal>, Option<Decimal>)> = second
        .forecast_vs_actual
        .iter()
        .map(|r| (r.item_no.0, r.unit.symbol(), r.forecast, r.actual))
        .collect();
    let some = |v: i64| Some(Decimal::from(v));
    assert_eq!(
        rows,
        [
            // No.9 line 196: 977人 marked 【実績】 in both editions: an actual only.
            (9, "人", None, some(977)),
            // No.11 line 243: マイナンバーカードを活用した電子申請サービス 2件.
            (11, "件", some(2), some(2)),
            // No.12 line 262: オープンデータ新規登録データ数 20件.
            (12, "件", some(20), some(20)),
            // No.14 line 300: 試験導入 1件 + 本格導入 2件 = 3件.
            (14, "件", some(3), some(3)),
            // No.16 line 338: 10施設 marked （計画）: neither forecast nor actual → absent.
            // No.19 line 392: 307,500,000円 and 21,500件, marked （見込み）.
            (19, "円", some(307_500_000), None),
            (19, "件", some(21_500), None),
            // No.20 line 411: 57,000,000 円.
            (20, "円", some(57_000_000), some(57_000_000)),
            // No.21 lines 431–432: 296,000千円 and 1,825人.
            (21, "円", some(296_000_000), some(296_000_000)),
            (21, "人", some(1_825), some(1_825)),
            // No.22 line 454: 7,611,721円 forecast, 7,700,000円 reported (edited).
            (22, "円", some(7_611_721), some(7_700_000)),
        ]
    );
    assert_eq!(
        second
            .forecast_vs_actual
            .last()
            .and_then(|r| r.difference()),
        Some(Decimal::from(88_279))
    );
    // Across the editions: 政策課 keeps 7 items, 子ども保育課 (No.4) is gone in FY2022.
    let departments = dashboards.departments();
    let row = |label: &str| {
        departments
            .iter()
            .find(|row| row.label == label)
            .map(|row| row.per_edition.iter().map(Vec::len).collect::<Vec<_>>())
    };
    assert_eq!(row("政策課"), Some(vec![7, 7]));
    assert_eq!(row("子ども保育課"), Some(vec![1, 0]));
    let states = dashboards.states();
    let labels: Vec<&str> = states.iter().map(|row| row.label.as_str()).collect();
    assert_eq!(labels, ["検討", "試行", "実施", "段階の記載なし"]);
}

/// The real sample with its municipality set and only the items up to `last` kept.
fn osaki_as(municipality: Option<(&str, &str)>, plan: &str, last: u32) -> Report {
    let mut report = osaki();
    report.municipality = municipality.map(|(code, name)| kaikaku_model::Municipality {
        code: kaikaku_model::LocalGovernmentCode::parse(code).expect("a valid code"),
        name: name.to_owned(),
    });
    report.plan_name = plan.to_owned();
    report.items.retain(|item| item.no.0 <= last);
    report
}

#[test]
fn one_report_year_summed_per_municipality_prefecture_and_nation() {
    kaikaku_fixtures::skip_without_real_sample!();
    use kaikaku_analysis::{Area, Reporter, Totals, across, report_years};
    const PLAN5: &str = "第5次集中改革プラン";
    let chiyoda = Some(("131016", "千代田区"));
    let mut sakuragawa = bundled("sakuragawa_h30.txt");
    sakuragawa.municipality = osaki_as(Some(("011002", "札幌市")), PLAN5, 0).municipality;
    let reports = [
        // Superseded by the next one (same municipality, plan and year): the last one counts.
        osaki_as(chiyoda, PLAN5, 1),
        osaki_as(chiyoda, PLAN5, 22),
        osaki_as(chiyoda, "第6次行政改革大綱", 18),
        osaki_as(Some(("011002", "札幌市")), PLAN5, 20),
        osaki_as(Some(("999989", "桜川市")), PLAN5, 22),
        osaki_as(None, PLAN5, 22),
        // Other report years: FY2019 and FY2024.
        sakuragawa,
        bundled("kaedemachi_r6.txt"),
    ];
    assert_eq!(
        report_years(&reports),
        [fy(2019), fy(2021), fy(2024)],
        "each year once, oldest first"
    );
    let fy2021 = across(&reports, fy(2021));
    // The whole sample, FY2021 (osaki_yen_per_fiscal_year_and_class above): 実績 159,133,138
    // (No.17, 18, 20, 21, 22), 見込み 568,051,833 (No.19), two findings (No.20, No.21).
    let whole = Totals {
        municipalities: 1,
        plans: 1,
        items: 22,
        actual: yen(159_133_138),
        plan: Decimal::ZERO,
        forecast: yen(568_051_833),
        findings: 2,
        items_with_findings: 2,
    };
    // Items No.1–18: 実績 of No.17 and No.18 only, 38,353,000 + 49,443,860 = 87,796,860.
    let to18 = Totals {
        items: 18,
        actual: yen(87_796_860),
        forecast: Decimal::ZERO,
        findings: 0,
        items_with_findings: 0,
        ..whole.clone()
    };
    // Items No.1–20: 38,353,000 + 49,443,860 + 58,181,150 (No.20) = 145,978,010; No.19's
    // 見込み; No.20's finding.
    let to20 = Totals {
        items: 20,
        actual: yen(145_978_010),
        findings: 1,
        items_with_findings: 1,
        ..whole.clone()
    };
    let areas: Vec<(Area, &str, Option<String>)> = fy2021
        .areas
        .iter()
        .map(|a| (a.area, a.area.name(), a.area.code()))
        .collect();
    assert_eq!(
        areas,
        [
            (Area::Prefecture(1), "北海道", Some("01".to_owned())),
            (Area::Prefecture(13), "東京都", Some("13".to_owned())),
            (Area::OtherCodes, "その他", None),
            (Area::NoMunicipality, "団体不明", None),
        ]
    );
    let hokkaido = fy2021.area(Area::Prefecture(1)).expect("北海道");
    assert_eq!(hokkaido.totals, to20);
    // 東京都: 千代田区 with two plans, 22 + 18 items, 159,133,138 + 87,796,860 = 246,929,998.
    let tokyo = fy2021.area(Area::Prefecture(13)).expect("東京都");
    let chiyoda_totals = Totals {
        municipalities: 1,
        plans: 2,
        items: 40,
        actual: yen(246_929_998),
        plan: Decimal::ZERO,
        forecast: yen(568_051_833),
        findings: 2,
        items_with_findings: 2,
    };
    assert_eq!(tokyo.totals, chiyoda_totals);
    assert_eq!(
        (chiyoda_totals.items, chiyoda_totals.actual),
        (whole.items + to18.items, whole.actual + to18.actual)
    );
    assert_eq!(tokyo.rows.len(), 1, "one row per municipality");
    assert!(
        matches!(&tokyo.rows[0].reporter, Reporter::Municipality(town) if town.name == "千代田区")
    );
    assert_eq!(tokyo.rows[0].totals, chiyoda_totals);
    assert_eq!(fy2021.area(Area::OtherCodes).expect("その他").totals, whole);
    // A plan of no municipality: a row of its own, not a municipality.
    let unknown = fy2021.area(Area::NoMunicipality).expect("団体不明");
    assert_eq!(
        unknown.totals,
        Totals {
            municipalities: 0,
            ..whole.clone()
        }
    );
    assert_eq!(unknown.rows[0].reporter, Reporter::Plan(PLAN5.to_owned()));
    // The nation: 3 municipalities, 5 plans, 20 + 40 + 22 + 22 = 104 items;
    // 実績 145,978,010 + 246,929,998 + 159,133,138 × 2 = 711,174,284;
    // 見込み 568,051,833 × 4 = 2,272,207,332; findings 1 + 2 + 2 + 2 = 7.
    assert_eq!(
        fy2021.total,
        Totals {
            municipalities: 3,
            plans: 5,
            items: 104,
            actual: yen(711_174_284),
            plan: Decimal::ZERO,
            forecast: yen(2_272_207_332),
            findings: 7,
            items_with_findings: 7,
        }
    );
    assert_eq!(fy2021.total.yen(EffectStatus::Actual), yen(711_174_284));

    // FY2019: 桜川市's report filed under 札幌市. samples/README.md: FY2019 実績 21,063,000
    // (No.2, 千円) + 19,604,300 (No.3) = 40,667,300; the 目標 of No.2 are for later years;
    // findings at No.2 and No.3.
    let fy2019 = across(&reports, fy(2019));
    assert_eq!(fy2019.areas.len(), 1);
    assert_eq!(fy2019.areas[0].area, Area::Prefecture(1));
    assert_eq!(fy2019.total.actual, yen(40_667_300));
    assert_eq!(fy2019.total.plan, Decimal::ZERO);
    assert_eq!(
        (fy2019.total.findings, fy2019.total.items_with_findings),
        (2, 2)
    );
    // FY2024: 楓町 without a municipality; 実績 −350,000 + 71,390,500 + 11,402,600 = 82,443,100.
    let fy2024 = across(&reports, fy(2024));
    assert_eq!(fy2024.total.actual, yen(82_443_100));
    assert_eq!(
        (
            fy2024.total.municipalities,
            fy2024.total.plans,
            fy2024.total.items
        ),
        (0, 1, 9)
    );
    // A year without editions is empty, not an error.
    assert_eq!(across(&reports, fy(2030)).total, Totals::default());

    // Added one at a time (as a national corpus is loaded, town by town), every year at once:
    // the same figures.
    let mut tally = kaikaku_analysis::Tally::default();
    for report in &reports {
        tally.add(report);
    }
    assert_eq!(tally.years(), [fy(2019), fy(2021), fy(2024)]);
    assert_eq!(tally.all_years(), [fy2019, fy2021, fy2024]);
}
