//! The dashboards and the comparison of editions (pages and JSON). The figures of the real
//! sample are computed by hand in crates/analysis/tests/sample.rs; here they must reach the
//! pages. Each test of the real sample has a twin on the bundled samples, named
//! `…_on_the_bundled_sample`, whose figures are summed by hand from samples/README.md in its
//! comments, so that a fresh clone runs them too.

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

#[tokio::test]
async fn the_edition_dashboard_shows_the_figures_with_charts_and_links() {
    kaikaku_fixtures::skip_without_real_sample!();
    let app = TestApp::with_real_sample().await;
    let edition = app.edition(OSAKI_PLAN);
    let body = app.page(&format!("{edition}/dashboard")).await;
    assert_contains(
        &body,
        &[
            // 実績 per year and 見込み of FY2022 (crates/analysis/tests/sample.rs).
            "274,693,474円",
            "159,133,138円",
            "668,111,721円",
            // States and departments, with their counts.
            "<th scope=\"row\">試行</th><td class=\"num\">1</td>",
            "<th scope=\"row\">段階の記載なし</th><td class=\"num\">21</td>",
            "<th scope=\"row\">政策課</th><td class=\"num\">7</td>",
            // The chart: SVG with titles, no script.
            "<svg class=\"chart-svg\"",
            "<title id=\"yen-chart-title\">",
            "<title>令和3年度 実績：159,133,138円</title>",
            // Every figure links to its rows.
            &format!("href=\"{edition}/items/17#no-17-effects\""),
            &format!("href=\"{edition}/items/8\""),
            "href=\"#yen-2021\"",
            // The rules.
            "総計の行は含みません",
            "前年度の報告が公開されていないため",
            // Findings: No.20 and No.21, linked.
            "2件",
            &format!("href=\"{edition}/items/20\">No.20へ</a>"),
            &format!("href=\"{edition}/items/21\">No.21へ</a>"),
        ],
    );
    assert!(!body.contains("style="), "no inline style (CSP)");
    assert!(!body.contains("<script"), "no script");
    // The anchor the links point at exists on the item page.
    let item = app.page(&format!("{edition}/items/17")).await;
    assert!(item.contains("id=\"no-17-effects\""));
    // The edition page and the top page link to the dashboards.
    let page = app.page(&edition).await;
    assert!(page.contains(&format!("href=\"{edition}/dashboard\"")));
    let top = app.page("/").await;
    let plan = app.plan_id(OSAKI_PLAN);
    assert!(top.contains(&format!("href=\"/plans/{plan}/dashboard\"")));
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
    let edition = app.edition(SAKURA_PLAN);
    let body = app.page(&format!("{edition}/dashboard")).await;
    assert_contains(
        &body,
        &[
            // 実績 per year, 計画 and 見込み of FY2020.
            "42,744,520円",
            "40,667,300円",
            "20,000,000円",
            "21,770,000円",
            // States and departments, with their counts.
            "<th scope=\"row\">試行</th><td class=\"num\">1</td>",
            "<th scope=\"row\">段階の記載なし</th><td class=\"num\">3</td>",
            "<th scope=\"row\">行政経営課</th><td class=\"num\">2</td>",
            // The chart: SVG with titles, no script.
            "<svg class=\"chart-svg\"",
            "<title id=\"yen-chart-title\">",
            "<title>令和元年度 実績：40,667,300円</title>",
            // Every figure links to its rows.
            &format!("href=\"{edition}/items/2#no-2-effects\""),
            &format!("href=\"{edition}/items/3#no-3-effects\""),
            &format!("href=\"{edition}/items/1\""),
            "href=\"#yen-2019\"",
            // The rules.
            "総計の行は含みません",
            "前年度の報告が公開されていないため",
            // Findings: No.2 and No.3, linked.
            "2件",
            &format!("href=\"{edition}/items/2\">No.2へ</a>"),
            &format!("href=\"{edition}/items/3\">No.3へ</a>"),
        ],
    );
    assert!(!body.contains("style="), "no inline style (CSP)");
    assert!(!body.contains("<script"), "no script");
    // The anchor the links point at exists on the item page.
    let item = app.page(&format!("{edition}/items/2")).await;
    assert!(item.contains("id=\"no-2-effects\""));
    // The edition page and the top page link to the dashboards.
    let page = app.page(&edition).await;
    assert!(page.contains(&format!("href=\"{edition}/dashboard\"")));
    let top = app.page("/").await;
    let plan = app.plan_id(SAKURA_PLAN);
    assert!(top.contains(&format!("href=\"/plans/{plan}/dashboard\"")));
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

#[tokio::test]
async fn the_dashboard_json_has_the_figures_and_its_documented_shape() {
    kaikaku_fixtures::skip_without_real_sample!();
    let app = TestApp::with_real_sample().await;
    let (status, body) = json(
        &app,
        &format!("/api/v1{}/dashboard", app.edition(OSAKI_PLAN)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["fiscal_year"], 2021);
    assert_eq!(body["fiscal_year_label"], "令和3年度");
    assert_eq!(body["item_count"], 22);
    assert_eq!(body["yen_by_year"][0]["actual"], "274693474");
    assert_eq!(body["yen_by_year"][0]["forecast"], "427794446");
    assert_eq!(
        body["yen_by_year"][0]["items"]["actual"],
        serde_json::json!([17, 18, 20, 21, 22])
    );
    assert_eq!(body["yen_by_year"][2]["forecast"], "668111721");
    assert_eq!(
        body["by_state"][0],
        serde_json::json!({ "label": "試行", "count": 1, "items": [8] })
    );
    assert_eq!(body["by_department"][1]["label"], "政策課");
    assert_eq!(body["by_department"][1]["count"], 7);
    assert_eq!(body["previous_fiscal_year"], Value::Null);
    let findings: Vec<&Value> = body["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| &f["item_no"])
        .collect();
    assert_eq!(findings, [&serde_json::json!(20), &serde_json::json!(21)]);
    assert_documented(&app, "Dashboard", &body).await;
}

/// The twin of the test above on the bundled 桜川市 report; its figures are summed in the
/// comment of the edition dashboard's twin.
#[tokio::test]
async fn the_dashboard_json_has_the_figures_and_its_documented_shape_on_the_bundled_sample() {
    let app = TestApp::spawn().await;
    let (status, body) = json(
        &app,
        &format!("/api/v1{}/dashboard", app.edition(SAKURA_PLAN)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["fiscal_year"], 2019);
    assert_eq!(body["fiscal_year_label"], "令和元年度");
    assert_eq!(body["item_count"], 4);
    // FY2018 (平成30年度).
    assert_eq!(body["yen_by_year"][0]["fiscal_year"], 2018);
    assert_eq!(body["yen_by_year"][0]["actual"], "42744520");
    assert_eq!(
        body["yen_by_year"][0]["items"]["actual"],
        serde_json::json!([2, 3])
    );
    assert_eq!(body["yen_by_year"][1]["actual"], "40667300");
    // FY2020 (令和2年度): No.2's 目標 and No.3's unmarked amount of a later year.
    assert_eq!(body["yen_by_year"][2]["plan"], "20000000");
    assert_eq!(body["yen_by_year"][2]["forecast"], "21770000");
    assert_eq!(
        body["by_state"][0],
        serde_json::json!({ "label": "試行", "count": 1, "items": [1] })
    );
    assert_eq!(body["by_department"][0]["label"], "行政経営課");
    assert_eq!(body["by_department"][0]["count"], 2);
    assert_eq!(body["previous_fiscal_year"], Value::Null);
    let findings: Vec<&Value> = body["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| &f["item_no"])
        .collect();
    assert_eq!(findings, [&serde_json::json!(2), &serde_json::json!(3)]);
    assert_documented(&app, "Dashboard", &body).await;
}

#[tokio::test]
async fn two_editions_forecast_against_actual_and_the_plan_dashboard() {
    kaikaku_fixtures::skip_without_real_sample!();
    let app = two_osaki_editions().await;
    let plan = app.plan_id(OSAKI_PLAN);
    let body = app.page(&format!("/plans/{plan}/2022/dashboard")).await;
    assert_contains(
        &body,
        &[
            "令和3年度（2021年度）の報告",
            // No.22: forecast 7,611,721円 last year, 7,700,000円 reported: +88,279円.
            "<td class=\"num\">7,611,721円</td><td class=\"num\">7,700,000円</td><td class=\"num\">88,279円</td>",
            // No.19: marked 見込み in both, so no actual.
            "<td class=\"num\">307,500,000円</td><td class=\"num\">—</td><td class=\"num\">—</td>",
            "<title id=\"forecast-chart-title\">",
            "<title>No.22 今年度の実績：7,700,000円</title>",
            &format!("href=\"/plans/{plan}/2022/items/22#no-22-effects\""),
        ],
    );
    let (_, json_body) = json(&app, &format!("/api/v1/plans/{plan}/2022/dashboard")).await;
    assert_eq!(json_body["previous_fiscal_year"], 2021);
    let no22 = json_body["forecast_vs_actual"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["no"] == 22)
        .expect("No.22")
        .clone();
    assert_eq!(
        no22,
        serde_json::json!({
            "no": 22, "title": "水道事業の経営健全化", "fiscal_year": 2022, "unit": "円",
            "forecast": "7611721", "actual": "7700000", "difference": "88279",
        })
    );

    let plan_page = app.page(&format!("/plans/{plan}/dashboard")).await;
    assert_contains(
        &plan_page,
        &[
            "<title id=\"plan-yen-chart-title\">",
            &format!("href=\"/plans/{plan}/2021/dashboard\""),
            &format!("href=\"/plans/{plan}/2022/dashboard\""),
            // 子ども保育課: No.4 in FY2021, none in FY2022.
            &format!(
                "<th scope=\"row\">子ども保育課</th><td class=\"num\">1<span class=\"item-links\">（<a href=\"/plans/{plan}/2021/items/4\">No.4</a>）</span></td><td class=\"num\">0</td>"
            ),
            // FY2021's own 実績 (159,133,138円) and FY2022's (the 令和4年度 rows, now 実績):
            // 57,000,000 + 296,000,000 + 7,700,000 = 360,700,000 円 beside No.19's
            // 307,500,000 円 見込み.
            "159,133,138円",
            "360,700,000円",
            "令和3年度（2021年度）の報告：2件",
        ],
    );
    assert!(!plan_page.contains("style="));
}

/// The twin of the test above on 楓町's FY2024 report and its FY2025 edition
/// ([`kaede_2025`]). FY2024's 見込み for 令和7年度 (samples/README.md): No.5 2,500千円,
/// No.8 75,000,000円, No.9 15,500,000円; FY2025 reports No.9's as 16,000,000円（実績）
/// (+500,000円) and keeps No.5's and No.8's marked 見込み.
#[tokio::test]
async fn two_editions_forecast_against_actual_and_the_plan_dashboard_on_the_bundled_sample() {
    let app = two_kaede_editions().await;
    let plan = app.plan_id(KAEDE_PLAN);
    let body = app.page(&format!("/plans/{plan}/2025/dashboard")).await;
    assert_contains(
        &body,
        &[
            "令和6年度（2024年度）の報告",
            // No.9: forecast 15,500,000円 last year, 16,000,000円 reported: +500,000円.
            "<td class=\"num\">15,500,000円</td><td class=\"num\">16,000,000円</td><td class=\"num\">500,000円</td>",
            // No.8: marked 見込み in both, so no actual.
            "<td class=\"num\">75,000,000円</td><td class=\"num\">—</td><td class=\"num\">—</td>",
            "<title id=\"forecast-chart-title\">",
            "<title>No.9 今年度の実績：16,000,000円</title>",
            &format!("href=\"/plans/{plan}/2025/items/9#no-9-effects\""),
        ],
    );
    let (_, json_body) = json(&app, &format!("/api/v1/plans/{plan}/2025/dashboard")).await;
    assert_eq!(json_body["previous_fiscal_year"], 2024);
    let no9 = json_body["forecast_vs_actual"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["no"] == 9)
        .expect("No.9")
        .clone();
    assert_eq!(
        no9,
        serde_json::json!({
            "no": 9, "title": "水道事業の経営健全化", "fiscal_year": 2025, "unit": "円",
            "forecast": "15500000", "actual": "16000000", "difference": "500000",
        })
    );

    let plan_page = app.page(&format!("/plans/{plan}/dashboard")).await;
    assert_contains(
        &plan_page,
        &[
            "<title id=\"plan-yen-chart-title\">",
            &format!("href=\"/plans/{plan}/2024/dashboard\""),
            &format!("href=\"/plans/{plan}/2025/dashboard\""),
            // デジタル推進課: No.3 in FY2024, none in FY2025.
            &format!(
                "<th scope=\"row\">デジタル推進課</th><td class=\"num\">1<span class=\"item-links\">（<a href=\"/plans/{plan}/2024/items/3\">No.3</a>）</span></td><td class=\"num\">0</td>"
            ),
            // FY2024's own 実績 (−350,000 + 71,390,500 + 11,402,600 = 82,443,100円) and
            // FY2025's: No.9's 16,000,000 円 beside 見込み 2,500,000 + 75,000,000
            // = 77,500,000 円 (No.5, No.8).
            "82,443,100円",
            "16,000,000円",
            "77,500,000円",
            // FY2025's No.9 総計.
            "令和7年度（2025年度）の報告：1件",
        ],
    );
    assert!(!plan_page.contains("style="));
}

#[tokio::test]
async fn the_comparison_page_and_json() {
    kaikaku_fixtures::skip_without_real_sample!();
    let app = two_osaki_editions().await;
    let plan = app.plan_id(OSAKI_PLAN);
    let form = app.page(&format!("/plans/{plan}/compare")).await;
    assert_contains(
        &form,
        &[
            "<select name=\"from\">",
            "<option value=\"2021\" selected>令和3年度（2021年度）</option>",
        ],
    );
    let body = app
        .page(&format!("/plans/{plan}/compare?from=2021&to=2022"))
        .await;
    assert_contains(
        &body,
        &[
            "令和3年度（2021年度）</a> → <a href=\"/plans/",
            // The text diff of No.2's goal.
            "改善・推進目標",
            "<ins>",
            "<del>",
            // States: No.8 試行 → 実施 (line 168 of the sample, 4年度 `② (実施)`).
            "段階：試行 → 実施 <strong>（変更）</strong>",
            // The number.
            "<td class=\"num\">7,611,721円（見込み）</td><td class=\"num\">7,700,000円（実績）</td><td class=\"num\">+88,279円</td>",
            // The removed item, linked in the earlier edition.
            &format!(
                "<a href=\"/plans/{plan}/2021/items/4\">No.4</a> 保育所の民営化 <span class=\"presence\">（削除）</span>"
            ),
        ],
    );
    assert!(!body.contains("style="));

    let (status, value) = json(
        &app,
        &format!("/api/v1/plans/{plan}/compare?from=2021&to=2022"),
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
        (2021.into(), 2022.into())
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
    assert_eq!(
        item(22)["deltas"],
        serde_json::json!([{
            "label": "", "fiscal_year": 2022, "fiscal_year_label": "令和4年度", "unit": "円",
            "from_status": "forecast", "from": "7611721",
            "to_status": "actual", "to": "7700000", "delta": "88279",
        }])
    );
    let no8 = item(8);
    assert_eq!(
        (
            no8["state_from"].clone(),
            no8["state_to"].clone(),
            no8["state_changed"].clone()
        ),
        ("試行".into(), "実施".into(), true.into())
    );
    let no4 = item(4);
    assert_eq!(no4["presence"], "removed");
    assert_eq!(no4["state_to"], Value::Null);
    assert_documented(&app, "Comparison", &value).await;
}

/// The twin of the test above on 楓町's FY2024 report and its FY2025 edition
/// ([`kaede_2025`]). No.4's phases (samples/README.md): 6年度 `② (試行)`, `③ (検討)`;
/// 7年度 `② (実施)`, `③ (試行)`.
#[tokio::test]
async fn the_comparison_page_and_json_on_the_bundled_sample() {
    let app = two_kaede_editions().await;
    let plan = app.plan_id(KAEDE_PLAN);
    let form = app.page(&format!("/plans/{plan}/compare")).await;
    assert_contains(
        &form,
        &[
            "<select name=\"from\">",
            "<option value=\"2024\" selected>令和6年度（2024年度）</option>",
        ],
    );
    let body = app
        .page(&format!("/plans/{plan}/compare?from=2024&to=2025"))
        .await;
    assert_contains(
        &body,
        &[
            "令和6年度（2024年度）</a> → <a href=\"/plans/",
            // The text diff of No.2's goal.
            "改善・推進目標",
            "<ins>",
            "<del>",
            // States: No.4 試行・検討 → 実施・試行.
            "段階：試行・検討 → 実施・試行 <strong>（変更）</strong>",
            // The number.
            "<td class=\"num\">15,500,000円（見込み）</td><td class=\"num\">16,000,000円（実績）</td><td class=\"num\">+500,000円</td>",
            // The removed item, linked in the earlier edition.
            &format!(
                "<a href=\"/plans/{plan}/2024/items/3\">No.3</a> DX による行政手続のデジタル化 <span class=\"presence\">（削除）</span>"
            ),
        ],
    );
    assert!(!body.contains("style="));

    let (status, value) = json(
        &app,
        &format!("/api/v1/plans/{plan}/compare?from=2024&to=2025"),
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
        (2024.into(), 2025.into())
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
    assert_eq!(
        item(9)["deltas"],
        serde_json::json!([{
            "label": "遊休資産の売却・貸付収入", "fiscal_year": 2025,
            "fiscal_year_label": "令和7年度", "unit": "円",
            "from_status": "forecast", "from": "15500000",
            "to_status": "actual", "to": "16000000", "delta": "500000",
        }])
    );
    let no4 = item(4);
    assert_eq!(
        (
            no4["state_from"].clone(),
            no4["state_to"].clone(),
            no4["state_changed"].clone()
        ),
        ("試行・検討".into(), "実施・試行".into(), true.into())
    );
    let no3 = item(3);
    assert_eq!(no3["presence"], "removed");
    assert_eq!(no3["state_to"], Value::Null);
    assert_documented(&app, "Comparison", &value).await;
}
