//! The figures of one report year across municipalities: 全国の集計, a prefecture's page and
//! their CSV, from two towns in two prefectures, a plan of no municipality and a town of an
//! invented prefecture.

use reqwest::StatusCode;

use crate::support::*;

/// FY2019, from the bundled 桜川市 report: 千代田区 (東京都) with the whole report and a
/// second plan of its items No.1–3; 札幌市 (北海道) with items No.1–2; 桜川市 itself
/// (prefecture 99). FY2024: 楓町 without a municipality.
///
/// The figures, from samples/README.md (桜川市, report year FY2019 = 令和元年度): money in
/// FY2019 only in No.2, 21,063千円（実績） (line 44), and No.3, 19,604,300 円 unmarked
/// (line 65; a year up to the report year counts as 実績); no 見込み or 計画 in FY2019.
/// Findings: No.2's 総計 (line 48) and No.3's FY2020 合計 (line 63). So items No.1–2:
/// 実績 21,063,000, 1 finding; No.1–3 and the whole report: 21,063,000 + 19,604,300
/// = 40,667,300, 2 findings.
async fn app() -> TestApp {
    TestApp::with_reports(&[
        (
            "chiyoda.txt",
            sakura_as(town("131016", "千代田区"), SAKURA_PLAN, 4),
        ),
        (
            "chiyoda2.txt",
            sakura_as(town("131016", "千代田区"), CHIYODA_PLAN, 3),
        ),
        (
            "sapporo.txt",
            sakura_as(town("011002", "札幌市"), SAKURA_PLAN, 2),
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
    let app = app().await;
    let page = app.get("/dashboard?year=2019").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_contains(
        &page.body,
        &[
            "<title>全国の集計 令和元年度（2019年度）｜",
            "<option value=\"2019\" selected>令和元年度（2019年度）</option>",
            "<option value=\"2024\">令和6年度（2024年度）</option>",
            "/dashboard/files/prefectures.csv?year=2019&#38;bom=1",
        ],
    );
    // 北海道: 札幌市, items No.1–2: 実績 21,063,000 (No.2); No.2's finding.
    assert_eq!(
        row(
            &page.body,
            "<a href=\"/prefectures/01?year=2019\">北海道</a>"
        ),
        "<tr><th scope=\"row\"><a href=\"/prefectures/01?year=2019\">北海道</a> \
         <span class=\"town-meta\">01</span></th><td class=\"num\">1</td>\
         <td class=\"num\">1</td><td class=\"num\">2</td>\
         <td class=\"num\">21,063,000円</td><td class=\"num\">0円</td>\
         <td class=\"num\">0円</td><td class=\"num\">1件（1項目）</td>"
    );
    // 東京都: 千代田区's two plans, 4 + 3 items; 実績 40,667,300 × 2 = 81,334,600;
    // findings at No.2 and No.3 of each.
    assert_contains(
        row(
            &page.body,
            "<a href=\"/prefectures/13?year=2019\">東京都</a>",
        ),
        &[
            "<td class=\"num\">1</td><td class=\"num\">2</td><td class=\"num\">7</td>",
            "<td class=\"num\">81,334,600円</td><td class=\"num\">0円</td>",
            "<td class=\"num\">4件（4項目）</td>",
        ],
    );
    // その他: 桜川市 (prefecture 99), its 4 items; 40,667,300; 2 findings.
    assert_contains(
        &page.body,
        &[
            "<h2>その他</h2>",
            "<a href=\"/municipalities/999989\">桜川市</a>",
            "<td class=\"num\">40,667,300円</td>",
        ],
    );
    // The nation: 3 municipalities, 4 plans, 2 + 7 + 4 = 13 items; 21,063,000
    // + 81,334,600 + 40,667,300 = 143,064,900; findings 1 + 4 + 2 = 7.
    assert_contains(
        row(&page.body, "<th scope=\"row\">全国</th>"),
        &[
            "<td class=\"num\">3</td><td class=\"num\">4</td><td class=\"num\">13</td>",
            "<td class=\"num\">143,064,900円</td><td class=\"num\">0円</td>",
            "<td class=\"num\">0円</td><td class=\"num\">7件（7項目）</td>",
        ],
    );
    // Tokyo (13) after Hokkaido (01); other years' plans are not counted.
    assert!(page.body.find("北海道") < page.body.find("東京都"));
    assert!(!page.body.contains("楓町") && !page.body.contains("団体不明"));
}

#[tokio::test]
async fn the_latest_year_is_the_default_and_plans_of_no_municipality_stand_apart() {
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
    let app = app().await;
    for path in ["/prefectures/13?year=2019", "/prefectures/13"] {
        let body = app.page(path).await;
        assert_contains(
            &body,
            &[
                "<title>東京都の集計 令和元年度（2019年度）｜",
                "都道府県コード 13",
                "<a href=\"/dashboard?year=2019\">全国の集計</a>",
                "/prefectures/13/files/municipalities.csv?year=2019",
            ],
        );
        assert_eq!(
            row(&body, "<a href=\"/municipalities/131016\">千代田区</a>"),
            "<tr><th scope=\"row\"><a href=\"/municipalities/131016\">千代田区</a> \
             <span class=\"town-meta\">131016</span></th><td class=\"num\">2</td>\
             <td class=\"num\">7</td><td class=\"num\">81,334,600円</td>\
             <td class=\"num\">0円</td><td class=\"num\">0円</td>\
             <td class=\"num\">4件（4項目）</td>",
            "{path}"
        );
        assert_contains(
            row(&body, "<th scope=\"row\">東京都計</th>"),
            &["<td class=\"num\">81,334,600円</td>"],
        );
        assert!(!body.contains("札幌市"), "only Tokyo's towns");
    }
}

#[tokio::test]
async fn the_tables_are_open_data() {
    let app = app().await;
    let csv = app.get("/dashboard/files/prefectures.csv?year=2019").await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_contains(
        csv.header("content-disposition").expect("a file name"),
        &["attachment; filename=\"national_prefectures_2019.csv\""],
    );
    let lines: Vec<&str> = csv.body.split("\r\n").collect();
    assert_eq!(
        lines[..4],
        [
            "報告年度（西暦）,報告年度（和暦）,都道府県コード,都道府県名,団体数,計画数,項目数,\
             実績額（円）,見込額（円）,計画額（円）,検算の差異の数,差異のある項目数",
            "2019,令和元年度,01,北海道,1,1,2,21063000,0,0,1,1",
            "2019,令和元年度,13,東京都,1,2,7,81334600,0,0,4,4",
            // 桜川市, of no prefecture: no code.
            "2019,令和元年度,,その他,1,1,4,40667300,0,0,2,2",
        ]
    );
    assert_eq!(
        lines.len(),
        5,
        "three rows and the last line end: {lines:?}"
    );

    let towns = app
        .get("/prefectures/13/files/municipalities.csv?year=2019&bom=1")
        .await;
    assert_eq!(towns.status, StatusCode::OK);
    assert_eq!(
        towns.body,
        "\u{feff}報告年度（西暦）,報告年度（和暦）,都道府県コード,都道府県名,地方公共団体コード,\
         地方公共団体名,計画数,項目数,実績額（円）,見込額（円）,計画額（円）,検算の差異の数,\
         差異のある項目数\r\n2019,令和元年度,13,東京都,131016,千代田区,2,7,81334600,\
         0,0,4,4\r\n"
    );
    // Tagged for revalidation.
    let etag = towns.header("etag").expect("an ETag").to_owned();
    let again = app
        .send(
            Request::get("/prefectures/13/files/municipalities.csv?year=2019&bom=1")
                .header("if-none-match", &etag),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn bad_years_and_unknown_prefectures_are_refused() {
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
    let app = app().await;
    let before = app.page("/dashboard?year=2019").await;
    assert_eq!(before, app.page("/dashboard?year=2019").await, "kept");
    // Another process imports a second town of 東京都 (千代田区's plans are unchanged).
    app.save(
        &sakura_as(town("131024", "中央区"), SAKURA_PLAN, 4),
        "chuo.txt",
    )
    .await;
    let after = app.page("/dashboard?year=2019").await;
    // 東京都: 81,334,600 + 40,667,300 = 122,001,900 over 2 municipalities, 7 + 4 items.
    assert_contains(
        row(&after, "<a href=\"/prefectures/13?year=2019\">東京都</a>"),
        &[
            "<td class=\"num\">2</td><td class=\"num\">3</td><td class=\"num\">11</td>",
            "<td class=\"num\">122,001,900円</td>",
        ],
    );
    let tokyo = app.page("/prefectures/13").await;
    assert_contains(&tokyo, &["<a href=\"/municipalities/131024\">中央区</a>"]);
}
