//! Runs the real server (`kaikaku_web::serve`) on `127.0.0.1:0` over a fresh SQLite database
//! per test, loaded with the real sample (Osaki City, FY2021) and the bundled 楓町 report, and
//! asks it over real HTTP.

use std::time::Duration;

use kaikaku_model::Report;
use kaikaku_store::{Source, SqliteStore, Store, StoredReport};
use kaikaku_web::AppState;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

const OSAKI_PLAN: &str = "第5次集中改革プラン";
const KAEDE_PLAN: &str = "第3次楓町行政改革実施計画";

/// The real server on a fresh database, stopped and deleted on drop.
struct TestApp {
    base: String,
    client: reqwest::Client,
    reports: Vec<StoredReport>,
    server: JoinHandle<std::io::Result<()>>,
    _dir: TempDir,
}

/// A response, read whole.
#[derive(Debug)]
struct Page {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl TestApp {
    /// The server with the real sample and the bundled 楓町 report.
    async fn spawn() -> TestApp {
        TestApp::with_reports(&[
            ("000_6a7f54c584e0f9d2.txt", osaki()),
            ("kaedemachi_r6.txt", kaedemachi()),
        ])
        .await
    }

    /// The server with `reports` saved, in order, through `Store::save_report`.
    async fn with_reports(reports: &[(&str, Report)]) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SqliteStore::open(&dir.path().join("kaikaku.db"))
            .await
            .expect("opens");
        for (name, report) in reports {
            let source = Source {
                name: (*name).to_owned(),
                encoding: "UTF-8".to_owned(),
            };
            store.save_report(report, &source).await.expect("saves");
        }
        let stored = store.list_reports().await.expect("lists");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
        let addr = listener.local_addr().expect("bound address");
        let server = tokio::spawn(kaikaku_web::serve(listener, AppState::new(store)));
        TestApp {
            base: format!("http://{addr}"),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
            reports: stored,
            server,
            _dir: dir,
        }
    }

    /// `/plans/{plan_id}/{fiscal_year}` of the stored report of `plan`.
    fn edition(&self, plan: &str) -> String {
        let stored = self
            .reports
            .iter()
            .find(|r| r.plan_name == plan)
            .unwrap_or_else(|| panic!("{plan} is stored"));
        let year = stored.report_fiscal_year.expect("a fiscal year");
        format!("/plans/{}/{}", stored.plan_id, year.gregorian())
    }

    async fn request(&self, method: reqwest::Method, path: &str) -> Page {
        let response = self
            .client
            .request(method, format!("{}{path}", self.base))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        Page {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.text().await.expect("a text body"),
        }
    }

    async fn get(&self, path: &str) -> Page {
        self.request(reqwest::Method::GET, path).await
    }

    /// GETs `path` and asserts 200.
    async fn page(&self, path: &str) -> String {
        let page = self.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}:\n{}", page.body);
        page.body
    }
}

fn osaki() -> Report {
    kaikaku_reader::read(&kaikaku_fixtures::real_sample(), &Default::default())
        .expect("the real sample reads")
}

fn kaedemachi() -> Report {
    kaikaku_reader::read(
        &kaikaku_fixtures::bundled("kaedemachi_r6.txt"),
        &Default::default(),
    )
    .expect("the bundled sample reads")
}

