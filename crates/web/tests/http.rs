//! Runs the real server (`kaikaku_web::serve`) on `127.0.0.1:0` over a fresh SQLite database
//! per test, loaded with the real sample (Osaki City, FY2021) and the bundled 楓町 report, and
//! asks it over real HTTP.

use std::time::Duration;

use kaikaku_model::Report;
use kaikaku_model::workflow::Role;
use kaikaku_store::{Cycle, NewUser, Source, SqliteStore, Store, StoredReport};
use kaikaku_web::AppState;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

const OSAKI_PLAN: &str = "第5次集中改革プラン";
const KAEDE_PLAN: &str = "第3次楓町行政改革実施計画";

/// The users of every test app: name, password, role, department.
const USERS: [(&str, &str, Role, Option<&str>); 3] = [
    ("admin", "admin-password-1", Role::Admin, Some("政策課")),
    ("editor", "editor-password-1", Role::Editor, Some("総務課")),
    ("reviewer", "reviewer-password-1", Role::Reviewer, None),
];

/// The real server on a fresh database, stopped and deleted on drop.
struct TestApp {
    base: String,
    client: reqwest::Client,
    /// A client that does not follow redirects (log-ins, access checks).
    raw: reqwest::Client,
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
        for (name, password, role, department) in USERS {
            let user = NewUser {
                name: name.to_owned(),
                role,
                department: department.map(str::to_owned),
                password_hash: kaikaku_auth::hash_password(password).expect("hashes"),
            };
            store.create_user(&user).await.expect("creates the user");
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
            raw: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .redirect(reqwest::redirect::Policy::none())
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

// -------------------------------------------------------------------------------------------
// Log-in, sessions, CSRF and the authorisation matrix.
// -------------------------------------------------------------------------------------------

/// Who makes a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Anonymous,
    Admin,
    Editor,
    Reviewer,
}

impl Who {
    const ALL: [Who; 4] = [Who::Anonymous, Who::Admin, Who::Editor, Who::Reviewer];

