//! The public site for anonymous visitors: the list of editions, an edition and its sheets
//! read like the document, 404 and 405 pages, the stylesheets and the A3 switch, and the
//! server's graceful shutdown.

use std::time::Duration;

use kaikaku_store::Database;
use kaikaku_testdb::TestDb;
use kaikaku_web::AppState;
use reqwest::{Method, StatusCode};
use tokio::net::TcpListener;

use crate::support::*;

#[tokio::test]
async fn healthz_answers_ok() {
    let app = TestApp::spawn().await;
    let page = app.get("/healthz").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body, "ok");
}

#[tokio::test]
async fn the_top_page_lists_both_editions() {
    let app = TestApp::spawn().await;
    let body = app.page("/").await;
    assert_contains(
        &body,
        &[
            "<html lang=\"ja\">",
            "公開中の報告",
            SAKURA_PLAN,
            KAEDE_PLAN,
            "令和元年度（2019年度）",
            "令和6年度（2024年度）",
            "第2次桜川市行政改革大綱実施計画 進捗状況一覧(令和元年度実績)",
            "（4項目）",
            "（9項目）",
        ],
    );
    for plan in [SAKURA_PLAN, KAEDE_PLAN] {
        assert_contains(&body, &[&format!("href=\"{}\"", app.edition(plan))]);
    }
}

#[tokio::test]
async fn the_top_page_puts_the_newest_edition_of_a_plan_first() {
    let mut older = kaedemachi();
    older.report_fiscal_year = kaikaku_model::FiscalYear::new(2023);
    older.title = "第3次楓町行政改革実施計画 取組実績報告書（令和5年度実績）".to_owned();
    let app = TestApp::with_reports(&[("r5.txt", older), ("r6.txt", kaedemachi())]).await;
    let body = app.page("/").await;
    let r6 = body.find("令和6年度（2024年度）").expect("R6 listed");
    let r5 = body.find("令和5年度（2023年度）").expect("R5 listed");
    assert!(r6 < r5, "newest first:\n{body}");
    assert_eq!(
        body.matches(KAEDE_PLAN).count(),
        1 + 2,
        "one plan heading:\n{body}"
    );
}

#[tokio::test]
async fn the_osaki_edition_reads_like_the_document() {
    kaikaku_fixtures::skip_without_real_sample!();
    let app = TestApp::with_real_sample().await;
    let body = app.page(&app.edition(OSAKI_PLAN)).await;
    for no in 1..=22 {
        assert_contains(&body, &[&format!("id=\"no-{no}\"")]);
    }
    assert!(!body.contains("id=\"no-23\""));
    assert_contains(
        &body,
        &[
            "<title>第5次集中改革プラン取組実績一覧(令和3年度実績)｜",
            "<h1 class=\"edition-title\">第5次集中改革プラン取組実績一覧(令和3年度実績)</h1>",
            "令和2年度（2020年度）～令和4年度（2022年度）",
            // The summary table links each row to its sheet.
            "<th scope=\"col\">項目</th>",
            "<a href=\"#no-1\">多様な話し合いの場と環境づくり</a>",
            "まちづくり推進課",
            "子ども保育課",
            "経営企画課（経営管理部）",
            "経営管理課（上下水道部）",
            // A sheet as in the document.
            "No.1 多様な話し合いの場と環境づくり",
            "【担当課：まちづくり推進課・地域振興課・関係各課】",
            "改善・推進の内容",
            "改善スケジュール",
            "<th scope=\"col\" class=\"col-year\">令和2年度</th>",
            "<th scope=\"col\" class=\"col-year\">令和4年度</th>",
            "<td class=\"schedule\">①～⑤</td>",
            "<td class=\"schedule\">② (試行)</td>",
            "改善・推進目標",
            "主な取組内容",
            "<span class=\"action-mark\">①</span>多様な話し合いの場と環境づくり",
            "令和2年度～令和4年度の取組内容",
            "【令和3年度（実績）】",
            "【令和4年度（見込み）】",
            "<p class=\"line\">・協働のまちづくり研修会の開催。",
            "取組による効果",
            "<th scope=\"row\" class=\"effects-year\">総計</th>",
            "寄附受入（見込み） 27,075件 427,794,446円",
            "<span class=\"quantity\">寄附受入 27,075件（見込み）</span>",
            "【令和3年度総評】",
            // Text is kept as written.
            "中止となつたが",
        ],
    );
    // The goal spans the content rows: No.20 has two.
    assert_contains(&body, &["<td class=\"goal\" rowspan=\"2\">"]);
}

