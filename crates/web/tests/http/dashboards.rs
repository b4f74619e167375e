//! The dashboards and the comparison of editions (pages and JSON). The figures of the real
//! sample are computed by hand in crates/analysis/tests/sample.rs; here they must reach the
//! pages. Each test of the real sample has a twin on the bundled samples, named
//! `…_on_the_bundled_sample`, whose figures are summed by hand from samples/README.md in its
//! comments, so that a fresh clone runs them too. A test and its twin call one check
//! (`check_…`) with a struct of their document's expected values.

use kaikaku_model::{Decimal, FiscalYear, ItemNo, Report, Status};
use reqwest::StatusCode;
use serde_json::Value;

use crate::support::*;

/// The real sample as its FY2022 edition: the report year moved on, No.2's goal rewritten,
/// No.22's 令和4年度 7,611,721円 reported as 7,700,000円, No.4 gone.
fn osaki_2022() -> Report {
    let mut next = osaki();
    next.report_fiscal_year = FiscalYear::new(2022);
    next.title = "第5次集中改革プラン取組実績一覧(令和4年度実績)".to_owned();
    for item in &mut next.items {
        match item.no.0 {
            2 => item.goal = Some("事務事業の見直しを定着させる。".to_owned()),
            22 => item.effects[2].quantities[0].value = Decimal::from(7_700_000),
            _ => {}
        }
    }
    next.items.retain(|item| item.no != ItemNo(4));
    next
}

async fn two_osaki_editions() -> TestApp {
    TestApp::with_reports(&[("osaki_r3.txt", osaki()), ("osaki_r4.txt", osaki_2022())]).await
}

/// The bundled 楓町 report as its FY2025 edition: the report year moved on, No.2's goal
/// rewritten, No.9's 令和7年度 15,500,000 円（見込み） (line 200) reported as
/// 16,000,000 円（実績）, No.3 gone. No.9's 総計 (45,139 千円, line 202) is kept as copied, so it
/// no longer adds up: 8,736,400 + 11,402,600 + 16,000,000 + 9,500,000 = 45,639,000 円.
fn kaede_2025() -> Report {
    let mut next = kaedemachi();
    next.report_fiscal_year = FiscalYear::new(2025);
    next.title = format!("{KAEDE_PLAN} 取組実績報告書（令和7年度実績）");
    for item in &mut next.items {
        match item.no.0 {
            2 => item.goal = Some("事務事業の見直しを定着させる。".to_owned()),
            9 => {
                let row = &mut item.effects[2];
                row.text = "遊休資産の売却・貸付収入 16,000,000 円（実績）".to_owned();
                row.quantities[0].value = Decimal::from(16_000_000);
                row.quantities[0].status = Some(Status::Actual);
            }
            _ => {}
        }
    }
    next.items.retain(|item| item.no != ItemNo(3));
    next
}

async fn two_kaede_editions() -> TestApp {
    TestApp::with_reports(&[
        ("kaedemachi_r6.txt", kaedemachi()),
        ("kaedemachi_r7.txt", kaede_2025()),
    ])
    .await
}

async fn json(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let page = app.get(path).await;
    let value =
        serde_json::from_str(&page.body).unwrap_or_else(|e| panic!("{path}: {e}\n{}", page.body));
    (page.status, value)
}

/// Fails when `value` is not what the OpenAPI document says `schema` is.
async fn assert_documented(app: &TestApp, schema: &str, value: &Value) {
    let (_, document) = json(app, "/api/v1/openapi.json").await;
    let reference = serde_json::json!({ "$ref": format!("#/components/schemas/{schema}") });
    let problems = crate::api::misfits(&document, &reference, value, schema);
    assert!(problems.is_empty(), "{problems:#?}");
}

/// [`assert_contains`] for needles made at run time.
#[track_caller]
fn assert_contains_all(body: &str, needles: &[String]) {
    let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
    assert_contains(body, &needles);
}

