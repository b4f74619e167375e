//! The figures of one report year across municipalities: 全国の集計, a prefecture's page and
//! their CSV, from two towns in two prefectures, a plan of no municipality and a town of an
//! invented prefecture.

use reqwest::StatusCode;

use crate::support::*;

/// FY2021: 千代田区 (東京都) with the whole sample and a second plan of its items No.1–18;
/// 札幌市 (北海道) with items No.1–20. FY2024: 楓町 without a municipality. FY2019: 桜川市
/// (prefecture 99).
async fn app() -> TestApp {
    TestApp::with_reports(&[
        (
            "chiyoda.txt",
            osaki_as(town("131016", "千代田区"), OSAKI_PLAN, 22),
        ),
        (
            "chiyoda2.txt",
            osaki_as(town("131016", "千代田区"), CHIYODA_PLAN, 18),
        ),
        (
            "sapporo.txt",
            osaki_as(town("011002", "札幌市"), OSAKI_PLAN, 20),
        ),
        ("kaedemachi_r6.txt", kaedemachi()),
        ("sakuragawa_h30.txt", sakuragawa()),
    ])
    .await
}

/// The `<tr>` of the table whose row heading holds `label`.
fn row<'a>(body: &'a str, label: &str) -> &'a str {
    let start = body
        .find(label)
        .unwrap_or_else(|| panic!("{label} missing from:\n{body}"));
    let from = body[..start].rfind("<tr").expect("in a row");
    let to = start + body[start..].find("</tr>").expect("row ends");
    &body[from..to]
}

#[tokio::test]
async fn the_national_dashboard_sums_each_prefecture_and_the_nation() {
    kaikaku_fixtures::skip_without_real_sample!();
    let app = app().await;
    let page = app.get("/dashboard?year=2021").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_contains(
        &page.body,
        &[
            "<title>全国の集計 令和3年度（2021年度）｜",
            "<option value=\"2021\" selected>令和3年度（2021年度）</option>",
            "<option value=\"2024\">令和6年度（2024年度）</option>",
            "<option value=\"2019\">令和元年度（2019年度）</option>",
            "/dashboard/files/prefectures.csv?year=2021&#38;bom=1",
        ],
    );
    // 北海道: 札幌市, items No.1–20: 実績 38,353,000 (No.17) + 49,443,860 (No.18)
    // + 58,181,150 (No.20) = 145,978,010; 見込み 568,051,833 (No.19); No.20's finding.
    assert_eq!(
        row(
            &page.body,
            "<a href=\"/prefectures/01?year=2021\">北海道</a>"
        ),
        "<tr><th scope=\"row\"><a href=\"/prefectures/01?year=2021\">北海道</a> \
         <span class=\"town-meta\">01</span></th><td class=\"num\">1</td>\
         <td class=\"num\">1</td><td class=\"num\">20</td>\
         <td class=\"num\">145,978,010円</td><td class=\"num\">568,051,833円</td>\
         <td class=\"num\">0円</td><td class=\"num\">1件（1項目）</td>"
    );
    // 東京都: 千代田区's two plans, 22 + 18 items; 実績 159,133,138 (the whole sample)
    // + 38,353,000 + 49,443,860 (No.17, 18) = 246,929,998; findings at No.20 and No.21.
    assert_contains(
        row(
            &page.body,
            "<a href=\"/prefectures/13?year=2021\">東京都</a>",
        ),
        &[
            "<td class=\"num\">1</td><td class=\"num\">2</td><td class=\"num\">40</td>",
            "<td class=\"num\">246,929,998円</td><td class=\"num\">568,051,833円</td>",
            "<td class=\"num\">2件（2項目）</td>",
        ],
    );
    // The nation: 2 municipalities, 3 plans, 60 items; 145,978,010 + 246,929,998
    // = 392,908,008; 見込み 568,051,833 × 2 = 1,136,103,666.
    assert_contains(
        row(&page.body, "<th scope=\"row\">全国</th>"),
        &[
            "<td class=\"num\">2</td><td class=\"num\">3</td><td class=\"num\">60</td>",
            "<td class=\"num\">392,908,008円</td><td class=\"num\">1,136,103,666円</td>",
            "<td class=\"num\">0円</td><td class=\"num\">3件（3項目）</td>",
        ],
    );
    // Tokyo (13) after Hokkaido (01); other years' plans are not counted.
    assert!(page.body.find("北海道") < page.body.find("東京都"));
    assert!(!page.body.contains("楓町") && !page.body.contains("団体不明"));
}