#[tokio::test]
async fn the_edition_shows_the_findings_of_no20_and_no21() {
    kaikaku_fixtures::skip_without_real_sample!();
    let app = TestApp::with_real_sample().await;
    let body = app.page(&app.edition(OSAKI_PLAN)).await;
    let findings = kaikaku_check::check(&osaki());
    let numbers: Vec<u32> = findings.iter().map(|f| f.item_no.0).collect();
    assert_eq!(numbers, vec![20, 21]);
    assert_contains(&body, &["数値の確認", "次の2件で差があります"]);
    for finding in &findings {
        assert_contains(&body, &[&escaped(&finding.message())]);
    }
    assert_contains(
        &body,
        &[
            "57,000,000円と記載されていますが、内訳を合計すると52,000,000円です",
            "<a href=\"#no-20\">該当項目へ</a>",
            "<a href=\"#no-21\">該当項目へ</a>",
        ],
    );

    // The item pages show their own findings only.
    let edition = app.edition(OSAKI_PLAN);
    let no20 = app.page(&format!("{edition}/items/20")).await;
    assert_contains(&no20, &["数値の確認", &escaped(&findings[0].message())]);
    assert!(!no20.contains(&escaped(&findings[1].message())));
    let no19 = app.page(&format!("{edition}/items/19")).await;
    assert_contains(&no19, &["数値の確認", "差は見つかりませんでした"]);
}

#[tokio::test]
async fn the_kaedemachi_edition_has_four_schedule_years_and_no_findings() {
    let app = TestApp::spawn().await;
    let body = app.page(&app.edition(KAEDE_PLAN)).await;
    assert_contains(
        &body,
        &[
            "楓町",
            "<th scope=\"colgroup\" colspan=\"4\">改善スケジュール</th>",
            "<th scope=\"col\" class=\"col-year\">令和8年度</th>",
            "令和5年度～令和8年度の取組内容",
            "【令和6年度総評】",
            "差は見つかりませんでした",
        ],
    );
    for no in 1..=9 {
        assert_contains(&body, &[&format!("id=\"no-{no}\"")]);
    }
}

#[tokio::test]
async fn an_item_page_shows_one_sheet_and_links_to_its_neighbours() {
    let app = TestApp::spawn().await;
    let edition = app.edition(KAEDE_PLAN);
    let body = app.page(&format!("{edition}/items/8")).await;
    assert_contains(
        &body,
        &[
            "id=\"no-8\"",
            "No.8 ふるさと納税制度の活用",
            "【担当課：企画課・産業振興課】",
            "寄附受入（見込み） 4,300件 75,000,000円",
            "【令和6年度総評】",
            &format!(
                "<a href=\"{edition}\">第3次楓町行政改革実施計画 取組実績報告書（令和6年度実績）</a>"
            ),
            &format!(
                "<a rel=\"prev\" href=\"{edition}/items/7\">← No.7 集会施設の地域への譲与の推進</a>"
            ),
            &format!("<a rel=\"next\" href=\"{edition}/items/9\">No.9 水道事業の経営健全化 →</a>"),
            &format!("<a href=\"{edition}#no-8\">"),
        ],
    );
    let anchors = body.matches("class=\"sheet\" id=\"no-").count();
    assert_eq!(anchors, 1, "only No.8's sheet:\n{body}");
    // Other sheets' contents are not on the page (No.9's 遊休資産).
    assert!(!body.contains("遊休資産の売却"), "{body}");

    let first = app.page(&format!("{edition}/items/1")).await;
    assert!(!first.contains("rel=\"prev\""));
    assert_contains(&first, &[&format!("{edition}/items/2")]);
    let last = app.page(&format!("{edition}/items/9")).await;
    assert!(!last.contains("rel=\"next\""));
    assert_contains(&last, &[&format!("{edition}/items/8")]);
}