/// `text` as askama escapes it in HTML: numeric character references.
fn escaped(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

fn assert_contains(body: &str, needles: &[&str]) {
    for needle in needles {
        assert!(body.contains(needle), "{needle:?} missing from:\n{body}");
    }
}

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
            OSAKI_PLAN,
            KAEDE_PLAN,
            "令和3年度（2021年度）",
            "令和6年度（2024年度）",
            "第5次集中改革プラン取組実績一覧(令和3年度実績)",
            "（22項目）",
            "（9項目）",
        ],
    );
    for plan in [OSAKI_PLAN, KAEDE_PLAN] {
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
    let app = TestApp::spawn().await;
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
    let app = TestApp::spawn().await;
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
    let edition = app.edition(OSAKI_PLAN);
    let body = app.page(&format!("{edition}/items/19")).await;
    assert_contains(
        &body,
        &[
            "id=\"no-19\"",
            "No.19 ふるさと納税制度の活用",
            "【担当課：政策課】",
            "寄附受入（見込み） 27,075件 427,794,446円",
            "【令和3年度総評】",
            &format!("<a href=\"{edition}\">第5次集中改革プラン取組実績一覧(令和3年度実績)</a>"),
            &format!("<a rel=\"prev\" href=\"{edition}/items/18\">← No.18 使用料等の収入確保</a>"),
            &format!("<a rel=\"next\" href=\"{edition}/items/20\">No.20 遊休資産の活用 →</a>"),
            &format!("<a href=\"{edition}#no-19\">"),
        ],
    );
    let anchors = body.matches("class=\"sheet\" id=\"no-").count();
    assert_eq!(anchors, 1, "only No.19's sheet:\n{body}");
    // Other sheets' contents are not on the page.
    assert!(!body.contains("遊休資産の売却"), "{body}");

    let first = app.page(&format!("{edition}/items/1")).await;
    assert!(!first.contains("rel=\"prev\""));
    assert_contains(&first, &[&format!("{edition}/items/2")]);
    let last = app.page(&format!("{edition}/items/22")).await;
    assert!(!last.contains("rel=\"next\""));
    assert_contains(&last, &[&format!("{edition}/items/21")]);
}