#[tokio::test]
async fn the_latest_year_is_the_default_and_plans_of_no_municipality_stand_apart() {
    kaikaku_fixtures::skip_without_real_sample!();
    let app = app().await;
    let kaede = app.edition(KAEDE_PLAN);
    let page = app.page("/dashboard").await;
    // FY2024 has only 楓町's plan, stored without a municipality: 0 municipalities, one
    // plan of 9 items, 実績 −350,000 + 71,390,500 + 11,402,600 = 82,443,100.
    assert_contains(
        &page,
        &[
            "<option value=\"2024\" selected>令和6年度（2024年度）</option>",
            "<h2>団体不明</h2>",
            &format!("<a href=\"{kaede}\">{KAEDE_PLAN}</a>"),
        ],
    );
    assert_contains(
        row(&page, "<th scope=\"row\">全国</th>"),
        &[
            "<td class=\"num\">0</td><td class=\"num\">1</td><td class=\"num\">9</td>",
            "<td class=\"num\">82,443,100円</td>",
            "<td class=\"num\">0件</td>",
        ],
    );
    // FY2019: 桜川市, whose code names no prefecture, is その他 with no page of its own.
    let h31 = app.page("/dashboard?year=2019").await;
    assert_contains(
        &h31,
        &[
            "<h2>その他</h2>",
            "<a href=\"/municipalities/999989\">桜川市</a>",
            "<td class=\"num\">40,667,300円</td>",
        ],
    );
    assert!(!h31.contains("/prefectures/99"), "{}", h31);
}

#[tokio::test]
async fn a_prefecture_has_its_municipalities() {
    kaikaku_fixtures::skip_without_real_sample!();
    let app = app().await;
    for path in ["/prefectures/13?year=2021", "/prefectures/13"] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        assert_contains(
            &page.body,
            &[
                "<title>東京都の集計 令和3年度（2021年度）｜",
                "都道府県コード 13",
                "<a href=\"/dashboard?year=2021\">全国の集計</a>",
                "/prefectures/13/files/municipalities.csv?year=2021",
            ],
        );
        assert_eq!(
            row(
                &page.body,
                "<a href=\"/municipalities/131016\">千代田区</a>"
            ),
            "<tr><th scope=\"row\"><a href=\"/municipalities/131016\">千代田区</a> \
             <span class=\"town-meta\">131016</span></th><td class=\"num\">2</td>\
             <td class=\"num\">40</td><td class=\"num\">246,929,998円</td>\
             <td class=\"num\">568,051,833円</td><td class=\"num\">0円</td>\
             <td class=\"num\">2件（2項目）</td>",
            "{path}"
        );
        assert_contains(
            row(&page.body, "<th scope=\"row\">東京都計</th>"),
            &["<td class=\"num\">246,929,998円</td>"],
        );
        assert!(!page.body.contains("札幌市"), "only Tokyo's towns");
    }
}