#[tokio::test]
async fn unknown_or_malformed_addresses_are_japanese_404_pages() {
    let app = TestApp::spawn().await;
    let edition = app.edition(KAEDE_PLAN);
    let paths = [
        "/nope".to_owned(),
        "/plans/999/2024".to_owned(),
        format!("{edition}/../2023"),
        edition.replace("2024", "2023"),
        edition.replace("2024", "6"),
        edition.replace("2024", "令和6"),
        edition.replace("2024", "99999999999999999999"),
        "/plans/x/2024".to_owned(),
        "/plans/%FF/2024".to_owned(),
        "/plans/0/2024".to_owned(),
        "/plans/-1/2024".to_owned(),
        format!("{edition}/items/10"),
        format!("{edition}/items/0"),
        format!("{edition}/items/08"),
        format!("{edition}/items/abc"),
        format!("{edition}/items/8/extra"),
        "/plans/1".to_owned(),
    ];
    for path in &paths {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}:\n{}", page.body);
        assert_contains(
            &page.body,
            &[
                "<html lang=\"ja\">",
                "ページが見つかりません",
                "公開中の報告の一覧へ",
            ],
        );
    }
}

#[tokio::test]
async fn a_wrong_method_is_a_japanese_405_page() {
    let app = TestApp::spawn().await;
    let page = app
        .send(Request::new(Method::POST, app.edition(KAEDE_PLAN)))
        .await;
    assert_eq!(page.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_contains(&page.body, &["この操作はできません"]);
}

#[tokio::test]
async fn pages_are_html_and_link_the_stylesheets_served_from_the_binary() {
    let app = TestApp::spawn().await;
    let page = app.get("/").await;
    assert_eq!(
        page.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/html; charset=utf-8")
    );
    assert_contains(
        &page.body,
        &[
            "<link rel=\"stylesheet\" href=\"/assets/site.css\">",
            "<link rel=\"stylesheet\" href=\"/assets/print.css\" media=\"print\">",
        ],
    );
    for path in ["/assets/site.css", "/assets/print.css"] {
        let css = app.get(path).await;
        assert_eq!(css.status, StatusCode::OK);
        assert_eq!(
            css.headers
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("text/css; charset=utf-8")
        );
    }
    let print = app.page("/assets/print.css").await;
    assert_contains(
        &print,
        &[
            "size: A4 landscape;",
            "margin: 10mm;",
            "@page a3",
            "size: A3 landscape;",
            "page: a3;",
            "break-before: page;",
        ],
    );
    let site = app.page("/assets/site.css").await;
    assert_contains(&site, &["white-space: pre-line", "BIZ UDPGothic"]);
}

#[tokio::test]
async fn paper_a3_switches_the_print_page() {
    let app = TestApp::spawn().await;
    let edition = app.edition(KAEDE_PLAN);
    let a4 = app.page(&edition).await;
    assert!(!a4.contains("class=\"paper-a3\""));
    assert_contains(&a4, &[&format!("<a href=\"{edition}?paper=a3\">A3横</a>")]);
    let a3 = app.page(&format!("{edition}?paper=a3")).await;
    assert_contains(&a3, &["<body class=\"paper-a3\">", "A3横（選択中）"]);
    let item = app.page(&format!("{edition}/items/8?paper=a3")).await;
    assert_contains(&item, &["<body class=\"paper-a3\">"]);
    // An unknown paper is ignored, not an error.
    let other = app.page(&format!("{edition}?paper=<b>")).await;
    assert!(!other.contains("paper-a3"));
}

#[tokio::test]
async fn serve_with_shutdown_finishes_when_told() {
    let db = TestDb::new().await;
    let store = Database::connect(db.target()).await.expect("opens");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let addr = listener.local_addr().expect("bound address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(kaikaku_web::serve_with_shutdown(
        listener,
        AppState::new(store),
        kaikaku_web::ServerSettings::default(),
        async {
            let _ = stopped.await;
        },
    ));
    let body = reqwest::get(format!("http://{addr}/"))
        .await
        .expect("answers")
        .text()
        .await
        .expect("body");
    assert!(body.contains("公開中の報告はまだありません"), "{body}");
    stop.send(()).expect("the server listens");
    let result = tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("stops in time")
        .expect("does not panic");
    assert!(result.is_ok(), "{result:?}");
}