/// What the dashboard of one edition shows, checked by [`check_edition_dashboard`].
struct EditionDashboard {
    plan: &'static str,
    /// The yen sums, as printed.
    figures: &'static [&'static str],
    /// Rows of the tables of states and departments: label and count.
    counts: &'static [(&'static str, u32)],
    /// The title of the report year's bar in the chart.
    chart_title: &'static str,
    /// Items a figure links to at their effects rows (the item page of the first is read).
    effects_links: &'static [u32],
    /// Items a figure links to as a whole.
    item_links: &'static [u32],
    /// The fiscal year of the first table of yen figures the chart links to.
    yen_anchor: u32,
    /// The items with findings, each linked.
    findings: &'static [u32],
}

/// The dashboard of `expected.plan`'s edition shows its figures with charts and links, and the
/// edition page and the top page link to the dashboards.
async fn check_edition_dashboard(app: &TestApp, expected: &EditionDashboard) {
    let edition = app.edition(expected.plan);
    let body = app.page(&format!("{edition}/dashboard")).await;
    assert_contains(&body, expected.figures);
    let mut needles: Vec<String> = expected
        .counts
        .iter()
        .map(|(label, count)| {
            format!("<th scope=\"row\">{label}</th><td class=\"num\">{count}</td>")
        })
        .collect();
    // Every figure links to its rows.
    needles.extend(
        expected
            .effects_links
            .iter()
            .map(|no| format!("href=\"{edition}/items/{no}#no-{no}-effects\"")),
    );
    needles.extend(
        expected
            .item_links
            .iter()
            .map(|no| format!("href=\"{edition}/items/{no}\"")),
    );
    needles.push(format!("href=\"#yen-{}\"", expected.yen_anchor));
    // Findings, counted and linked.
    needles.push(format!("{}件", expected.findings.len()));
    needles.extend(
        expected
            .findings
            .iter()
            .map(|no| format!("href=\"{edition}/items/{no}\">No.{no}へ</a>")),
    );
    assert_contains_all(&body, &needles);
    assert_contains(
        &body,
        &[
            // The chart: SVG with titles, no script.
            "<svg class=\"chart-svg\"",
            "<title id=\"yen-chart-title\">",
            expected.chart_title,
            // The rules.
            "総計の行は含みません",
            "前年度の報告が公開されていないため",
        ],
    );
    assert!(!body.contains("style="), "no inline style (CSP)");
    assert!(!body.contains("<script"), "no script");
    // The anchor the links point at exists on the item page.
    let no = expected.effects_links[0];
    let item = app.page(&format!("{edition}/items/{no}")).await;
    assert!(item.contains(&format!("id=\"no-{no}-effects\"")));
    // The edition page and the top page link to the dashboards.
    let page = app.page(&edition).await;
    assert!(page.contains(&format!("href=\"{edition}/dashboard\"")));
    let top = app.page("/").await;
    let plan = app.plan_id(expected.plan);
    assert!(top.contains(&format!("href=\"/plans/{plan}/dashboard\"")));
}

#[tokio::test]
async fn the_edition_dashboard_shows_the_figures_with_charts_and_links() {
    kaikaku_fixtures::skip_without_real_sample!();
    let app = TestApp::with_real_sample().await;
    check_edition_dashboard(
        &app,
        &EditionDashboard {
            plan: OSAKI_PLAN,
            // 実績 per year and 見込み of FY2022 (crates/analysis/tests/sample.rs).
            figures: &["274,693,474円", "159,133,138円", "668,111,721円"],
            counts: &[("試行", 1), ("段階の記載なし", 21), ("政策課", 7)],
            chart_title: "<title>令和3年度 実績：159,133,138円</title>",
            effects_links: &[17],
            item_links: &[8],
            yen_anchor: 2021,
            findings: &[20, 21],
        },
    )
    .await;
}