#[tokio::test]
async fn unknown_or_malformed_addresses_are_japanese_404_pages() {
    let app = TestApp::spawn().await;
    let edition = app.edition(OSAKI_PLAN);
    let paths = [
        "/nope".to_owned(),
        "/plans/999/2021".to_owned(),
        format!("{edition}/../2020"),
        edition.replace("2021", "2020"),
        edition.replace("2021", "3"),
        edition.replace("2021", "令和3"),
        edition.replace("2021", "99999999999999999999"),
        "/plans/x/2021".to_owned(),
        "/plans/%FF/2021".to_owned(),
        "/plans/0/2021".to_owned(),
        "/plans/-1/2021".to_owned(),
        format!("{edition}/items/23"),
        format!("{edition}/items/0"),
        format!("{edition}/items/019"),
        format!("{edition}/items/abc"),
        format!("{edition}/items/19/extra"),
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
        .request(reqwest::Method::POST, &app.edition(OSAKI_PLAN))
        .await;
    assert_eq!(page.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_contains(&page.body, &["この操作はできません"]);
}

#[tokio::test]
async fn every_response_has_the_security_headers() {
    let app = TestApp::spawn().await;
    let edition = app.edition(OSAKI_PLAN);
    for path in [
        "/".to_owned(),
        edition.clone(),
        format!("{edition}/items/19"),
        "/healthz".to_owned(),
        "/assets/site.css".to_owned(),
        "/nope".to_owned(),
    ] {
        let page = app.get(&path).await;
        let header = |name: &str| {
            page.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_else(|| panic!("{path}: no {name}"))
                .to_owned()
        };
        assert_eq!(
            header("content-security-policy"),
            "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; \
             frame-ancestors 'none'",
            "{path}"
        );
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("referrer-policy"), "same-origin", "{path}");
    }
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
    let edition = app.edition(OSAKI_PLAN);
    let a4 = app.page(&edition).await;
    assert!(!a4.contains("class=\"paper-a3\""));
    assert_contains(&a4, &[&format!("<a href=\"{edition}?paper=a3\">A3横</a>")]);
    let a3 = app.page(&format!("{edition}?paper=a3")).await;
    assert_contains(&a3, &["<body class=\"paper-a3\">", "A3横（選択中）"]);
    let item = app.page(&format!("{edition}/items/19?paper=a3")).await;
    assert_contains(&item, &["<body class=\"paper-a3\">"]);
    // An unknown paper is ignored, not an error.
    let other = app.page(&format!("{edition}?paper=<b>")).await;
    assert!(!other.contains("paper-a3"));
}

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "<img src=x onerror=alert(1)>";
const LINK: &str = "<a href=\"javascript:alert(1)\">x</a>";

/// The real sample with the three payloads in every kind of text a page shows.
fn osaki_with_payloads() -> Report {
    let all = format!("{SCRIPT}{IMG}{LINK}");
    let mut report = osaki();
    report.title = format!("{SCRIPT}{}", report.title);
    report.plan_name = format!("{IMG}{}", report.plan_name);
    for row in &mut report.summary {
        row.title = format!("{}{LINK}", row.title);
        row.reporting_department = format!("{IMG}{}", row.reporting_department);
    }
    for item in &mut report.items {
        item.title = format!("{SCRIPT} {}", item.title);
        item.departments.push(all.clone());
        item.goal = Some(format!("{IMG}\n{}", item.goal.clone().unwrap_or_default()));
        for content in &mut item.contents {
            content.text = format!("{}{LINK}", content.text);
            if let Some(cell) = content.schedule.first_mut() {
                cell.text = SCRIPT.to_owned();
            }
        }
        for action in &mut item.actions {
            action.text = format!("{}{IMG}", action.text);
        }
        for narrative in &mut item.narratives {
            narrative.text = format!("{SCRIPT}\n{IMG}\n{LINK}\n{}", narrative.text);
        }
        for effect in &mut item.effects {
            effect.text = format!("{IMG} {}", effect.text);
            for quantity in &mut effect.quantities {
                quantity.label = SCRIPT.to_owned();
            }
        }
        if let Some(evaluation) = &mut item.evaluation {
            evaluation.text = format!("{}\n{all}", evaluation.text);
        }
    }
    report
}

fn assert_no_markup_from_the_document(path: &str, body: &str) {
    let lower = body.to_lowercase();
    for raw in [
        "<script",
        "<img",
        "onerror=alert(1)>",
        "href=\"javascript:",
        "javascript:alert(1)\"",
    ] {
        assert!(!lower.contains(raw), "{path}: {raw:?} unescaped:\n{body}");
    }
}

#[tokio::test]
async fn document_text_is_never_rendered_as_markup() {
    let report = osaki_with_payloads();
    let app = TestApp::with_reports(&[("xss.txt", report)]).await;
    let stored = &app.reports[0];
    let edition = format!(
        "/plans/{}/{}",
        stored.plan_id,
        stored.report_fiscal_year.expect("a year").gregorian()
    );
    let (script, img, link) = (escaped(SCRIPT), escaped(IMG), escaped(LINK));
    assert_eq!(script, "&#60;script&#62;alert(1)&#60;/script&#62;");
    let index = app.page("/").await;
    assert_no_markup_from_the_document("/", &index);
    assert_contains(
        &index,
        &[
            &format!("{script}第5次集中改革プラン取組実績一覧"),
            &format!("{img}第5次集中改革プラン"),
        ],
    );

    let no20 = format!("{edition}/items/20");
    let body = app.page(&no20).await;
    assert_no_markup_from_the_document(&no20, &body);
    assert_contains(&body, &[&format!("{script}{img}{link}")]);
    for path in [edition.clone(), format!("{edition}/items/19")] {
        let body = app.page(&path).await;
        assert_no_markup_from_the_document(&path, &body);
        assert_contains(
            &body,
            &[
                // Titles, schedule cells, narrative lines and effects keep their payloads as
                // text.
                &format!("{script} ふるさと納税制度の活用"),
                &format!("<td class=\"schedule\">{script}</td>"),
                &format!("<p class=\"line\">{link}</p>"),
                &format!("<div class=\"pre\">{img} 寄附受入（見込み） 27,075件"),
                &format!("<li><span class=\"action-mark\">①</span>魅力的な返礼品の開発{img}</li>"),
                &format!("<span class=\"quantity\">{script} 27,075件（見込み）</span>"),
                &format!("{script}{img}{link}"),
            ],
        );
    }
    // The summary rows and neighbour links carry payloads too.
    let body = app.page(&edition).await;
    assert_contains(
        &body,
        &[
            &format!("<a href=\"#no-19\">ふるさと納税制度の活用{link}</a>"),
            &format!("<td>{img}政策課</td>"),
        ],
    );
    let item = app.page(&format!("{edition}/items/19")).await;
    assert_contains(
        &item,
        &[&format!("← No.18 {script} 使用料等の収入確保</a>")],
    );
}

#[tokio::test]
async fn serve_with_shutdown_finishes_when_told() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("kaikaku.db"))
        .await
        .expect("opens");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let addr = listener.local_addr().expect("bound address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(kaikaku_web::serve_with_shutdown(
        listener,
        AppState::new(store),
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