    /// The log-in name and password of the test user, `None` for anonymous.
    fn credentials(self) -> Option<(&'static str, &'static str)> {
        let name = match self {
            Who::Anonymous => return None,
            Who::Admin => "admin",
            Who::Editor => "editor",
            Who::Reviewer => "reviewer",
        };
        USERS
            .iter()
            .find(|(n, ..)| *n == name)
            .map(|(n, p, ..)| (*n, *p))
    }
}

/// A logged-in browser: its cookie (`kaikaku_session=…`) and the session's CSRF token.
#[derive(Clone, Debug)]
struct Login {
    cookie: String,
    csrf: String,
}

/// `fields` as an `application/x-www-form-urlencoded` body.
fn form_body(fields: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

impl Page {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn location(&self) -> Option<&str> {
        self.header("location")
    }
}

impl TestApp {
    /// Sends a request without following redirects, with the cookie of `login` and a form
    /// body when `form` is given.
    async fn call(
        &self,
        method: Method,
        path: &str,
        login: Option<&Login>,
        form: Option<&[(&str, &str)]>,
    ) -> Page {
        self.call_with(method, path, login, form, &[]).await
    }

    async fn call_with(
        &self,
        method: Method,
        path: &str,
        login: Option<&Login>,
        form: Option<&[(&str, &str)]>,
        headers: &[(&str, &str)],
    ) -> Page {
        let mut request = self.raw.request(method, format!("{}{path}", self.base));
        if let Some(login) = login {
            request = request.header("cookie", &login.cookie);
        }
        if let Some(fields) = form {
            request = request
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form_body(fields));
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        Page {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.text().await.expect("a text body"),
        }
    }

    /// `POST /login` with these credentials (and `next`), from this site's own form.
    async fn post_login(&self, name: &str, password: &str, next: Option<&str>) -> Page {
        let mut fields = vec![("username", name), ("password", password)];
        if let Some(next) = next {
            fields.push(("next", next));
        }
        self.call(Method::POST, "/login", None, Some(&fields)).await
    }

    /// Logs in (asserting success) and reads the CSRF token from a page.
    async fn login(&self, name: &str, password: &str) -> Login {
        let page = self.post_login(name, password, None).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{name}:\n{}", page.body);
        let set_cookie = page.header("set-cookie").expect("a session cookie");
        let cookie = set_cookie
            .split(';')
            .next()
            .expect("a cookie pair")
            .to_owned();
        let mut login = Login {
            cookie,
            csrf: String::new(),
        };
        login.csrf = self.csrf_of(&login).await;
        login
    }

    /// The CSRF token of a session, from the log-out form of the header bar.
    async fn csrf_of(&self, login: &Login) -> String {
        let page = self.call(Method::GET, "/account", Some(login), None).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        csrf_in(&page.body)
    }

    async fn login_as(&self, who: Who) -> Option<Login> {
        match who.credentials() {
            Some((name, password)) => Some(self.login(name, password).await),
            None => None,
        }
    }

    /// Who the header bar says is logged in with `login`'s cookie (`None`: the ログイン link).
    async fn logged_in_as(&self, login: &Login) -> Option<String> {
        let page = self.call(Method::GET, "/", Some(login), None).await;
        assert_eq!(page.status, StatusCode::OK);
        let start = page.body.find("<a href=\"/account\">")? + "<a href=\"/account\">".len();
        let end = page.body[start..].find('<')?;
        Some(page.body[start..start + end].to_owned())
    }
}

/// The value of the first hidden `_csrf` field of a page.
fn csrf_in(body: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = body
        .find(marker)
        .unwrap_or_else(|| panic!("no _csrf field in:\n{body}"))
        + marker.len();
    let end = body[start..].find('"').expect("a closing quote");
    body[start..start + end].to_owned()
}

/// The class of answer a role gets from a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// 2xx, or a redirect that is not to the log-in page.
    Allowed,
    /// A redirect to `/login` (401 JSON under `/api/`).
    Login,
    /// 403: logged in, but the role may not.
    Forbidden,
}

use Outcome::{Allowed as A, Forbidden as F, Login as L};

/// One row of the authorisation matrix: a route of the table, how to call it, and the
/// outcome for anonymous, admin, editor and reviewer, in that order.
struct Case {
    method: Method,
    path: &'static str,
    url: fn(&TestApp) -> String,
    form: fn(Who) -> Vec<(String, String)>,
    expect: [Outcome; 4],
}

fn no_form(_: Who) -> Vec<(String, String)> {
    Vec::new()
}

fn case(method: Method, path: &'static str, expect: [Outcome; 4]) -> Case {
    Case {
        method,
        path,
        url: |_| String::new(),
        form: no_form,
        expect,
    }
}

/// The expected outcome of every route for every role, keyed by (method, path). A route of
/// `kaikaku_web::routes::table` missing here fails
/// `every_route_answers_every_role_as_the_matrix_says`, and names the route.
fn matrix() -> Vec<Case> {
    let get = Method::GET;
    let post = Method::POST;
    vec![
        case(get.clone(), "/", [A, A, A, A]),
        Case {
            url: |app| app.edition(KAEDE_PLAN),
            ..case(get.clone(), "/plans/{plan_id}/{fiscal_year}", [A, A, A, A])
        },
        Case {
            url: |app| format!("{}/items/2", app.edition(KAEDE_PLAN)),
            ..case(
                get.clone(),
                "/plans/{plan_id}/{fiscal_year}/items/{no}",
                [A, A, A, A],
            )
        },
        case(get.clone(), "/healthz", [A, A, A, A]),
        case(get.clone(), "/assets/site.css", [A, A, A, A]),
        case(get.clone(), "/assets/print.css", [A, A, A, A]),
        case(get.clone(), "/login", [A, A, A, A]),
        Case {
            // Anonymous visitors log in as the admin; the others as themselves again.
            form: |who| {
                let (name, password) = who
                    .credentials()
                    .or(Who::Admin.credentials())
                    .expect("credentials");
                vec![
                    ("username".to_owned(), name.to_owned()),
                    ("password".to_owned(), password.to_owned()),
                ]
            },
            ..case(post.clone(), "/login", [A, A, A, A])
        },
        case(post.clone(), "/logout", [L, A, A, A]),
        case(get.clone(), "/account", [L, A, A, A]),
        Case {
            // The same password again: allowed, and later cases can still log in.
            form: |who| {
                let password = who.credentials().map_or("whatever-password", |(_, p)| p);
                vec![
                    ("current_password".to_owned(), password.to_owned()),
                    ("new_password".to_owned(), password.to_owned()),
                    ("new_password_confirm".to_owned(), password.to_owned()),
                ]
            },
            ..case(post.clone(), "/account/password", [L, A, A, A])
        },
        case(get.clone(), "/admin/users", [L, A, F, F]),
        Case {
            form: |who| {
                vec![
                    ("name".to_owned(), format!("matrix-{who:?}").to_lowercase()),
                    ("role".to_owned(), "editor".to_owned()),
                    ("department".to_owned(), "財政課".to_owned()),
                    ("password".to_owned(), "matrix-password".to_owned()),
                ]
            },
            ..case(post.clone(), "/admin/users", [L, A, F, F])
        },
    ]
}

/// The address a case requests: its `url`, else its path (which then has no parameters).
fn url_of(case: &Case, app: &TestApp) -> String {
    let url = (case.url)(app);
    if url.is_empty() {
        assert!(
            !case.path.contains('{'),
            "{} {}: give the matrix entry a url",
            case.method,
            case.path
        );
        case.path.to_owned()
    } else {
        url
    }
}

/// The class of `page`, the answer to a request for `path`; `None` when it is none of them
/// (a 400, a 404, a CSRF refusal …).
fn observed(page: &Page, path: &str) -> Option<Outcome> {
    let to_login = page
        .location()
        .is_some_and(|l| l == "/login" || l.starts_with("/login?"));
    match page.status {
        s if s.is_success() => Some(Outcome::Allowed),
        s if s.is_redirection() && !to_login => Some(Outcome::Allowed),
        StatusCode::SEE_OTHER if to_login && !path.starts_with("/api/") => Some(Outcome::Login),
        StatusCode::UNAUTHORIZED if path.starts_with("/api/") => Some(Outcome::Login),
        StatusCode::FORBIDDEN if page.body.contains("この操作の権限がありません") => {
            Some(Outcome::Forbidden)
        }
        _ => None,
    }
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_matrix_says() {
    let specs = kaikaku_web::routes::specs();
    let matrix = matrix();
    let missing: Vec<String> = specs
        .iter()
        .filter(|spec| {
            !matrix
                .iter()
                .any(|case| case.method == spec.method && case.path == spec.path)
        })
        .map(|spec| format!("{} {}", spec.method, spec.path))
        .collect();
    assert!(
        missing.is_empty(),
        "routes with no entry in the authorisation matrix of tests/http.rs: {missing:?}"
    );
    let stale: Vec<String> = matrix
        .iter()
        .filter(|case| {
            !specs
                .iter()
                .any(|spec| case.method == spec.method && case.path == spec.path)
        })
        .map(|case| format!("{} {}", case.method, case.path))
        .collect();
    assert!(stale.is_empty(), "matrix entries for no route: {stale:?}");

    let app = TestApp::spawn().await;
    let mut failures = Vec::new();
    for case in &matrix {
        let url = url_of(case, &app);
        for (who, expected) in Who::ALL.into_iter().zip(case.expect) {
            // A fresh session for every request: logging out or changing a password must not
            // leak into the next case.
            let login = app.login_as(who).await;
            let changes_state = case.method != Method::GET;
            let mut fields = (case.form)(who);
            if let (true, Some(login)) = (changes_state, &login) {
                fields.push(("_csrf".to_owned(), login.csrf.clone()));
            }
            let fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let page = app
                .call(
                    case.method.clone(),
                    &url,
                    login.as_ref(),
                    changes_state.then_some(fields.as_slice()),
                )
                .await;
            let got = observed(&page, &url);
            if got != Some(expected) {
                failures.push(format!(
                    "{} {} as {who:?}: expected {expected:?}, got {got:?} ({} {:?})",
                    case.method,
                    case.path,
                    page.status,
                    page.location()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn the_login_page_is_a_japanese_form() {
    let app = TestApp::spawn().await;
    let body = app.page("/login?next=/account").await;
    assert_contains(
        &body,
        &[
            "<h1 class=\"page-title\">ログイン</h1>",
            "<form class=\"stacked-form\" method=\"post\" action=\"/login\">",
            "<input type=\"hidden\" name=\"next\" value=\"/account\">",
            "<label for=\"username\">ユーザー名</label>",
            "<label for=\"password\">パスワード</label>",
            "type=\"password\" autocomplete=\"current-password\"",
            "<button type=\"submit\">ログイン</button>",
        ],
    );
    // Another site is never written into the form.
    let body = app.page("/login?next=//evil.example").await;
    assert_contains(&body, &["name=\"next\" value=\"/\""]);
    assert!(!body.contains("evil.example"), "{body}");
}

#[tokio::test]
async fn the_session_cookie_is_http_only_secure_and_strict() {
    let app = TestApp::spawn().await;
    let page = app.post_login("editor", "editor-password-1", None).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.location(), Some("/"));
    let cookie = page.header("set-cookie").expect("a cookie");
    let (pair, attributes) = cookie.split_once("; ").expect("attributes");
    let (name, secret) = pair.split_once('=').expect("name=value");
    assert_eq!(name, "kaikaku_session");
    assert_eq!(secret.len(), 64, "{secret}");
    let attributes: Vec<&str> = attributes.split("; ").collect();
    assert_eq!(
        attributes,
        vec![
            "HttpOnly",
            "Secure",
            "SameSite=Strict",
            "Path=/",
            "Max-Age=28800"
        ]
    );
    // A fresh token at every log-in.
    let again = app.post_login("editor", "editor-password-1", None).await;
    assert_ne!(again.header("set-cookie"), Some(cookie));
}

#[tokio::test]
async fn a_login_replaces_the_session_the_browser_had() {
    let app = TestApp::spawn().await;
    let first = app.login("editor", "editor-password-1").await;
    // Logging in again from the same browser (sending its cookie) ends the old session.
    let page = app
        .call(
            Method::POST,
            "/login",
            Some(&first),
            Some(&[
                ("username", "reviewer"),
                ("password", "reviewer-password-1"),
            ]),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let new_cookie = page.header("set-cookie").expect("a cookie");
    assert!(!new_cookie.starts_with(&first.cookie));
    assert_eq!(app.logged_in_as(&first).await, None);
}

#[tokio::test]
async fn the_header_bar_shows_who_is_logged_in() {
    let app = TestApp::spawn().await;
    let anonymous = app.page("/").await;
    assert_contains(
        &anonymous,
        &["<a class=\"login-link\" href=\"/login\">ログイン</a>"],
    );
    assert!(!anonymous.contains("ログアウト"));

    let admin = app.login("admin", "admin-password-1").await;
    let page = app
        .call(Method::GET, &app.edition(KAEDE_PLAN), Some(&admin), None)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_contains(
        &page.body,
        &[
            "<a href=\"/account\">admin</a><span class=\"session-role\">（管理者（政策課））</span>",
            "<a href=\"/admin/users\">ユーザー管理</a>",
            "<form class=\"logout-form\" method=\"post\" action=\"/logout\">",
            &format!(
                "<input type=\"hidden\" name=\"_csrf\" value=\"{}\">",
                admin.csrf
            ),
            "<button type=\"submit\">ログアウト</button>",
        ],
    );
    assert_eq!(page.header("cache-control"), Some("no-store"));
    let editor = app.login("editor", "editor-password-1").await;
    let page = app.call(Method::GET, "/", Some(&editor), None).await;
    assert_contains(&page.body, &["（記入担当課・総務課）"]);
    assert!(!page.body.contains("/admin/users"));
    // Error pages carry the bar too.
    let page = app.call(Method::GET, "/nope", Some(&editor), None).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_contains(&page.body, &["ページが見つかりません", "ログアウト"]);
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_identical_answer() {
    let app = TestApp::spawn().await;
    let wrong = app.post_login("admin", "not-the-password", None).await;
    let unknown = app.post_login("nobody", "not-the-password", None).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.status, wrong.status);
    assert_eq!(unknown.body, wrong.body);
    assert_contains(
        &wrong.body,
        &["ユーザー名またはパスワードが正しくありません。"],
    );
    assert!(wrong.header("set-cookie").is_none());
    // The name typed is not echoed, so nothing differs.
    assert!(!wrong.body.contains("value=\"admin\""));
}

#[tokio::test]
async fn logins_are_throttled_per_name() {
    let app = TestApp::spawn().await;
    for attempt in 1..=5 {
        let page = app.post_login("editor", "wrong-password", None).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "attempt {attempt}");
    }
    // Even the right password is refused now.
    let page = app.post_login("editor", "editor-password-1", None).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS, "{}", page.body);
    let retry: u64 = page
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!((1..=900).contains(&retry), "{retry}");
    assert_contains(
        &page.body,
        &[
            "<html lang=\"ja\">",
            "ログインの試行回数が上限を超えました",
            "約15分後",
        ],
    );
    assert!(page.header("set-cookie").is_none());
    // Another name from the same address still may.
    app.login("reviewer", "reviewer-password-1").await;
}

#[tokio::test]
async fn logins_are_throttled_per_address() {
    let app = TestApp::spawn().await;
    for i in 0..20 {
        let page = app
            .post_login(&format!("guess-{i}"), "wrong-password", None)
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "attempt {i}");
    }
    let page = app.post_login("admin", "admin-password-1", None).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.header("retry-after").is_some());
}

#[tokio::test]
async fn next_is_followed_only_to_local_paths() {
    let app = TestApp::spawn().await;
    let cases = [
        ("/account", "/account"),
        ("/plans/1/2024?paper=a3", "/plans/1/2024?paper=a3"),
        ("//evil.example", "/"),
        ("//evil.example/account", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ];
    for (next, expected) in cases {
        let page = app
            .post_login("reviewer", "reviewer-password-1", Some(next))
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{next}");
        assert_eq!(page.location(), Some(expected), "{next}");
    }
}

#[tokio::test]
async fn a_protected_page_sends_anonymous_visitors_to_login_and_back() {
    let app = TestApp::spawn().await;
    let page = app.call(Method::GET, "/admin/users", None, None).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), Some("/login?next=%2Fadmin%2Fusers"));
    let form = app.page("/login?next=%2Fadmin%2Fusers").await;
    assert_contains(&form, &["name=\"next\" value=\"/admin/users\""]);
    let login = app
        .post_login("admin", "admin-password-1", Some("/admin/users"))
        .await;
    assert_eq!(login.location(), Some("/admin/users"));
}

#[tokio::test]
async fn a_login_posted_from_another_site_is_refused() {
    let app = TestApp::spawn().await;
    let fields = [("username", "admin"), ("password", "admin-password-1")];
    for (header, value) in [
        ("origin", "http://evil.example"),
        ("origin", "null"),
        ("referer", "http://evil.example/login"),
    ] {
        let page = app
            .call_with(
                Method::POST,
                "/login",
                None,
                Some(&fields),
                &[(header, value)],
            )
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{header}: {value}");
        assert!(page.header("set-cookie").is_none());
        assert_contains(&page.body, &["送信を受け付けられませんでした"]);
    }
    let own = app.base.clone();
    let page = app
        .call_with(
            Method::POST,
            "/login",
            None,
            Some(&fields),
            &[("origin", own.as_str())],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    let login = app.login("editor", "editor-password-1").await;
    assert_eq!(app.logged_in_as(&login).await.as_deref(), Some("editor"));
    let page = app
        .call(
            Method::POST,
            "/logout",
            Some(&login),
            Some(&[("_csrf", login.csrf.as_str())]),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), Some("/"));
    assert_eq!(
        page.header("set-cookie"),
        Some("kaikaku_session=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0")
    );
    // Replaying the old cookie is anonymous now.
    assert_eq!(app.logged_in_as(&login).await, None);
    let account = app.call(Method::GET, "/account", Some(&login), None).await;
    assert_eq!(account.status, StatusCode::SEE_OTHER);
    assert_eq!(account.location(), Some("/login?next=%2Faccount"));
    // The stale cookie is cleared.
    assert_eq!(
        account.header("set-cookie"),
        Some("kaikaku_session=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0")
    );
}

/// Form fields, or headers, as name and value.
type Fields<'a> = Vec<(&'a str, &'a str)>;

/// `fields` and the `_csrf` field.
fn with_csrf<'a>(mut fields: Fields<'a>, csrf: &'a str) -> Fields<'a> {
    fields.push(("_csrf", csrf));
    fields
}

/// The user names on the admin page.
async fn user_names(app: &TestApp, admin: &Login) -> String {
    let page = app
        .call(Method::GET, "/admin/users", Some(admin), None)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.body
}

#[tokio::test]
async fn a_missing_or_wrong_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin", "admin-password-1").await;
    let other = app.login("reviewer", "reviewer-password-1").await;
    fn fields(csrf: Option<&str>) -> Fields<'_> {
        let mut fields = vec![
            ("name", "csrf-victim"),
            ("role", "reviewer"),
            ("department", ""),
            ("password", "csrf-password-1"),
        ];
        fields.extend(csrf.map(|csrf| ("_csrf", csrf)));
        fields
    }
    let attempts: Vec<(&str, Fields<'_>, Fields<'_>)> = vec![
        ("no token", fields(None), vec![]),
        ("empty token", fields(Some("")), vec![]),
        ("wrong token", fields(Some("0123456789abcdef")), vec![]),
        ("another session's token", fields(Some(&other.csrf)), vec![]),
        (
            "wrong header",
            fields(None),
            vec![("x-csrf-token", "0123456789abcdef")],
        ),
    ];
    for (what, form, headers) in attempts {
        let page = app
            .call_with(
                Method::POST,
                "/admin/users",
                Some(&admin),
                Some(&form),
                &headers,
            )
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{what}: {}", page.body);
        assert_contains(
            &page.body,
            &["送信を受け付けられませんでした", "ログアウト"],
        );
    }
    // A JSON body cannot carry the form field.
    let page = app
        .call_with(
            Method::POST,
            "/admin/users",
            Some(&admin),
            None,
            &[("content-type", "application/json")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(!user_names(&app, &admin).await.contains("csrf-victim"));

    // The password does not change either.
    let page = app
        .call(
            Method::POST,
            "/account/password",
            Some(&admin),
            Some(&[
                ("current_password", "admin-password-1"),
                ("new_password", "hijacked-password"),
                ("new_password_confirm", "hijacked-password"),
            ]),
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    // Nor does a log-out end the session.
    let page = app
        .call(Method::POST, "/logout", Some(&admin), Some(&[]))
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(app.logged_in_as(&admin).await.as_deref(), Some("admin"));
    app.login("admin", "admin-password-1").await;

    // The right token, in the field or in the header, goes through.
    let page = app
        .call_with(
            Method::POST,
            "/admin/users",
            Some(&admin),
            Some(&fields(None)),
            &[("x-csrf-token", admin.csrf.as_str())],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert!(user_names(&app, &admin).await.contains("csrf-victim"));
}

#[tokio::test]
async fn an_admin_creates_users_who_can_log_in() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin", "admin-password-1").await;
    let create = |fields| with_csrf(fields, &admin.csrf);
    let page = app
        .call(
            Method::POST,
            "/admin/users",
            Some(&admin),
            Some(&create(vec![
                ("name", "editor-zaisei"),
                ("role", "editor"),
                ("department", "財政課"),
                ("password", "zaisei-password"),
            ])),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.location(), Some("/admin/users?created=1"));
    let list = app
        .call(Method::GET, "/admin/users?created=1", Some(&admin), None)
        .await;
    assert_contains(
        &list.body,
        &[
            "ユーザーを登録しました。",
            "<td>editor-zaisei</td><td>記入担当課</td><td>財政課</td>",
            "<td>reviewer</td><td>査読者（行政改革推進委員会）</td><td></td>",
        ],
    );
    assert!(!list.body.contains("$argon2"), "no hashes on the page");
    let zaisei = app.login("editor-zaisei", "zaisei-password").await;
    assert_eq!(
        app.logged_in_as(&zaisei).await.as_deref(),
        Some("editor-zaisei")
    );

    // Refusals keep the form and say why, in Japanese.
    for (fields, message) in [
        (
            vec![
                ("name", "editor-zaisei"),
                ("role", "reviewer"),
                ("department", ""),
                ("password", "another-password"),
            ],
            "ユーザー名「editor-zaisei」はすでに使われています",
        ),
        (
            vec![
                ("name", "no-department"),
                ("role", "editor"),
                ("department", " "),
                ("password", "another-password"),
            ],
            "記入担当課のユーザーには課名が必要です",
        ),
        (
            vec![
                ("name", "short"),
                ("role", "reviewer"),
                ("department", ""),
                ("password", "short"),
            ],
            "パスワードは10文字以上にしてください",
        ),
        (
            vec![
                ("name", "bad-role"),
                ("role", "root"),
                ("department", ""),
                ("password", "another-password"),
            ],
            "役割を選んでください",
        ),
    ] {
        let page = app
            .call(
                Method::POST,
                "/admin/users",
                Some(&admin),
                Some(&create(fields)),
            )
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{message}");
        assert_contains(&page.body, &[message, "<form class=\"stacked-form\""]);
    }
}

#[tokio::test]
async fn a_password_change_keeps_this_session_and_ends_the_others() {
    let app = TestApp::spawn().await;
    let here = app.login("editor", "editor-password-1").await;
    let elsewhere = app.login("editor", "editor-password-1").await;
    let change = |current: &'static str, new: &'static str, confirm: &'static str| {
        vec![
            ("current_password", current),
            ("new_password", new),
            ("new_password_confirm", confirm),
        ]
    };
    let csrf = here.csrf.as_str();
    for (fields, message) in [
        (
            change("wrong-password", "brand-new-password", "brand-new-password"),
            "現在のパスワードが正しくありません。",
        ),
        (
            change(
                "editor-password-1",
                "brand-new-password",
                "brand-new-passw0rd",
            ),
            "新しいパスワードと確認用のパスワードが一致しません。",
        ),
        (
            change("editor-password-1", "short", "short"),
            "パスワードは10文字以上にしてください",
        ),
    ] {
        let mut fields = fields;
        fields.push(("_csrf", csrf));
        let page = app
            .call(
                Method::POST,
                "/account/password",
                Some(&here),
                Some(&fields),
            )
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{message}");
        assert_contains(&page.body, &[message]);
    }
    let mut fields = change(
        "editor-password-1",
        "brand-new-password",
        "brand-new-password",
    );
    fields.push(("_csrf", csrf));
    let page = app
        .call(
            Method::POST,
            "/account/password",
            Some(&here),
            Some(&fields),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.location(), Some("/account?changed=1"));
    // This browser gets a fresh session; every earlier one is gone.
    let renewed = Login {
        cookie: page
            .header("set-cookie")
            .and_then(|c| c.split(';').next())
            .expect("a new cookie")
            .to_owned(),
        csrf: String::new(),
    };
    assert_eq!(app.logged_in_as(&renewed).await.as_deref(), Some("editor"));
    assert_eq!(app.logged_in_as(&here).await, None);
    assert_eq!(app.logged_in_as(&elsewhere).await, None);
    let notice = app
        .call(Method::GET, "/account?changed=1", Some(&renewed), None)
        .await;
    assert_contains(&notice.body, &["パスワードを変更しました。"]);
    // The new password works, the old one does not.
    let old = app.post_login("editor", "editor-password-1", None).await;
    assert_eq!(old.status, StatusCode::BAD_REQUEST);
    app.login("editor", "brand-new-password").await;
}

#[tokio::test]
async fn the_account_page_shows_the_user() {
    let app = TestApp::spawn().await;
    let editor = app.login("editor", "editor-password-1").await;
    let page = app.call(Method::GET, "/account", Some(&editor), None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_contains(
        &page.body,
        &[
            "<h1 class=\"page-title\">アカウント</h1>",
            "<dt>ユーザー名</dt><dd>editor</dd>",
            "<dt>役割</dt><dd>記入担当課</dd>",
            "<dt>課</dt><dd>総務課</dd>",
            "<form class=\"stacked-form\" method=\"post\" action=\"/account/password\">",
            &format!(
                "<input type=\"hidden\" name=\"_csrf\" value=\"{}\">",
                editor.csrf
            ),
            "現在のパスワード",
        ],
    );
}

#[tokio::test]
async fn api_errors_are_json() {
    let app = TestApp::spawn().await;
    let page = app.call(Method::GET, "/api/v1/nothing", None, None).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(page.header("content-type"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_str(&page.body).expect("JSON");
    assert!(
        body["error"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}