/// The twin of the test above on the bundled 桜川市 report (FY2019 = 令和元年度). Its
/// figures, from samples/README.md (the same sums as crates/analysis/tests/sample.rs):
/// No.2 in 千円 — FY2018 18,426 and FY2019 21,063 （実績）, FY2020–22 20,000 （目標） → 計画;
/// No.3 in 円, unmarked, classed by year — FY2018 24,318,520 and FY2019 19,604,300 → 実績,
/// FY2020 21,770,000 and FY2021/22 15,000,000 → 見込み. So 実績 FY2018 18,426,000
/// + 24,318,520 = 42,744,520 and FY2019 21,063,000 + 19,604,300 = 40,667,300; FY2020 計画
/// 20,000,000 and 見込み 21,770,000. States in 元年度: No.1 `① (試行)` (its row 2 empty) → 試行;
/// No.2–4 cite actions without a phase. Departments: 行政経営課 No.1 and No.4. Findings: No.2
/// (総計) and No.3 (令和2年度's 合計).
#[tokio::test]
async fn the_edition_dashboard_shows_the_figures_with_charts_and_links_on_the_bundled_sample() {
    let app = TestApp::spawn().await;
    check_edition_dashboard(
        &app,
        &EditionDashboard {
            plan: SAKURA_PLAN,
            // 実績 per year, 計画 and 見込み of FY2020.
            figures: &[
                "42,744,520円",
                "40,667,300円",
                "20,000,000円",
                "21,770,000円",
            ],
            counts: &[("試行", 1), ("段階の記載なし", 3), ("行政経営課", 2)],
            chart_title: "<title>令和元年度 実績：40,667,300円</title>",
            effects_links: &[2, 3],
            item_links: &[1],
            yen_anchor: 2019,
            findings: &[2, 3],
        },
    )
    .await;
}

