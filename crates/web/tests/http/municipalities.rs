//! Several municipalities on one site: the directory on the top page, a municipality's page
//! and its open data, and plans of the same name kept apart.

use reqwest::StatusCode;

use crate::support::*;

/// The bundled 桜川市 report (FY2019, 4 items) filed under 千代田区 (a real code of 東京都)
/// and again under 桜川市 (same plan name, same year), and 楓町's report with no
/// municipality.
async fn app() -> TestApp {
    let mut chiyoda = sakuragawa_unfiled();
    chiyoda.municipality = town("131016", "千代田区");
    let sakura = sakuragawa();
    TestApp::with_reports(&[
        ("chiyoda.txt", chiyoda),
        ("sakura.txt", sakura),
        ("kaedemachi_r6.txt", kaedemachi()),
    ])
    .await
}

#[tokio::test]
async fn the_top_page_lists_the_municipalities_by_prefecture() {
    let app = app().await;
    let page = app.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_contains(
        &page.body,
        &[
            "2団体の行政改革実施計画",
            "<h2 class=\"prefecture-name\"><a href=\"/prefectures/13\">東京都</a></h2>",
            "<a href=\"/dashboard\">全国の集計",
            "<a href=\"/municipalities/131016\">千代田区</a>",
            "<h2 class=\"prefecture-name\">その他</h2>",
            "<a href=\"/municipalities/999989\">桜川市</a>",
            "（計画1・報告1件、最新 令和元年度（2019年度））",
            "団体未設定の計画",
            "第3次楓町行政改革実施計画",
        ],
    );
    // Tokyo (13) before the invented prefecture 99.
    assert!(page.body.find("東京都") < page.body.find("その他"));
}

#[tokio::test]
async fn a_municipality_has_its_plans_latest_figures_and_open_data() {
    let app = app().await;
    let sakura_plan = app
        .reports
        .iter()
        .find(|r| r.municipality.as_ref().is_some_and(|m| m.name == "桜川市"))
        .expect("stored")
        .plan_id;
    let page = app.get("/municipalities/999989").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let edition = format!("/plans/{sakura_plan}/2019");
    assert_contains(
        &page.body,
        &[
            "<title>桜川市の報告｜",
            "地方公共団体コード 999989",
            &format!("<a href=\"{edition}\">{SAKURA_PLAN}</a>"),
            "<td class=\"number\">4</td>",
            // FY2019 (令和元年度) 実績, samples/README.md: No.2 21,063千円（実績） (line 44)
            // + No.3's unmarked 19,604,300 円 (line 65; a year up to the report year counts
            // as 実績) = 21,063,000 + 19,604,300 = 40,667,300 円.
            "<td class=\"number\">40,667,300円</td>",
            // The two deliberate findings: No.2's 総計 and No.3's FY2020 合計.
            "<td class=\"number\">2件</td>",
            "name=\"municipality\" value=\"999989\"",
            "/municipalities/999989/files/figures.csv?bom=1",
        ],
    );
    // Only 桜川市's plan: 千代田区's plan of the same name is elsewhere.
    assert!(!page.body.contains("千代田区"), "{}", page.body);

    // The edition page leads back to its municipality.
    let edition_page = app.get(&edition).await;
    assert_contains(
        &edition_page.body,
        &["<a class=\"edition-town\" href=\"/municipalities/999989\">桜川市</a>"],
    );

    // One CSV of all its editions, tagged for revalidation.
    let csv = app.get("/municipalities/999989/files/items.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    let rows: Vec<&str> = csv.body.lines().skip(1).collect();
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|row| row.starts_with("999989,桜川市,")));
    let etag = csv.headers["etag"].to_str().expect("ascii").to_owned();
    let again = app
        .send(Request::get("/municipalities/999989/files/items.csv").header("if-none-match", &etag))
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn unknown_or_malformed_codes_are_not_found() {
    let app = app().await;
    for path in [
        "/municipalities/999998",
        "/municipalities/010006",
        "/municipalities/99998",
        "/municipalities/９９９９８９",
        "/municipalities/999989/files/report.pdf",
    ] {
        assert_eq!(app.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}