#[tokio::test]
async fn the_tables_are_open_data() {
    kaikaku_fixtures::skip_without_real_sample!();
    let app = app().await;
    let csv = app.get("/dashboard/files/prefectures.csv?year=2021").await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_contains(
        csv.header("content-disposition").expect("a file name"),
        &["attachment; filename=\"national_prefectures_2021.csv\""],
    );
    let lines: Vec<&str> = csv.body.split("\r\n").collect();
    assert_eq!(
        lines[..3],
        [
            "報告年度（西暦）,報告年度（和暦）,都道府県コード,都道府県名,団体数,計画数,項目数,\
             実績額（円）,見込額（円）,計画額（円）,検算の差異の数,差異のある項目数",
            "2021,令和3年度,01,北海道,1,1,20,145978010,568051833,0,1,1",
            "2021,令和3年度,13,東京都,1,2,40,246929998,568051833,0,2,2",
        ]
    );
    assert_eq!(lines.len(), 4, "two rows and the last line end: {lines:?}");

    let towns = app
        .get("/prefectures/13/files/municipalities.csv?year=2021&bom=1")
        .await;
    assert_eq!(towns.status, StatusCode::OK);
    assert_eq!(
        towns.body,
        "\u{feff}報告年度（西暦）,報告年度（和暦）,都道府県コード,都道府県名,地方公共団体コード,\
         地方公共団体名,計画数,項目数,実績額（円）,見込額（円）,計画額（円）,検算の差異の数,\
         差異のある項目数\r\n2021,令和3年度,13,東京都,131016,千代田区,2,40,246929998,\
         568051833,0,2,2\r\n"
    );
    // Tagged for revalidation.
    let etag = towns.header("etag").expect("an ETag").to_owned();
    let again = app
        .send(
            Request::get("/prefectures/13/files/municipalities.csv?year=2021&bom=1")
                .header("if-none-match", &etag),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn bad_years_and_unknown_prefectures_are_refused() {
    kaikaku_fixtures::skip_without_real_sample!();
    let app = app().await;
    for (path, status, message) in [
        (
            "/dashboard?year=R3",
            StatusCode::BAD_REQUEST,
            "報告年度は西暦の年（例：year=2024）で指定してください。",
        ),
        (
            "/dashboard?year=2030",
            StatusCode::NOT_FOUND,
            "令和12年度（2030年度）の公開中の報告はありません。",
        ),
        (
            "/prefectures/01?year=2024",
            StatusCode::NOT_FOUND,
            "北海道には令和6年度（2024年度）の公開中の報告はありません。",
        ),
        (
            "/dashboard/files/prefectures.csv?year=x",
            StatusCode::BAD_REQUEST,
            "報告年度は西暦の年（例：year=2024）で指定してください。",
        ),
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, status, "{path}: {}", page.body);
        assert_contains(&page.body, &[message]);
    }
    for path in [
        "/prefectures/14",
        "/prefectures/99",
        "/prefectures/00",
        "/prefectures/1",
        "/prefectures/013",
        "/prefectures/１３",
        "/prefectures/13/files/prefectures.csv",
        "/prefectures/14/files/municipalities.csv",
        "/dashboard/files/report.pdf",
    ] {
        assert_eq!(app.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn the_figures_follow_a_new_publication() {
    kaikaku_fixtures::skip_without_real_sample!();
    let app = app().await;
    let before = app.page("/dashboard?year=2021").await;
    assert_eq!(before, app.page("/dashboard?year=2021").await, "kept");
    // Another process imports a second town of 東京都 (千代田区's plans are unchanged).
    app.save(
        &osaki_as(town("131024", "中央区"), OSAKI_PLAN, 22),
        "chuo.txt",
    )
    .await;
    let after = app.page("/dashboard?year=2021").await;
    // 東京都: 246,929,998 + 159,133,138 = 406,063,136 over 2 municipalities.
    assert_contains(
        row(&after, "<a href=\"/prefectures/13?year=2021\">東京都</a>"),
        &[
            "<td class=\"num\">2</td><td class=\"num\">3</td><td class=\"num\">62</td>",
            "<td class=\"num\">406,063,136円</td>",
        ],
    );
    let tokyo = app.page("/prefectures/13").await;
    assert_contains(&tokyo, &["<a href=\"/municipalities/131024\">中央区</a>"]);
}