#[tokio::test]
async fn unknown_plans_and_years_are_404() {
    let app = TestApp::spawn().await;
    let plan = app.plan_id(KAEDE_PLAN);
    for path in [
        "/plans/999/2024/dashboard".to_owned(),
        format!("/plans/{plan}/1999/dashboard"),
        format!("/plans/{plan}/x/dashboard"),
        "/plans/999/dashboard".to_owned(),
        "/plans/999/compare".to_owned(),
        "/api/v1/plans/999/2024/dashboard".to_owned(),
        "/api/v1/plans/999/compare?from=2024&to=2024".to_owned(),
        format!("/api/v1/plans/{plan}/compare?from=2023&to=2024"),
    ] {
        let page = app.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
    }
    let page = app
        .get(&format!("/plans/{plan}/compare?from=2019&to=2024"))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(
        page.body
            .contains("令和元年度（2019年度）の公開中の報告がありません")
    );
    assert!(
        page.body.contains("<select name=\"from\">"),
        "the form stays"
    );
    for query in ["from=令和6&to=2024", "from=2024", "from=02024&to=2024"] {
        let page = app.get(&format!("/plans/{plan}/compare?{query}")).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(page.body.contains("指定してください"), "{query}");
        let (status, body) = json(&app, &format!("/api/v1/plans/{plan}/compare?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(
            body["error"]
                .as_str()
                .is_some_and(|e| e.contains("指定してください"))
        );
    }
    let (status, _) = json(&app, &format!("/api/v1/plans/{plan}/compare")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// What the dashboard JSON of one edition holds, checked by [`check_dashboard_json`].
struct DashboardJson {
    plan: &'static str,
    /// The report year and its label.
    fiscal_year: (u32, &'static str),
    item_count: u32,
    /// Figures of `yen_by_year`: JSON pointers below it and their values.
    yen_by_year: Vec<(&'static str, Value)>,
    /// The first row of `by_state`.
    first_state: Value,
    /// A row of `by_department`: its index, label and count.
    department: (usize, &'static str, u32),
    /// The items of the findings, in order.
    findings: &'static [u32],
}

/// The dashboard JSON of `expected.plan`'s edition has its figures and the documented shape.
async fn check_dashboard_json(app: &TestApp, expected: &DashboardJson) {
    let (status, body) = json(
        app,
        &format!("/api/v1{}/dashboard", app.edition(expected.plan)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["fiscal_year"], expected.fiscal_year.0);
    assert_eq!(body["fiscal_year_label"], expected.fiscal_year.1);
    assert_eq!(body["item_count"], expected.item_count);
    for (pointer, value) in &expected.yen_by_year {
        assert_eq!(
            body["yen_by_year"].pointer(pointer),
            Some(value),
            "yen_by_year{pointer}"
        );
    }
    assert_eq!(body["by_state"][0], expected.first_state);
    let (index, label, count) = expected.department;
    assert_eq!(body["by_department"][index]["label"], label);
    assert_eq!(body["by_department"][index]["count"], count);
    assert_eq!(body["previous_fiscal_year"], Value::Null);
    let findings: Vec<&Value> = body["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| &f["item_no"])
        .collect();
    let expected_findings: Vec<Value> = expected.findings.iter().map(|&no| no.into()).collect();
    assert_eq!(findings, expected_findings.iter().collect::<Vec<_>>());
    assert_documented(app, "Dashboard", &body).await;
}

#[tokio::test]
async fn the_dashboard_json_has_the_figures_and_its_documented_shape() {
    kaikaku_fixtures::skip_without_real_sample!();
    let app = TestApp::with_real_sample().await;
    check_dashboard_json(
        &app,
        &DashboardJson {
            plan: OSAKI_PLAN,
            fiscal_year: (2021, "令和3年度"),
            item_count: 22,
            yen_by_year: vec![
                ("/0/actual", "274693474".into()),
                ("/0/forecast", "427794446".into()),
                ("/0/items/actual", serde_json::json!([17, 18, 20, 21, 22])),
                ("/2/forecast", "668111721".into()),
            ],
            first_state: serde_json::json!({ "label": "試行", "count": 1, "items": [8] }),
            department: (1, "政策課", 7),
            findings: &[20, 21],
        },
    )
    .await;
}

/// The twin of the test above on the bundled 桜川市 report; its figures are summed in the
/// comment of the edition dashboard's twin.
#[tokio::test]
async fn the_dashboard_json_has_the_figures_and_its_documented_shape_on_the_bundled_sample() {
    let app = TestApp::spawn().await;
    check_dashboard_json(
        &app,
        &DashboardJson {
            plan: SAKURA_PLAN,
            fiscal_year: (2019, "令和元年度"),
            item_count: 4,
            yen_by_year: vec![
                // FY2018 (平成30年度).
                ("/0/fiscal_year", 2018.into()),
                ("/0/actual", "42744520".into()),
                ("/0/items/actual", serde_json::json!([2, 3])),
                ("/1/actual", "40667300".into()),
                // FY2020 (令和2年度): No.2's 目標 and No.3's unmarked amount of a later year.
                ("/2/plan", "20000000".into()),
                ("/2/forecast", "21770000".into()),
            ],
            first_state: serde_json::json!({ "label": "試行", "count": 1, "items": [1] }),
            department: (0, "行政経営課", 2),
            findings: &[2, 3],
        },
    )
    .await;
}

/// What the dashboards of a plan with two editions show, checked by [`check_two_editions`].
struct TwoEditions {
    plan: &'static str,
    /// The fiscal years of the earlier and the later edition.
    years: [u32; 2],
    /// What the later edition's dashboard shows of the earlier one's forecasts.
    edition_page: &'static [&'static str],
    /// The item reported as a forecast, then as an actual, and its row in the JSON.
    reported: (u64, Value),
    /// A department with one item in the earlier edition and none in the later: its name and
    /// the item.
    department: (&'static str, u32),
    /// What the plan's dashboard shows of both editions.
    plan_page: &'static [&'static str],
}

/// The later edition's dashboard sets the earlier one's forecasts against what it reports
/// (page and JSON), and the plan's dashboard shows both editions.
async fn check_two_editions(app: &TestApp, expected: &TwoEditions) {
    let plan = app.plan_id(expected.plan);
    let [from, to] = expected.years;
    let (no, row) = &expected.reported;
    let body = app.page(&format!("/plans/{plan}/{to}/dashboard")).await;
    assert_contains(&body, expected.edition_page);
    assert_contains(
        &body,
        &[
            "<title id=\"forecast-chart-title\">",
            &format!("href=\"/plans/{plan}/{to}/items/{no}#no-{no}-effects\""),
        ],
    );
    let (_, json_body) = json(app, &format!("/api/v1/plans/{plan}/{to}/dashboard")).await;
    assert_eq!(json_body["previous_fiscal_year"], from);
    let reported = json_body["forecast_vs_actual"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["no"] == *no)
        .unwrap_or_else(|| panic!("No.{no}"));
    assert_eq!(reported, row);

    let plan_page = app.page(&format!("/plans/{plan}/dashboard")).await;
    let (department, item) = expected.department;
    assert_contains(
        &plan_page,
        &[
            "<title id=\"plan-yen-chart-title\">",
            &format!("href=\"/plans/{plan}/{from}/dashboard\""),
            &format!("href=\"/plans/{plan}/{to}/dashboard\""),
            &format!(
                "<th scope=\"row\">{department}</th><td class=\"num\">1<span class=\"item-links\">（<a href=\"/plans/{plan}/{from}/items/{item}\">No.{item}</a>）</span></td><td class=\"num\">0</td>"
            ),
        ],
    );
    assert_contains(&plan_page, expected.plan_page);
    assert!(!plan_page.contains("style="));
}

#[tokio::test]
async fn two_editions_forecast_against_actual_and_the_plan_dashboard() {
    kaikaku_fixtures::skip_without_real_sample!();
    let app = two_osaki_editions().await;
    check_two_editions(
        &app,
        &TwoEditions {
            plan: OSAKI_PLAN,
            years: [2021, 2022],
            edition_page: &[
                "令和3年度（2021年度）の報告",
                // No.22: forecast 7,611,721円 last year, 7,700,000円 reported: +88,279円.
                "<td class=\"num\">7,611,721円</td><td class=\"num\">7,700,000円</td><td class=\"num\">88,279円</td>",
                // No.19: marked 見込み in both, so no actual.
                "<td class=\"num\">307,500,000円</td><td class=\"num\">—</td><td class=\"num\">—</td>",
                "<title>No.22 今年度の実績：7,700,000円</title>",
            ],
            reported: (
                22,
                serde_json::json!({
                    "no": 22, "title": "水道事業の経営健全化", "fiscal_year": 2022, "unit": "円",
                    "forecast": "7611721", "actual": "7700000", "difference": "88279",
                }),
            ),
            // 子ども保育課: No.4 in FY2021, none in FY2022.
            department: ("子ども保育課", 4),
            plan_page: &[
                // FY2021's own 実績 (159,133,138円) and FY2022's (the 令和4年度 rows, now 実績):
                // 57,000,000 + 296,000,000 + 7,700,000 = 360,700,000 円 beside No.19's
                // 307,500,000 円 見込み.
                "159,133,138円",
                "360,700,000円",
                "令和3年度（2021年度）の報告：2件",
            ],
        },
    )
    .await;
}

/// The twin of the test above on 楓町's FY2024 report and its FY2025 edition
/// ([`kaede_2025`]). FY2024's 見込み for 令和7年度 (samples/README.md): No.5 2,500千円,
/// No.8 75,000,000円, No.9 15,500,000円; FY2025 reports No.9's as 16,000,000円（実績）
/// (+500,000円) and keeps No.5's and No.8's marked 見込み.
#[tokio::test]
async fn two_editions_forecast_against_actual_and_the_plan_dashboard_on_the_bundled_sample() {
    let app = two_kaede_editions().await;
    check_two_editions(
        &app,
        &TwoEditions {
            plan: KAEDE_PLAN,
            years: [2024, 2025],
            edition_page: &[
                "令和6年度（2024年度）の報告",
                // No.9: forecast 15,500,000円 last year, 16,000,000円 reported: +500,000円.
                "<td class=\"num\">15,500,000円</td><td class=\"num\">16,000,000円</td><td class=\"num\">500,000円</td>",
                // No.8: marked 見込み in both, so no actual.
                "<td class=\"num\">75,000,000円</td><td class=\"num\">—</td><td class=\"num\">—</td>",
                "<title>No.9 今年度の実績：16,000,000円</title>",
            ],
            reported: (
                9,
                serde_json::json!({
                    "no": 9, "title": "水道事業の経営健全化", "fiscal_year": 2025, "unit": "円",
                    "forecast": "15500000", "actual": "16000000", "difference": "500000",
                }),
            ),
            // デジタル推進課: No.3 in FY2024, none in FY2025.
            department: ("デジタル推進課", 3),
            plan_page: &[
                // FY2024's own 実績 (−350,000 + 71,390,500 + 11,402,600 = 82,443,100円) and
                // FY2025's: No.9's 16,000,000 円 beside 見込み 2,500,000 + 75,000,000
                // = 77,500,000 円 (No.5, No.8).
                "82,443,100円",
                "16,000,000円",
                "77,500,000円",
                // FY2025's No.9 総計.
                "令和7年度（2025年度）の報告：1件",
            ],
        },
    )
    .await;
}

/// What the comparison of two editions shows, checked by [`check_comparison`].
struct Comparison {
    plan: &'static str,
    /// The fiscal years of the earlier and the later edition.
    years: [u32; 2],
    /// The label of the earlier edition's year.
    from_label: &'static str,
    /// The item whose 段階 changed: its number, and its 段階 before and after.
    state_change: (u64, &'static str, &'static str),
    /// The row of the reported number on the page.
    number_row: &'static str,
    /// The item of the reported number and its `deltas` in the JSON.
    deltas: (u64, Value),
    /// The item of the earlier edition only: its number and title.
    removed: (u64, &'static str),
}

/// The comparison of the two editions of `expected.plan`, as a page and as documented JSON;
/// No.2's goal is rewritten in both cases.
async fn check_comparison(app: &TestApp, expected: &Comparison) {
    let plan = app.plan_id(expected.plan);
    let [from, to] = expected.years;
    let label = expected.from_label;
    let (changed, state_from, state_to) = expected.state_change;
    let (removed, removed_title) = expected.removed;
    let form = app.page(&format!("/plans/{plan}/compare")).await;
    assert_contains(
        &form,
        &[
            "<select name=\"from\">",
            &format!("<option value=\"{from}\" selected>{label}</option>"),
        ],
    );
    let body = app
        .page(&format!("/plans/{plan}/compare?from={from}&to={to}"))
        .await;
    assert_contains(
        &body,
        &[
            &format!("{label}</a> → <a href=\"/plans/"),
            // The text diff of No.2's goal.
            "改善・推進目標",
            "<ins>",
            "<del>",
            &format!("段階：{state_from} → {state_to} <strong>（変更）</strong>"),
            // The number.
            expected.number_row,
            // The removed item, linked in the earlier edition.
            &format!(
                "<a href=\"/plans/{plan}/{from}/items/{removed}\">No.{removed}</a> {removed_title} <span class=\"presence\">（削除）</span>"
            ),
        ],
    );
    assert!(!body.contains("style="));

    let (status, value) = json(
        app,
        &format!("/api/v1/plans/{plan}/compare?from={from}&to={to}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let keys: Vec<&str> = value
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "from",
            "from_label",
            "items",
            "plan_id",
            "plan_name",
            "to",
            "to_label"
        ]
    );
    assert_eq!(
        (value["from"].clone(), value["to"].clone()),
        (from.into(), to.into())
    );
    let item = |no: u64| {
        value["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["no"] == no)
            .unwrap_or_else(|| panic!("No.{no}"))
            .clone()
    };
    let no2 = item(2);
    assert_eq!(no2["presence"], "both");
    assert_eq!(no2["changes"][0]["field"], "goal");
    assert_eq!(no2["changes"][0]["label"], "改善・推進目標");
    assert_eq!(no2["changes"][0]["after"], "事務事業の見直しを定着させる。");
    assert!(
        no2["changes"][0]["diff"]
            .as_array()
            .is_some_and(|d| d.iter().any(|s| s["op"] == "ins"))
    );
    let (reported, deltas) = &expected.deltas;
    assert_eq!(&item(*reported)["deltas"], deltas);
    let states = item(changed);
    assert_eq!(
        (
            states["state_from"].clone(),
            states["state_to"].clone(),
            states["state_changed"].clone()
        ),
        (state_from.into(), state_to.into(), true.into())
    );
    let gone = item(removed);
    assert_eq!(gone["presence"], "removed");
    assert_eq!(gone["state_to"], Value::Null);
    assert_documented(app, "Comparison", &value).await;
}

#[tokio::test]
async fn the_comparison_page_and_json() {
    kaikaku_fixtures::skip_without_real_sample!();
    let app = two_osaki_editions().await;
    check_comparison(
        &app,
        &Comparison {
            plan: OSAKI_PLAN,
            years: [2021, 2022],
            from_label: "令和3年度（2021年度）",
            // No.8 試行 → 実施 (line 168 of the sample, 4年度 `② (実施)`).
            state_change: (8, "試行", "実施"),
            number_row: "<td class=\"num\">7,611,721円（見込み）</td><td class=\"num\">7,700,000円（実績）</td><td class=\"num\">+88,279円</td>",
            deltas: (
                22,
                serde_json::json!([{
                    "label": "", "fiscal_year": 2022, "fiscal_year_label": "令和4年度", "unit": "円",
                    "from_status": "forecast", "from": "7611721",
                    "to_status": "actual", "to": "7700000", "delta": "88279",
                }]),
            ),
            removed: (4, "保育所の民営化"),
        },
    )
    .await;
}

/// The twin of the test above on 楓町's FY2024 report and its FY2025 edition
/// ([`kaede_2025`]). No.4's phases (samples/README.md): 6年度 `② (試行)`, `③ (検討)`;
/// 7年度 `② (実施)`, `③ (試行)`.
#[tokio::test]
async fn the_comparison_page_and_json_on_the_bundled_sample() {
    let app = two_kaede_editions().await;
    check_comparison(
        &app,
        &Comparison {
            plan: KAEDE_PLAN,
            years: [2024, 2025],
            from_label: "令和6年度（2024年度）",
            // No.4 試行・検討 → 実施・試行.
            state_change: (4, "試行・検討", "実施・試行"),
            number_row: "<td class=\"num\">15,500,000円（見込み）</td><td class=\"num\">16,000,000円（実績）</td><td class=\"num\">+500,000円</td>",
            deltas: (
                9,
                serde_json::json!([{
                    "label": "遊休資産の売却・貸付収入", "fiscal_year": 2025,
                    "fiscal_year_label": "令和7年度", "unit": "円",
                    "from_status": "forecast", "from": "15500000",
                    "to_status": "actual", "to": "16000000", "delta": "500000",
                }]),
            ),
            removed: (3, "DX による行政手続のデジタル化"),
        },
    )
    .await;
}
