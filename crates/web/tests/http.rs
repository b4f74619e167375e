//! Runs the real server (`kaikaku_web::serve`) on `127.0.0.1:0` over a fresh SQLite database
//! per test, loaded with the real sample (Osaki City, FY2021) and the bundled 楓町 report, and
//! asks it over real HTTP.

use std::time::Duration;

use kaikaku_model::Report;
use kaikaku_model::workflow::Role;
use kaikaku_store::{Cycle, Database, NewUser, Source, Store, StoredReport};
use kaikaku_testdb::TestDb;
use kaikaku_web::AppState;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
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
    /// The app's database (a second connection sees what the server wrote).
    db: TestDb,
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
        let db = TestDb::new().await;
        let store = Database::connect(db.target()).await.expect("opens");
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
            db,
        }
    }

    /// Saves `report` as imported from `name`, beside what the app already has.
    async fn save(&self, report: &Report, name: &str) {
        let store = Database::connect(self.db.target()).await.expect("opens");
        let source = Source {
            name: name.to_owned(),
            encoding: "UTF-8".to_owned(),
        };
        store.save_report(report, &source).await.expect("saves");
    }

    /// The plan id of the stored report of `plan`.
    fn plan_id(&self, plan: &str) -> i64 {
        self.reports
            .iter()
            .find(|r| r.plan_name == plan)
            .unwrap_or_else(|| panic!("{plan} is stored"))
            .plan_id
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

/// A municipality with a valid (invented, prefecture 99) code.
fn town(code: &str, name: &str) -> Option<kaikaku_model::Municipality> {
    Some(kaikaku_model::Municipality {
        code: kaikaku_model::LocalGovernmentCode::parse(code).expect("a valid code"),
        name: name.to_owned(),
    })
}

/// The bundled 桜川市 report, filed under 桜川市 (999989).
fn sakuragawa() -> Report {
    let mut report = kaikaku_reader::read(
        &kaikaku_fixtures::bundled("sakuragawa_h30.txt"),
        &Default::default(),
    )
    .expect("the bundled sample reads");
    report.municipality = town("999989", "桜川市");
    report
}

/// A plan of 千代田区 (東京都) in the tests of the figures across municipalities.
const CHIYODA_PLAN: &str = "千代田区行政改革大綱";

/// The real sample filed under `municipality` as `plan`, with only the items up to `last`.
fn osaki_as(municipality: Option<kaikaku_model::Municipality>, plan: &str, last: u32) -> Report {
    let mut report = osaki();
    report.municipality = municipality;
    report.plan_name = plan.to_owned();
    report.items.retain(|item| item.no.0 <= last);
    report
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

    // The same text carried over into a draft: the cycle pages escape it too.
    let admin = app.login("admin", "admin-password-1").await;
    let plan_id = stored.plan_id.to_string();
    let opened = app
        .call(
            Method::POST,
            "/cycle",
            Some(&admin),
            Some(&[
                ("_csrf", admin.csrf.as_str()),
                ("plan_id", plan_id.as_str()),
                ("fiscal_year", "2022"),
                ("due_date", ""),
            ]),
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    let board = opened
        .header("location")
        .and_then(|l| l.split('?').next())
        .expect("the board's address")
        .to_owned();
    for path in [
        "/cycle".to_owned(),
        board.clone(),
        format!("{board}/sheets/19"),
        format!("{board}/sheets/20"),
        format!("{board}/sheets/19/history"),
    ] {
        let page = app.call(Method::GET, &path, Some(&admin), None).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        assert_no_markup_from_the_document(&path, &page.body);
    }
    let sheet = app
        .call(
            Method::GET,
            &format!("{board}/sheets/19"),
            Some(&admin),
            None,
        )
        .await;
    assert_contains(&sheet.body, &[&script, &img, &link]);
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
    /// For routes of the JSON API on what the matrix sets up ([`api::World`]): the address
    /// and, for writes, the JSON body (sent with `X-CSRF-Token` instead of a form).
    api: Option<api::ApiCall>,
    /// For the cycle pages on what the matrix sets up ([`cycle_pages::PageWorld`]): the
    /// address and the form for each role.
    page: Option<cycle_pages::PageCall>,
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
        api: None,
        page: None,
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
        // A municipality's page and open data (the matrix adds 桜川市, mod municipalities
        // below tests the pages).
        Case {
            url: |_| "/municipalities/999989".to_owned(),
            ..case(get.clone(), "/municipalities/{code}", [A, A, A, A])
        },
        Case {
            url: |_| "/municipalities/999989/files/items.csv".to_owned(),
            ..case(
                get.clone(),
                "/municipalities/{code}/files/{file}",
                [A, A, A, A],
            )
        },
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
        Case {
            // The downloads of a published edition (mod downloads below tests each file).
            url: |app| format!("{}/files/report.json", app.edition(KAEDE_PLAN)),
            ..case(
                get.clone(),
                "/plans/{plan_id}/{fiscal_year}/files/{file}",
                [A, A, A, A],
            )
        },
        // The figures across municipalities (mod across below tests them; the matrix adds a
        // plan of 千代田区, 東京都).
        case(get.clone(), "/dashboard", [A, A, A, A]),
        Case {
            url: |_| "/dashboard/files/prefectures.csv".to_owned(),
            ..case(get.clone(), "/dashboard/files/{file}", [A, A, A, A])
        },
        Case {
            url: |_| "/prefectures/13".to_owned(),
            ..case(get.clone(), "/prefectures/{code}", [A, A, A, A])
        },
        Case {
            url: |_| "/prefectures/13/files/municipalities.csv".to_owned(),
            ..case(
                get.clone(),
                "/prefectures/{code}/files/{file}",
                [A, A, A, A],
            )
        },
        // Dashboards and the comparison (mod dashboards below tests the figures).
        Case {
            url: |app| format!("{}/dashboard", app.edition(KAEDE_PLAN)),
            ..case(
                get.clone(),
                "/plans/{plan_id}/{fiscal_year}/dashboard",
                [A, A, A, A],
            )
        },
        Case {
            url: |app| format!("/plans/{}/dashboard", app.plan_id(KAEDE_PLAN)),
            ..case(get.clone(), "/plans/{plan_id}/dashboard", [A, A, A, A])
        },
        Case {
            url: |app| format!("/plans/{}/compare", app.plan_id(KAEDE_PLAN)),
            ..case(get.clone(), "/plans/{plan_id}/compare", [A, A, A, A])
        },
        // Full-text search (mod search below tests the results).
        Case {
            url: |_| "/search?q=%E7%A0%94%E4%BF%AE".to_owned(),
            ..case(get.clone(), "/search", [A, A, A, A])
        },
        Case {
            url: |_| "/api/v1/search?q=%E7%A0%94%E4%BF%AE".to_owned(),
            ..case(get.clone(), "/api/v1/search", [A, A, A, A])
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
        // The JSON API (api/): published data, the session, the cycle on `api::World`.
        case(get.clone(), "/api/v1/openapi.json", [A, A, A, A]),
        case(get.clone(), "/api/v1/session", [L, A, A, A]),
        case(get.clone(), "/api/v1/plans", [A, A, A, A]),
        Case {
            url: |app| format!("/api/v1{}", app.edition(OSAKI_PLAN)),
            ..case(
                get.clone(),
                "/api/v1/plans/{plan_id}/{fiscal_year}",
                [A, A, A, A],
            )
        },
        Case {
            url: |app| format!("/api/v1{}/items/19", app.edition(OSAKI_PLAN)),
            ..case(
                get.clone(),
                "/api/v1/plans/{plan_id}/{fiscal_year}/items/{no}",
                [A, A, A, A],
            )
        },
        Case {
            url: |app| format!("/api/v1{}/dashboard", app.edition(OSAKI_PLAN)),
            ..case(
                get.clone(),
                "/api/v1/plans/{plan_id}/{fiscal_year}/dashboard",
                [A, A, A, A],
            )
        },
        Case {
            url: |app| {
                format!(
                    "/api/v1/plans/{}/compare?from=2021&to=2021",
                    app.plan_id(OSAKI_PLAN)
                )
            },
            ..case(get.clone(), "/api/v1/plans/{plan_id}/compare", [A, A, A, A])
        },
        case(get.clone(), "/api/v1/editions", [L, A, A, A]),
        Case {
            api: api::ApiCall::at(|w| format!("/api/v1/editions/{}", w.open)),
            ..case(get.clone(), "/api/v1/editions/{id}", [L, A, A, A])
        },
        Case {
            api: api::ApiCall::at(|w| format!("/api/v1/editions/{}/sheets/2", w.open)),
            ..case(
                get.clone(),
                "/api/v1/editions/{id}/sheets/{no}",
                [L, A, A, A],
            )
        },
        Case {
            api: api::ApiCall::at(|w| format!("/api/v1/editions/{}/sheets/2/history", w.open)),
            ..case(
                get.clone(),
                "/api/v1/editions/{id}/sheets/{no}/history",
                [L, A, A, A],
            )
        },
        Case {
            // The sheet saved as it is, from its version now.
            api: Some(api::ApiCall {
                url: |w| format!("/api/v1/editions/{}/sheets/2", w.open),
                state: Some(|w| format!("/api/v1/editions/{}/sheets/2", w.open)),
                body: Some(
                    |_, _, sheet| serde_json::json!({ "version": sheet["version"], "item": sheet["item"] }),
                ),
            }),
            ..case(
                Method::PUT,
                "/api/v1/editions/{id}/sheets/{no}",
                [L, A, A, F],
            )
        },
        Case {
            // Sheet 6 is 確定: the admin reopens it, then its editor submits it.
            api: Some(api::ApiCall {
                url: |w| format!("/api/v1/editions/{}/sheets/6/transitions", w.open),
                state: Some(|w| format!("/api/v1/editions/{}/sheets/6", w.open)),
                body: Some(|who, _, sheet| {
                    let action = if who == Who::Admin {
                        "reopen"
                    } else {
                        "submit"
                    };
                    serde_json::json!({ "action": action, "version": sheet["version"] })
                }),
            }),
            ..case(
                post.clone(),
                "/api/v1/editions/{id}/sheets/{no}/transitions",
                [L, A, A, F],
            )
        },
        Case {
            api: Some(api::ApiCall {
                url: |w| format!("/api/v1/editions/{}/sheets/2/comments", w.open),
                state: None,
                body: Some(|_, _, _| serde_json::json!({ "field": "goal", "body": "matrix" })),
            }),
            ..case(
                post.clone(),
                "/api/v1/editions/{id}/sheets/{no}/comments",
                [L, A, F, A],
            )
        },
        Case {
            api: api::ApiCall::at(|w| {
                format!(
                    "/api/v1/editions/{}/sheets/2/comments/{}/resolve",
                    w.open, w.comment
                )
            }),
            ..case(
                post.clone(),
                "/api/v1/editions/{id}/sheets/{no}/comments/{comment_id}/resolve",
                [L, A, F, A],
            )
        },
        Case {
            // Sheet 7's 総計 does not add up.
            api: Some(api::ApiCall {
                url: |w| format!("/api/v1/editions/{}/sheets/7/waivers", w.open),
                state: Some(|w| format!("/api/v1/editions/{}/sheets/7", w.open)),
                body: Some(
                    |_, _, sheet| serde_json::json!({ "finding_key": sheet["findings"][0]["key"], "reason": "matrix" }),
                ),
            }),
            ..case(
                post.clone(),
                "/api/v1/editions/{id}/sheets/{no}/waivers",
                [L, A, F, F],
            )
        },
        Case {
            api: Some(api::ApiCall {
                url: |_| "/api/v1/cycle".to_owned(),
                state: None,
                body: Some(
                    |_, w, _| serde_json::json!({ "plan_id": w.osaki_plan, "fiscal_year": 2022 }),
                ),
            }),
            ..case(post.clone(), "/api/v1/cycle", [L, A, F, F])
        },
        Case {
            api: Some(api::ApiCall {
                url: |w| format!("/api/v1/editions/{}/lock", w.lockable),
                state: None,
                body: Some(|_, _, _| serde_json::json!({ "base_date": "2025-05-31" })),
            }),
            ..case(post.clone(), "/api/v1/editions/{id}/lock", [L, A, F, F])
        },
        Case {
            // After the lock above.
            api: api::ApiCall::at(|w| format!("/api/v1/editions/{}/publish", w.lockable)),
            ..case(post.clone(), "/api/v1/editions/{id}/publish", [L, A, F, F])
        },
        Case {
            // After the publication above.
            api: Some(api::ApiCall {
                url: |w| format!("/api/v1/editions/{}/correction", w.lockable),
                state: None,
                body: Some(|_, _, _| serde_json::json!({ "note": "matrix" })),
            }),
            ..case(
                post.clone(),
                "/api/v1/editions/{id}/correction",
                [L, A, F, F],
            )
        },
        Case {
            api: api::ApiCall::at(|w| format!("/api/v1/editions/{}/unlock", w.locked)),
            ..case(post.clone(), "/api/v1/editions/{id}/unlock", [L, A, F, F])
        },
    ]
    .into_iter()
    .chain(cycle_pages::matrix())
    .collect()
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
        // The JSON of a route's access check says so in its message.
        StatusCode::FORBIDDEN
            if path.starts_with("/api/") && page.body.contains("役割では利用できません") =>
        {
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
    app.save(&sakuragawa(), "sakuragawa_h30.txt").await;
    app.save(
        &osaki_as(town("131016", "千代田区"), CHIYODA_PLAN, 18),
        "chiyoda.txt",
    )
    .await;
    let world = api::World::build(&app).await;
    let pages = cycle_pages::PageWorld::build(&app, &world).await;
    let mut failures = Vec::new();
    for case in &matrix {
        let url = match (&case.api, &case.page) {
            (Some(call), _) => (call.url)(&world),
            (None, Some(call)) => (call.url)(&pages),
            (None, None) => url_of(case, &app),
        };
        for (who, expected) in Who::ALL.into_iter().zip(case.expect) {
            // A fresh session for every request: logging out or changing a password must not
            // leak into the next case.
            let login = app.login_as(who).await;
            let changes_state = case.method != Method::GET;
            if let (Some(call), true) = (&case.api, changes_state) {
                let page = api::matrix_write(
                    &app,
                    &world,
                    case.method.clone(),
                    &url,
                    call,
                    who,
                    login.as_ref(),
                )
                .await;
                let got = observed(&page, &url);
                if got != Some(expected) {
                    failures.push(format!(
                        "{} {} as {who:?}: expected {expected:?}, got {got:?} ({} {})",
                        case.method, case.path, page.status, page.body
                    ));
                }
                continue;
            }
            let mut fields = match &case.page {
                Some(call) => call.fields(who, &pages).await,
                None => (case.form)(who),
            };
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

// -------------------------------------------------------------------------------------------
// The JSON API under /api/v1.
// -------------------------------------------------------------------------------------------

mod api {
    use kaikaku_model::workflow::{Field, SheetState};
    use kaikaku_model::{Decimal, FiscalYear, ItemNo};
    use serde_json::{Value, json};

    use super::*;

    /// What the authorisation matrix acts on, set up in the matrix's database through a second
    /// connection to it (the store, not the routes under test).
    #[derive(Clone, Debug)]
    pub(super) struct World {
        /// 楓町 FY2025, open. Sheets 2 and 6 are the editor's (総務課); 6 is 確定, 7 has a
        /// total that does not add up; sheet 2 has a comment.
        pub open: i64,
        /// The comment on sheet 2 of `open`.
        pub comment: i64,
        /// A correction of 楓町 FY2024, open, every sheet 確定: ready to lock.
        pub lockable: i64,
        /// A correction of 大崎市 FY2021, locked.
        pub locked: i64,
        /// 大崎市's plan, whose FY2022 is not opened.
        pub osaki_plan: i64,
    }

    impl World {
        pub(super) async fn build(app: &TestApp) -> World {
            let store = Database::connect(app.db.target())
                .await
                .expect("opens the app's database");
            let admin = store
                .user_by_name("admin")
                .await
                .expect("reads")
                .expect("the admin")
                .id;
            let stored = |plan: &str| {
                app.reports
                    .iter()
                    .find(|r| r.plan_name == plan)
                    .unwrap_or_else(|| panic!("{plan} is stored"))
                    .clone()
            };
            let (kaede, osaki) = (stored(KAEDE_PLAN), stored(OSAKI_PLAN));
            let year = FiscalYear::new(2025).expect("a year");
            let open = store
                .open_cycle(kaede.plan_id, year, None, admin)
                .await
                .expect("opens FY2025");
            confirm(&store, open, ItemNo(6), admin).await;
            let seven = store.sheet(open, ItemNo(7)).await.expect("sheet 7");
            let mut item = seven.item.clone();
            let total = item
                .effects
                .iter_mut()
                .find(|row| row.is_total)
                .expect("a 総計 row");
            total.quantities[0].value = Decimal::from(13);
            store
                .save_sheet(
                    open,
                    ItemNo(7),
                    seven.version,
                    &item,
                    SheetState::InProgress,
                    admin,
                )
                .await
                .expect("saves sheet 7");
            let comment = store
                .add_comment(open, ItemNo(2), Field::Goal, admin, "matrix")
                .await
                .expect("comments");
            let lockable = store
                .open_correction(kaede.id, "matrix", admin)
                .await
                .expect("corrects 楓町");
            confirm_all(&store, lockable, admin).await;
            let locked = store
                .open_correction(osaki.id, "matrix", admin)
                .await
                .expect("corrects 大崎市");
            confirm_all(&store, locked, admin).await;
            let base_date = chrono::NaiveDate::from_ymd_opt(2022, 5, 31).expect("a date");
            store
                .lock_edition(locked, base_date, admin)
                .await
                .expect("locks");
            World {
                open,
                comment,
                lockable,
                locked,
                osaki_plan: osaki.plan_id,
            }
        }
    }

    /// Moves a sheet to 確定 through the store (saving it first when it is not started).
    async fn confirm(store: &Database, report_id: i64, no: ItemNo, by: i64) {
        let sheet = store.sheet(report_id, no).await.expect("a sheet");
        let mut version = sheet.version;
        if sheet.state != SheetState::InProgress {
            version = store
                .save_sheet(
                    report_id,
                    no,
                    version,
                    &sheet.item,
                    SheetState::InProgress,
                    by,
                )
                .await
                .expect("saves");
        }
        for to in [SheetState::Submitted, SheetState::Confirmed] {
            version = store
                .transition(report_id, no, version, to, by, &[])
                .await
                .expect("moves");
        }
    }

    async fn confirm_all(store: &Database, report_id: i64, by: i64) {
        for sheet in store.sheets(report_id).await.expect("the sheets") {
            confirm(store, report_id, sheet.no, by).await;
        }
    }

    /// How the matrix calls a route of the API that needs the world: its address, and for
    /// writes a JSON body built for each role from the JSON that `state` answers now (the
    /// sheet, for its version; `Null` without one).
    #[derive(Clone, Copy)]
    pub(super) struct ApiCall {
        pub url: fn(&World) -> String,
        pub state: Option<fn(&World) -> String>,
        pub body: Option<fn(Who, &World, &Value) -> Value>,
    }

    impl ApiCall {
        pub(super) fn at(url: fn(&World) -> String) -> Option<ApiCall> {
            Some(ApiCall {
                url,
                state: None,
                body: None,
            })
        }
    }

    /// The matrix's request for a write: the JSON body (if any) with the session's token in
    /// `X-CSRF-Token`.
    pub(super) async fn matrix_write(
        app: &TestApp,
        world: &World,
        method: Method,
        url: &str,
        call: &ApiCall,
        who: Who,
        login: Option<&Login>,
    ) -> Page {
        let state = match call.state {
            Some(state) => {
                let admin = app.login("admin", "admin-password-1").await;
                let client = Client { app, login: admin };
                let (status, body) = client.get(&state(world)).await;
                assert_eq!(status, StatusCode::OK, "{body}");
                body
            }
            None => Value::Null,
        };
        let body = call.body.map(|body| body(who, world, &state));
        send(
            app,
            method,
            url,
            login,
            login.map(|l| l.csrf.as_str()),
            body.as_ref(),
        )
        .await
    }

    /// Sends `body` as JSON (when given) with `token` in `X-CSRF-Token` (when given).
    async fn send(
        app: &TestApp,
        method: Method,
        path: &str,
        login: Option<&Login>,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Page {
        let mut headers = Vec::new();
        if let Some(token) = token {
            headers.push(("x-csrf-token", token));
        }
        send_raw(
            app,
            method,
            path,
            login,
            &headers,
            body.map(|b| ("application/json", b.to_string())),
        )
        .await
    }

    async fn send_raw(
        app: &TestApp,
        method: Method,
        path: &str,
        login: Option<&Login>,
        headers: &[(&str, &str)],
        body: Option<(&str, String)>,
    ) -> Page {
        let mut request = app.raw.request(method, format!("{}{path}", app.base));
        if let Some(login) = login {
            request = request.header("cookie", &login.cookie);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some((content_type, body)) = body {
            request = request.header("content-type", content_type).body(body);
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

    fn json_of(page: &Page) -> Value {
        serde_json::from_str(&page.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}), {}:\n{}", page.status, page.body))
    }

    /// An API client: a logged-in session and its CSRF token, read from `/api/v1/session`.
    struct Client<'a> {
        app: &'a TestApp,
        login: Login,
    }

    impl<'a> Client<'a> {
        async fn new(app: &'a TestApp, name: &str, password: &str) -> Client<'a> {
            let mut login = app.login(name, password).await;
            let client = Client {
                app,
                login: login.clone(),
            };
            let (status, session) = client.get("/api/v1/session").await;
            assert_eq!(status, StatusCode::OK, "{session}");
            let token = session["csrf_token"].as_str().expect("a token").to_owned();
            assert_eq!(token, login.csrf, "the token of the pages' forms");
            login.csrf = token;
            Client { app, login }
        }

        async fn get(&self, path: &str) -> (StatusCode, Value) {
            let page = send(self.app, Method::GET, path, Some(&self.login), None, None).await;
            assert_eq!(
                page.header("content-type"),
                Some("application/json"),
                "{path}: {}",
                page.body
            );
            (page.status, json_of(&page))
        }

        async fn send(&self, method: Method, path: &str, body: &Value) -> (StatusCode, Value) {
            let page = send(
                self.app,
                method,
                path,
                Some(&self.login),
                Some(&self.login.csrf),
                Some(body),
            )
            .await;
            let json = if page.body.is_empty() {
                Value::Null
            } else {
                json_of(&page)
            };
            (page.status, json)
        }

        async fn put(&self, path: &str, body: &Value) -> (StatusCode, Value) {
            self.send(Method::PUT, path, body).await
        }

        async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
            self.send(Method::POST, path, body).await
        }
    }

    async fn admin(app: &TestApp) -> Client<'_> {
        Client::new(app, "admin", "admin-password-1").await
    }

    async fn editor(app: &TestApp) -> Client<'_> {
        Client::new(app, "editor", "editor-password-1").await
    }

    async fn reviewer(app: &TestApp) -> Client<'_> {
        Client::new(app, "reviewer", "reviewer-password-1").await
    }

    /// Opens 楓町 FY2025 through the API and returns the edition id.
    async fn open_kaede_2025(app: &TestApp, admin: &Client<'_>) -> i64 {
        let kaede = app
            .reports
            .iter()
            .find(|r| r.plan_name == KAEDE_PLAN)
            .expect("楓町 is stored");
        let (status, edition) = admin
            .post(
                "/api/v1/cycle",
                &json!({ "plan_id": kaede.plan_id, "fiscal_year": 2025, "due_date": "2025-06-30" }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{edition}");
        assert_eq!(edition["state"], "open");
        assert_eq!(edition["fiscal_year"], 2025);
        assert_eq!(edition["due_date"], "2025-06-30");
        edition["id"].as_i64().expect("an id")
    }

    fn sheet_path(edition: i64, no: u32) -> String {
        format!("/api/v1/editions/{edition}/sheets/{no}")
    }

    /// The sheet's item with a 実績 narrative for FY2025 saying `text`.
    fn with_actual(sheet: &Value, text: &str) -> Value {
        let mut item = sheet["item"].clone();
        item["narratives"] = json!([
            { "fiscal_year": 2025, "kind": "actual", "text": text }
        ]);
        item
    }

    fn actual_text(sheet: &Value) -> Option<&str> {
        sheet["item"]["narratives"]
            .as_array()?
            .iter()
            .find(|n| n["kind"] == "actual" && n["fiscal_year"] == 2025)?["text"]
            .as_str()
    }

    #[tokio::test]
    async fn the_openapi_document_describes_every_api_route_and_nothing_else() {
        let app = TestApp::spawn().await;
        let page = app
            .call(Method::GET, "/api/v1/openapi.json", None, None)
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.header("content-type"), Some("application/json"));
        let document = json_of(&page);
        assert_eq!(document["openapi"], "3.1.0");
        let paths = document["paths"].as_object().expect("paths");
        let routes: Vec<(String, String)> = kaikaku_web::routes::specs()
            .into_iter()
            .filter(|spec| spec.path.starts_with("/api/v1/"))
            .map(|spec| (spec.method.as_str().to_lowercase(), spec.path.to_owned()))
            .collect();
        assert!(routes.len() >= 19, "{routes:?}");
        let undocumented: Vec<String> = routes
            .iter()
            .filter(|(method, path)| paths.get(path).and_then(|p| p.get(method)).is_none())
            .map(|(method, path)| format!("{method} {path}"))
            .collect();
        assert!(
            undocumented.is_empty(),
            "routes missing from the OpenAPI document: {undocumented:?}"
        );
        let mut documented = Vec::new();
        for (path, operations) in paths {
            for method in operations.as_object().expect("operations").keys() {
                documented.push((method.clone(), path.clone()));
            }
        }
        let phantom: Vec<String> = documented
            .iter()
            .filter(|op| !routes.contains(op))
            .map(|(method, path)| format!("{method} {path}"))
            .collect();
        assert!(phantom.is_empty(), "documented but no route: {phantom:?}");
        // The interchange shapes, the error shape and the security are described.
        let schemas = &document["components"]["schemas"];
        for name in [
            "Report", "Item", "Quantity", "Finding", "Error", "Conflict", "Sheet",
        ] {
            assert!(schemas[name].is_object(), "schema {name}");
        }
        assert_eq!(
            schemas["Quantity"]["properties"]["value"]["type"], "string",
            "decimals are strings"
        );
        let security = &document["components"]["securitySchemes"];
        assert_eq!(security["session"]["in"], "cookie");
        assert_eq!(security["csrf"]["name"], "X-CSRF-Token");
        let put = &paths["/api/v1/editions/{id}/sheets/{no}"]["put"];
        assert_eq!(put["security"], json!([{ "session": [], "csrf": [] }]));
        assert!(put["responses"]["409"].is_object());
    }

    #[tokio::test]
    async fn published_data_is_the_interchange_format() {
        let app = TestApp::spawn().await;
        let page = app.call(Method::GET, "/api/v1/plans", None, None).await;
        assert_eq!(page.status, StatusCode::OK);
        let plans = json_of(&page);
        let osaki = plans["plans"]
            .as_array()
            .expect("plans")
            .iter()
            .find(|p| p["plan_name"] == OSAKI_PLAN)
            .expect("the real sample's plan");
        let edition = &osaki["editions"][0];
        assert_eq!(edition["fiscal_year"], 2021);
        assert_eq!(edition["fiscal_year_label"], "令和3年度");
        assert_eq!(edition["revision"], 1);
        assert_eq!(edition["items"], 22);
        let url = edition["url"].as_str().expect("a url");
        assert_eq!(url, format!("/api/v1{}", app.edition(OSAKI_PLAN)));

        let page = app.call(Method::GET, url, None, None).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let report = json_of(&page);
        assert_eq!(report["plan_name"], OSAKI_PLAN);
        assert_eq!(report["report_fiscal_year"], 2021);
        assert_eq!(report["revision"], 1);
        assert!(report["published_at"].is_string());
        assert_eq!(report["items"].as_array().map(Vec::len), Some(22));
        let findings: Vec<i64> = report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["item_no"].as_i64())
            .collect();
        assert!(
            findings.contains(&20) && findings.contains(&21),
            "{findings:?}"
        );

        let page = app
            .call(Method::GET, &format!("{url}/items/19"), None, None)
            .await;
        assert_eq!(page.status, StatusCode::OK);
        let item = json_of(&page);
        assert_eq!(item["no"], 19);
        assert_eq!(item["effects"][0]["quantities"][1]["value"], "427794446");
        assert_eq!(item["effects"][0]["quantities"][1]["unit"], "円");
        assert_eq!(item["effects"][0]["quantities"][1]["yen"], "427794446");
        // The same item as in the edition.
        assert_eq!(item, report["items"][18]);

        for missing in [
            format!("{url}/items/99"),
            format!("{url}/items/019"),
            "/api/v1/plans/1/1999".to_owned(),
            "/api/v1/plans/x/2021".to_owned(),
            "/api/v1/plans/999/2021".to_owned(),
        ] {
            let page = app.call(Method::GET, &missing, None, None).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{missing}");
            assert!(json_of(&page)["error"].is_string(), "{missing}");
        }
    }

    #[tokio::test]
    async fn drafts_are_not_published_data() {
        let app = TestApp::spawn().await;
        let admin = admin(&app).await;
        open_kaede_2025(&app, &admin).await;
        let plans = json_of(&app.call(Method::GET, "/api/v1/plans", None, None).await);
        let years: Vec<&Value> = plans["plans"]
            .as_array()
            .expect("plans")
            .iter()
            .flat_map(|p| p["editions"].as_array().expect("editions"))
            .map(|e| &e["fiscal_year"])
            .collect();
        assert_eq!(years.len(), 2, "{plans}");
        assert!(!years.contains(&&json!(2025)), "{plans}");
        let kaede = app.edition(KAEDE_PLAN).replace("/2024", "/2025");
        let page = app
            .call(Method::GET, &format!("/api/v1{kaede}"), None, None)
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        // Anonymous clients see nothing of the cycle.
        for path in ["/api/v1/editions", "/api/v1/session"] {
            let page = app.call(Method::GET, path, None, None).await;
            assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{path}");
            assert_eq!(page.header("content-type"), Some("application/json"));
            assert_eq!(
                json_of(&page)["error"],
                "このページを利用するにはログインが必要です。"
            );
        }
    }

    #[tokio::test]
    async fn the_session_tells_who_is_logged_in_and_the_csrf_token() {
        let app = TestApp::spawn().await;
        let editor = editor(&app).await;
        let (status, session) = editor.get("/api/v1/session").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(session["name"], "editor");
        assert_eq!(session["role"], "editor");
        assert_eq!(session["role_label"], "記入担当課");
        assert_eq!(session["department"], "総務課");
        assert_eq!(session["csrf_token"], editor.login.csrf.as_str());
        let reviewer = reviewer(&app).await;
        let (_, session) = reviewer.get("/api/v1/session").await;
        assert_eq!(session["department"], Value::Null);
    }

    #[tokio::test]
    async fn editions_boards_and_sheets_as_the_pages_show_them() {
        let app = TestApp::spawn().await;
        let admin = admin(&app).await;
        let id = open_kaede_2025(&app, &admin).await;
        let editor = editor(&app).await;
        let (status, list) = editor.get("/api/v1/editions").await;
        assert_eq!(status, StatusCode::OK);
        let open = list["editions"]
            .as_array()
            .expect("editions")
            .iter()
            .find(|e| e["id"] == id)
            .expect("the new edition");
        assert_eq!(open["state"], "open");
        assert_eq!(open["state_label"], "受付中");
        assert_eq!(open["origin"], "cycle");
        assert_eq!(list["editions"].as_array().map(Vec::len), Some(3));

        let (status, board) = editor.get(&format!("/api/v1/editions/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(board["id"], id);
        let rows = board["sheets"].as_array().expect("rows");
        assert_eq!(rows.len(), 9);
        for row in rows {
            assert_eq!(row["state"], "not_started");
            assert_eq!(row["version"], 1);
            let own = row["reporting_department"] == "総務課";
            assert_eq!(row["own"], own, "{row}");
            assert_eq!(row["editable"], own, "{row}");
        }

        let (status, sheet) = editor.get(&sheet_path(id, 2)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(sheet["item"]["no"], 2);
        assert_eq!(sheet["item"]["reporting_department"], "総務課");
        assert_eq!(sheet["item"]["narratives"], json!([]));
        assert_eq!(sheet["state"], "not_started");
        assert_eq!(sheet["version"], 1);
        assert!(
            sheet["copied"]
                .as_array()
                .expect("copied")
                .contains(&json!("goal"))
        );
        assert!(
            sheet["previous_forecast"]
                .as_str()
                .is_some_and(|t| t.contains("事務事業評価"))
        );
        assert_eq!(sheet["permissions"]["save"], true);
        assert_eq!(sheet["permissions"]["confirm"], false);

        for missing in [
            sheet_path(id, 99),
            sheet_path(999, 2),
            format!("/api/v1/editions/{id}/sheets/x"),
            "/api/v1/editions/0".to_owned(),
        ] {
            let (status, body) = editor.get(&missing).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{missing}: {body}");
        }
    }

    /// The "Done when" of the concurrency requirement: two clients save the same sheet from
    /// the same version at the same time; exactly one wins, the other gets 409 with the
    /// winner's text, and nothing of the loser is written.
    #[tokio::test]
    async fn concurrent_saves_from_one_version_one_wins_the_other_gets_409() {
        let app = TestApp::spawn().await;
        let admin = admin(&app).await;
        let id = open_kaede_2025(&app, &admin).await;
        let editor = editor(&app).await;
        let path = sheet_path(id, 2);
        for round in 1..=3 {
            let (_, seen_by_editor) = editor.get(&path).await;
            let (_, seen_by_admin) = admin.get(&path).await;
            assert_eq!(seen_by_editor["version"], seen_by_admin["version"]);
            let version = seen_by_editor["version"].as_i64().expect("a version");
            let editor_text = format!("記入担当課の実績（{round}回目）");
            let admin_text = format!("政策課の修正（{round}回目）");
            let editor_body =
                json!({ "version": version, "item": with_actual(&seen_by_editor, &editor_text) });
            let admin_body =
                json!({ "version": version, "item": with_actual(&seen_by_admin, &admin_text) });
            let history_before = editor.get(&format!("{path}/history")).await.1;

            let ((editor_status, editor_answer), (admin_status, admin_answer)) = tokio::join!(
                editor.put(&path, &editor_body),
                admin.put(&path, &admin_body)
            );

            let mut statuses = [editor_status, admin_status];
            statuses.sort();
            assert_eq!(
                statuses,
                [StatusCode::OK, StatusCode::CONFLICT],
                "round {round}: {editor_answer} / {admin_answer}"
            );
            let (winner, winner_text, loser_text, won, lost) = if editor_status == StatusCode::OK {
                (
                    "editor",
                    &editor_text,
                    &admin_text,
                    &editor_answer,
                    &admin_answer,
                )
            } else {
                (
                    "admin",
                    &admin_text,
                    &editor_text,
                    &admin_answer,
                    &editor_answer,
                )
            };
            assert_eq!(won["version"], version + 1, "{winner}: {won}");
            assert_eq!(won["state"], "in_progress");
            // The 409 carries the sheet as the winner left it.
            assert!(
                lost["error"]
                    .as_str()
                    .is_some_and(|e| e.contains("他の人が更新しました")),
                "{lost}"
            );
            assert_eq!(lost["current_version"], version + 1, "{lost}");
            assert_eq!(lost["current"]["version"], version + 1);
            assert_eq!(
                actual_text(&lost["current"]),
                Some(winner_text.as_str()),
                "{lost}"
            );

            let (_, after) = editor.get(&path).await;
            assert_eq!(after["version"], version + 1);
            assert_eq!(actual_text(&after), Some(winner_text.as_str()));
            assert_eq!(after["updated_by"], winner);

            let (_, history) = editor.get(&format!("{path}/history")).await;
            let before = history_before["entries"].as_array().expect("entries").len();
            let entries = history["entries"].as_array().expect("entries");
            let new = &entries[before..];
            assert!(!new.is_empty(), "the winner's change is journaled");
            let text = serde_json::to_string(new).expect("JSON");
            assert!(text.contains(winner_text.as_str()), "{text}");
            assert!(!text.contains(loser_text.as_str()), "{text}");
            assert!(new.iter().all(|e| e["user"] == winner), "{text}");
        }
    }

    #[tokio::test]
    async fn a_refused_save_leaves_the_sheet_as_it_was() {
        let app = TestApp::spawn().await;
        let admin = admin(&app).await;
        let id = open_kaede_2025(&app, &admin).await;
        let editor = editor(&app).await;
        let reviewer = reviewer(&app).await;
        let path = sheet_path(id, 2);
        let (_, sheet) = editor.get(&path).await;
        let version = sheet["version"].as_i64().expect("a version");
        let (status, saved) = editor
            .put(
                &path,
                &json!({ "version": version, "item": with_actual(&sheet, "最初の実績") }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        let (_, before) = editor.get(&path).await;
        let (_, history_before) = editor.get(&format!("{path}/history")).await;
        let version = before["version"].as_i64().expect("a version");
        let changed = |text: &str| with_actual(&before, text);

        // A stale version.
        let (status, body) = editor
            .put(
                &path,
                &json!({ "version": version - 1, "item": changed("古い版から") }),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["current_version"], version);
        assert_eq!(body["current"]["item"], before["item"]);
        // Another department's sheet (No.3 is デジタル推進課's).
        let other = sheet_path(id, 3);
        let (_, third) = editor.get(&other).await;
        let (_, third_history) = editor.get(&format!("{other}/history")).await;
        let (status, body) = editor
            .put(
                &other,
                &json!({ "version": third["version"], "item": with_actual(&third, "他の課") }),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["error"], "他の課のシートは編集できません。");
        assert_eq!(editor.get(&other).await.1, third);
        assert_eq!(
            editor.get(&format!("{other}/history")).await.1,
            third_history
        );
        // A reviewer changes nothing.
        let (status, body) = reviewer
            .put(
                &path,
                &json!({ "version": version, "item": changed("査読者") }),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        // Items that do not convert, or change what identifies the sheet.
        let mut bad_unit = changed("単位");
        bad_unit["effects"][0]["quantities"] =
            json!([{ "label": "額", "value": "1", "unit": "ドル", "status": null }]);
        let mut bad_value = changed("数値");
        bad_value["effects"][0]["quantities"] =
            json!([{ "label": "額", "value": 1, "unit": "円", "status": null }]);
        let mut bad_no = changed("番号");
        bad_no["no"] = json!(3);
        let mut bad_department = changed("課");
        bad_department["reporting_department"] = json!("財政課");
        let mut bad_year = changed("年度");
        bad_year["narratives"][0]["fiscal_year"] = json!(3);
        for (item, status, field) in [
            (
                bad_unit,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("item.effects[0].quantities[0].unit"),
            ),
            (
                bad_year,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("item.narratives[0].fiscal_year"),
            ),
            (bad_no, StatusCode::UNPROCESSABLE_ENTITY, None),
            (bad_department, StatusCode::UNPROCESSABLE_ENTITY, None),
            (
                bad_value,
                StatusCode::BAD_REQUEST,
                Some("item.effects[0].quantities[0].value"),
            ),
        ] {
            let (got, body) = editor
                .put(&path, &json!({ "version": version, "item": item }))
                .await;
            assert_eq!(got, status, "{body}");
            assert!(body["error"].is_string(), "{body}");
            if let Some(field) = field {
                assert_eq!(body["field"], field, "{body}");
                assert!(
                    body["error"].as_str().is_some_and(|e| e.contains(field)),
                    "{body}"
                );
            }
        }
        // Not JSON, not the shape, not the type.
        let login = Some(&editor.login);
        let token = [("x-csrf-token", editor.login.csrf.as_str())];
        for (content_type, body, status) in [
            (
                "application/json",
                "{\"version\": ".to_owned(),
                StatusCode::BAD_REQUEST,
            ),
            (
                "application/json",
                "[1, 2]".to_owned(),
                StatusCode::BAD_REQUEST,
            ),
            (
                "application/json",
                "{\"version\": 2}".to_owned(),
                StatusCode::BAD_REQUEST,
            ),
            ("application/json", String::new(), StatusCode::BAD_REQUEST),
            (
                "text/plain",
                "{}".to_owned(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ),
            (
                "application/x-www-form-urlencoded",
                "version=2".to_owned(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ),
            (
                "application/json",
                format!("{{\"pad\": \"{}\"}}", "x".repeat(1024 * 1024 + 1)),
                StatusCode::PAYLOAD_TOO_LARGE,
            ),
        ] {
            let page = send_raw(
                &app,
                Method::PUT,
                &path,
                login,
                &token,
                Some((content_type, body)),
            )
            .await;
            assert_eq!(page.status, status, "{content_type}: {}", page.body);
            let message = json_of(&page)["error"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            assert!(
                !message.is_empty() && !message.is_ascii(),
                "Japanese: {message}"
            );
        }
        let page = send_raw(
            &app,
            Method::PUT,
            &path,
            login,
            &token,
            Some((
                "application/json",
                "{\"version\": 2,\n \"item\": }".to_owned(),
            )),
        )
        .await;
        let message = json_of(&page)["error"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(message.contains("2行"), "{message}");
        let page = send_raw(
            &app,
            Method::PUT,
            &path,
            login,
            &token,
            Some(("application/json", "{}".to_owned())),
        )
        .await;
        assert!(
            json_of(&page)["error"]
                .as_str()
                .is_some_and(|m| m.contains("「version」")),
            "{}",
            page.body
        );

        assert_eq!(editor.get(&path).await.1, before);
        assert_eq!(
            editor.get(&format!("{path}/history")).await.1,
            history_before
        );
    }

    #[tokio::test]
    async fn writes_need_the_csrf_token_and_a_login() {
        let app = TestApp::spawn().await;
        let admin = admin(&app).await;
        let id = open_kaede_2025(&app, &admin).await;
        let editor = editor(&app).await;
        let path = sheet_path(id, 2);
        let (_, before) = editor.get(&path).await;
        let body =
            json!({ "version": before["version"], "item": with_actual(&before, "トークンなし") });
        for token in [None, Some("not-the-token"), Some(admin.login.csrf.as_str())] {
            let page = send(
                &app,
                Method::PUT,
                &path,
                Some(&editor.login),
                token,
                Some(&body),
            )
            .await;
            assert_eq!(
                page.status,
                StatusCode::FORBIDDEN,
                "{token:?}: {}",
                page.body
            );
            assert_eq!(page.header("content-type"), Some("application/json"));
            assert!(
                json_of(&page)["error"]
                    .as_str()
                    .is_some_and(|e| e.contains("別のサイトから送信"))
            );
        }
        let page = send(
            &app,
            Method::POST,
            "/api/v1/cycle",
            Some(&admin.login),
            None,
            Some(&json!({ "plan_id": 1, "fiscal_year": 2022 })),
        )
        .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        let page = send(&app, Method::PUT, &path, None, None, Some(&body)).await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            json_of(&page)["error"],
            "このページを利用するにはログインが必要です。"
        );
        assert!(page.header("location").is_none());
        assert_eq!(editor.get(&path).await.1, before);
        assert_eq!(
            editor.get("/api/v1/editions").await.1["editions"]
                .as_array()
                .map(Vec::len),
            Some(3)
        );
    }

    /// The whole cycle through the API: save, submit, return with a comment, resubmit,
    /// 確定 refused while a finding is open, a waiver, 確定, lock, publish, read as published
    /// data, and a correction.
    #[tokio::test]
    async fn the_whole_cycle_through_the_api() {
        let app = TestApp::spawn().await;
        let admin = admin(&app).await;
        let editor = editor(&app).await;
        let reviewer = reviewer(&app).await;
        let id = open_kaede_2025(&app, &admin).await;
        let path = sheet_path(id, 2);
        let transitions = format!("{path}/transitions");

        // The editor saves and submits.
        let (_, sheet) = editor.get(&path).await;
        let (status, saved) = editor
            .put(&path, &json!({ "version": sheet["version"], "item": with_actual(&sheet, "評価を実施した。") }))
            .await;
        assert_eq!(
            (status, &saved["state"]),
            (StatusCode::OK, &json!("in_progress")),
            "{saved}"
        );
        let (status, submitted) = editor
            .post(
                &transitions,
                &json!({ "action": "submit", "version": saved["version"] }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{submitted}");
        assert_eq!(submitted["state"], "submitted");
        // Editors neither confirm nor comment; reviewers comment.
        let (status, _) = editor
            .post(
                &transitions,
                &json!({ "action": "confirm", "version": submitted["version"] }),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = editor
            .post(
                &format!("{path}/comments"),
                &json!({ "field": "goal", "body": "自分で" }),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, created) = reviewer
            .post(
                &format!("{path}/comments"),
                &json!({ "field": "narratives.0", "body": "数値で示してください。" }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let (status, _) = reviewer
            .post(
                &format!("{path}/comments/{}/resolve", created["id"]),
                &json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        // An unknown action, a field the sheet does not have, a return without comments.
        for (body, status) in [
            (
                json!({ "action": "approve", "version": submitted["version"] }),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                json!({ "action": "save", "version": submitted["version"] }),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                json!({ "action": "return", "version": submitted["version"], "comments": [{ "field": "narratives.9", "body": "x" }] }),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                json!({ "action": "return", "version": submitted["version"], "comments": [{ "field": "nowhere", "body": "x" }] }),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                json!({ "action": "return", "version": submitted["version"] }),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                json!({ "action": "return", "version": 1, "comments": [{ "field": "goal", "body": "x" }] }),
                StatusCode::CONFLICT,
            ),
        ] {
            let (got, answer) = admin.post(&transitions, &body).await;
            assert_eq!(got, status, "{body}: {answer}");
        }
        // The admin returns it with a comment on one field.
        let (status, returned) = admin
            .post(&transitions, &json!({
                "action": "return",
                "version": submitted["version"],
                "comments": [{ "field": "narratives.0", "body": "成果を数値で記載してください。" }]
            }))
            .await;
        assert_eq!(status, StatusCode::OK, "{returned}");
        assert_eq!(returned["state"], "returned");
        let (_, sheet) = editor.get(&path).await;
        let comment = sheet["comments"]
            .as_array()
            .expect("comments")
            .iter()
            .find(|c| c["body"] == "成果を数値で記載してください。")
            .expect("the return's comment");
        assert_eq!(comment["field"], "narratives.0");
        assert_eq!(comment["field_label"], "取組内容 1");
        // The editor fixes and resubmits in one request (保存して提出 is only from 入力中).
        let (status, saved) = editor
            .put(&path, &json!({ "version": sheet["version"], "item": with_actual(&sheet, "評価を実施し、3事業を統合した。") }))
            .await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        let (status, resubmitted) = editor
            .put(&path, &json!({ "version": saved["version"], "item": with_actual(&sheet, "評価を実施し、3事業を統合した。"), "submit": true }))
            .await;
        assert_eq!(status, StatusCode::OK, "{resubmitted}");
        assert_eq!(resubmitted["state"], "submitted");
        let (status, confirmed) = admin
            .post(
                &transitions,
                &json!({ "action": "confirm", "version": resubmitted["version"] }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{confirmed}");
        assert_eq!(confirmed["state"], "confirmed");

        // Sheet 7 with a 総計 that does not add up: 確定 is refused until it is waived.
        let seven = sheet_path(id, 7);
        let (_, sheet) = admin.get(&seven).await;
        let mut item = sheet["item"].clone();
        let effects = item["effects"].as_array_mut().expect("effects");
        let total = effects
            .iter_mut()
            .find(|e| e["is_total"] == true)
            .expect("a 総計");
        total["quantities"][0]["value"] = json!("13");
        let (status, saved) = admin
            .put(
                &seven,
                &json!({ "version": sheet["version"], "item": item }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        let (status, submitted) = admin
            .post(
                &format!("{seven}/transitions"),
                &json!({ "action": "submit", "version": saved["version"] }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{submitted}");
        let (_, sheet) = admin.get(&seven).await;
        let finding = &sheet["findings"][0];
        assert_eq!(finding["kind"], "total_mismatch");
        assert_eq!(finding["stated"], "13");
        assert_eq!(finding["computed"], "12");
        assert_eq!(finding["waived"], false);
        let (status, refused) = admin
            .post(
                &format!("{seven}/transitions"),
                &json!({ "action": "confirm", "version": submitted["version"] }),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{refused}");
        assert!(
            refused["error"]
                .as_str()
                .is_some_and(|e| e.contains("確定できません")),
            "{refused}"
        );
        let (status, _) = editor
            .post(
                &format!("{seven}/waivers"),
                &json!({ "finding_key": finding["key"], "reason": "x" }),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, answer) = admin
            .post(
                &format!("{seven}/waivers"),
                &json!({ "finding_key": "no-such-finding", "reason": "確認済み" }),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        let (status, answer) = admin
            .post(
                &format!("{seven}/waivers"),
                &json!({ "finding_key": finding["key"], "reason": "  " }),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        let (status, waiver) = admin
            .post(
                &format!("{seven}/waivers"),
                &json!({ "finding_key": finding["key"], "reason": "原本の記載どおり" }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{waiver}");
        let (_, sheet) = admin.get(&seven).await;
        assert_eq!(sheet["findings"][0]["waived"], true);
        assert_eq!(sheet["waivers"][0]["reason"], "原本の記載どおり");
        let (status, confirmed) = admin
            .post(
                &format!("{seven}/transitions"),
                &json!({ "action": "confirm", "version": sheet["version"] }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{confirmed}");

        // Locking waits for every sheet.
        let lock = format!("/api/v1/editions/{id}/lock");
        let (status, refused) = admin
            .post(&lock, &json!({ "base_date": "2026-03-31" }))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{refused}");
        let (_, board) = admin.get(&format!("/api/v1/editions/{id}")).await;
        for row in board["sheets"].as_array().expect("rows") {
            if row["state"] == "confirmed" {
                continue;
            }
            let no = row["no"].as_u64().expect("a number") as u32;
            let path = sheet_path(id, no);
            let (_, sheet) = admin.get(&path).await;
            let (status, saved) = admin
                .put(
                    &path,
                    &json!({ "version": sheet["version"], "item": sheet["item"], "submit": false }),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{saved}");
            let mut version = saved["version"].clone();
            for action in ["submit", "confirm"] {
                let (status, moved) = admin
                    .post(
                        &format!("{path}/transitions"),
                        &json!({ "action": action, "version": version }),
                    )
                    .await;
                assert_eq!(status, StatusCode::OK, "No.{no} {action}: {moved}");
                version = moved["version"].clone();
            }
        }
        let (status, body) = admin
            .post(&lock, &json!({ "base_date": "2026年3月31日ではない" }))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["field"], "base_date");
        let (status, locked) = admin
            .post(&lock, &json!({ "base_date": "2026-03-31" }))
            .await;
        assert_eq!(status, StatusCode::OK, "{locked}");
        assert_eq!(
            (locked["state"].as_str(), locked["base_date"].as_str()),
            (Some("locked"), Some("2026-03-31"))
        );
        // Nothing changes once locked.
        let (_, sheet) = admin.get(&path).await;
        let (status, refused) = admin
            .put(
                &path,
                &json!({ "version": sheet["version"], "item": sheet["item"] }),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{refused}");
        let (status, published) = admin
            .post(&format!("/api/v1/editions/{id}/publish"), &json!({}))
            .await;
        assert_eq!(status, StatusCode::OK, "{published}");
        assert_eq!(published["state"], "published");

        // Anyone reads it as published data now.
        let kaede = app.edition(KAEDE_PLAN).replace("/2024", "/2025");
        let page = app
            .call(Method::GET, &format!("/api/v1{kaede}/items/2"), None, None)
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let item = json_of(&page);
        assert_eq!(
            item["narratives"][0]["text"],
            "評価を実施し、3事業を統合した。"
        );

        // A correction is a new revision.
        let (status, body) = admin
            .post(
                &format!("/api/v1/editions/{id}/correction"),
                &json!({ "note": "" }),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, correction) = admin
            .post(
                &format!("/api/v1/editions/{id}/correction"),
                &json!({ "note": "No.2 の誤記を訂正" }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{correction}");
        assert_eq!(correction["revision"], 2);
        assert_eq!(correction["state"], "open");
        assert_eq!(correction["correction_note"], "No.2 の誤記を訂正");

        // The history of sheet 2 tells the story.
        let (_, history) = reviewer.get(&format!("{path}/history")).await;
        let states: Vec<&str> = history["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .filter(|e| e["field"] == "state")
            .filter_map(|e| e["after"].as_str())
            .collect();
        assert_eq!(
            states,
            ["入力中", "提出済", "差戻し", "入力中", "提出済", "確定"]
        );
    }

    /// What in `value` does not have the shape `schema` (of `document`) describes: a type, an
    /// enum value, a required property missing, a property the document does not name, in
    /// objects and arrays all the way down (`$ref`, `allOf` and `oneOf` resolved).
    pub(super) fn misfits(
        document: &Value,
        schema: &Value,
        value: &Value,
        at: &str,
    ) -> Vec<String> {
        let mut problems = Vec::new();
        check_shape(document, schema, value, at, &mut problems);
        problems
    }

    fn check_shape(
        document: &Value,
        schema: &Value,
        value: &Value,
        at: &str,
        problems: &mut Vec<String>,
    ) {
        if let Some(target) = schema["$ref"].as_str() {
            let name = target.trim_start_matches("#/components/schemas/");
            let resolved = &document["components"]["schemas"][name];
            assert!(resolved.is_object(), "{target} does not resolve");
            return check_shape(document, resolved, value, at, problems);
        }
        if let Some(parts) = schema["allOf"].as_array() {
            let mut merged = json!({ "type": "object", "properties": {}, "required": [] });
            for part in parts {
                let mut part = part;
                while let Some(target) = part["$ref"].as_str() {
                    part = &document["components"]["schemas"]
                        [target.trim_start_matches("#/components/schemas/")];
                }
                if let Some(properties) = part["properties"].as_object() {
                    for (name, property) in properties {
                        merged["properties"][name] = property.clone();
                    }
                }
                if let (Some(required), Some(all)) = (
                    part["required"].as_array(),
                    merged["required"].as_array_mut(),
                ) {
                    all.extend(required.iter().cloned());
                }
            }
            return check_shape(document, &merged, value, at, problems);
        }
        if let Some(choices) = schema["oneOf"].as_array() {
            if !choices
                .iter()
                .any(|choice| misfits(document, choice, value, at).is_empty())
            {
                problems.push(format!("{at}: none of oneOf fits {value}"));
            }
            return;
        }
        let kind = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let allowed: Vec<&str> = match &schema["type"] {
            Value::String(kind) => vec![kind.as_str()],
            Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !allowed.is_empty() && !allowed.contains(&kind) {
            problems.push(format!("{at}: {kind}, documented as {allowed:?}"));
            return;
        }
        if let Some(values) = schema["enum"].as_array() {
            if !values.contains(value) {
                problems.push(format!("{at}: {value} is not one of {values:?}"));
            }
        }
        if let (Value::Object(object), Some(properties)) = (value, schema["properties"].as_object())
        {
            for name in schema["required"].as_array().into_iter().flatten() {
                let name = name.as_str().unwrap_or_default();
                if !object.contains_key(name) {
                    problems.push(format!("{at}.{name}: missing"));
                }
            }
            for (name, field) in object {
                match properties.get(name) {
                    Some(property) => {
                        check_shape(document, property, field, &format!("{at}.{name}"), problems)
                    }
                    None => problems.push(format!("{at}.{name}: not in the document")),
                }
            }
        }
        if let (Value::Array(items), Some(schema)) = (value, schema.get("items")) {
            for (i, item) in items.iter().enumerate() {
                check_shape(document, schema, item, &format!("{at}[{i}]"), problems);
            }
        }
    }

    /// Asserts that `body`, the `status` answer of `method path` (the route's pattern), has
    /// the shape the OpenAPI document gives that answer.
    fn assert_documented(
        document: &Value,
        method: &str,
        path: &str,
        status: StatusCode,
        body: &Value,
    ) {
        let answer = &document["paths"][path][method]["responses"][status.as_str()];
        assert!(
            answer.is_object(),
            "{method} {path}: {status} is not documented"
        );
        let schema = &answer["content"]["application/json"]["schema"];
        let problems = misfits(document, schema, body, "$");
        assert!(
            problems.is_empty(),
            "{method} {path} {status} differs from the document:\n{}\n{body}",
            problems.join("\n")
        );
    }

    #[tokio::test]
    async fn answers_have_the_shapes_the_document_describes() {
        let app = TestApp::spawn().await;
        let document = json_of(
            &app.call(Method::GET, "/api/v1/openapi.json", None, None)
                .await,
        );
        let check = |method: &str, path: &str, status: StatusCode, body: &Value| {
            assert_documented(&document, method, path, status, body)
        };
        let admin = admin(&app).await;
        let editor = editor(&app).await;
        let reviewer = reviewer(&app).await;

        // Published data, anonymously.
        let published = app.edition(OSAKI_PLAN);
        for (path, pattern) in [
            ("/api/v1/plans".to_owned(), "/api/v1/plans"),
            (
                format!("/api/v1{published}"),
                "/api/v1/plans/{plan_id}/{fiscal_year}",
            ),
            (
                format!("/api/v1{published}/items/21"),
                "/api/v1/plans/{plan_id}/{fiscal_year}/items/{no}",
            ),
            (
                format!("/api/v1{published}/items/99"),
                "/api/v1/plans/{plan_id}/{fiscal_year}/items/{no}",
            ),
            ("/api/v1/session".to_owned(), "/api/v1/session"),
        ] {
            let page = app.call(Method::GET, &path, None, None).await;
            check("get", pattern, page.status, &json_of(&page));
        }
        let (status, body) = editor.get("/api/v1/session").await;
        check("get", "/api/v1/session", status, &body);

        // The cycle.
        let kaede = app
            .reports
            .iter()
            .find(|r| r.plan_name == KAEDE_PLAN)
            .expect("楓町");
        let (status, body) = admin
            .post(
                "/api/v1/cycle",
                &json!({ "plan_id": kaede.plan_id, "fiscal_year": 2025 }),
            )
            .await;
        check("post", "/api/v1/cycle", status, &body);
        let id = body["id"].as_i64().expect("an id");
        let (status, body) = admin
            .post(
                "/api/v1/cycle",
                &json!({ "plan_id": kaede.plan_id, "fiscal_year": 2025 }),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        check("post", "/api/v1/cycle", status, &body);
        let (status, body) = admin.get("/api/v1/editions").await;
        check("get", "/api/v1/editions", status, &body);
        let (status, body) = editor.get(&format!("/api/v1/editions/{id}")).await;
        check("get", "/api/v1/editions/{id}", status, &body);

        let sheet = "/api/v1/editions/{id}/sheets/{no}";
        let seven = sheet_path(id, 7);
        let (_, current) = admin.get(&seven).await;
        let mut item = current["item"].clone();
        for row in item["effects"].as_array_mut().expect("effects") {
            if row["is_total"] == true {
                row["quantities"][0]["value"] = json!("13");
            }
        }
        let (status, body) = admin
            .put(
                &seven,
                &json!({ "version": current["version"], "item": item }),
            )
            .await;
        check("put", sheet, status, &body);
        let (status, body) = admin
            .put(
                &seven,
                &json!({ "version": current["version"], "item": item }),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        check("put", sheet, status, &body);
        let (status, body) = editor
            .put(&seven, &json!({ "version": 2, "item": item }))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        check("put", sheet, status, &body);
        let (status, body) = admin.put(&seven, &json!({ "version": 2 })).await;
        check("put", sheet, status, &body);
        item["effects"][0]["quantities"][0]["unit"] = json!("ドル");
        let (status, body) = admin
            .put(&seven, &json!({ "version": 2, "item": item }))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        check("put", sheet, status, &body);
        let (status, body) = reviewer
            .post(
                &format!("{seven}/comments"),
                &json!({ "field": "goal", "body": "確認" }),
            )
            .await;
        check(
            "post",
            "/api/v1/editions/{id}/sheets/{no}/comments",
            status,
            &body,
        );
        let (_, current) = admin.get(&seven).await;
        let key = current["findings"][0]["key"].clone();
        let (status, body) = admin
            .post(
                &format!("{seven}/waivers"),
                &json!({ "finding_key": key, "reason": "原本どおり" }),
            )
            .await;
        check(
            "post",
            "/api/v1/editions/{id}/sheets/{no}/waivers",
            status,
            &body,
        );
        let (status, body) = admin
            .post(
                &format!("{seven}/transitions"),
                &json!({ "action": "submit", "version": current["version"] }),
            )
            .await;
        check(
            "post",
            "/api/v1/editions/{id}/sheets/{no}/transitions",
            status,
            &body,
        );
        let (status, body) = reviewer.get(&seven).await;
        assert_eq!(body["findings"][0]["waived"], true);
        assert_eq!(body["comments"].as_array().map(Vec::len), Some(1));
        check("get", sheet, status, &body);
        let (status, body) = reviewer.get(&format!("{seven}/history")).await;
        check(
            "get",
            "/api/v1/editions/{id}/sheets/{no}/history",
            status,
            &body,
        );
        let (status, body) = admin
            .post(
                &format!("/api/v1/editions/{id}/lock"),
                &json!({ "base_date": "2026-03-31" }),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        check("post", "/api/v1/editions/{id}/lock", status, &body);
        let (status, body) = admin
            .post(&format!("/api/v1/editions/{id}/publish"), &json!({}))
            .await;
        check("post", "/api/v1/editions/{id}/publish", status, &body);
        let osaki = app
            .reports
            .iter()
            .find(|r| r.plan_name == OSAKI_PLAN)
            .expect("大崎市");
        let (status, body) = admin
            .post(
                &format!("/api/v1/editions/{}/correction", osaki.id),
                &json!({ "note": "訂正" }),
            )
            .await;
        check("post", "/api/v1/editions/{id}/correction", status, &body);
    }

    /// Whatever a client sends, the answer is never a 500: odd JSON, odd numbers, odd bytes,
    /// odd addresses, on every route of the API.
    #[tokio::test]
    async fn nothing_a_client_sends_makes_a_500() {
        let app = TestApp::spawn().await;
        let admin = admin(&app).await;
        let id = open_kaede_2025(&app, &admin).await;
        let (_, sheet) = admin.get(&sheet_path(id, 2)).await;
        let mut huge = sheet["item"].clone();
        huge["no"] = json!(u32::MAX);
        huge["line"] = json!(u64::MAX);
        huge["actions"] = json!([{ "no": 255, "text": "\u{0}" }]);
        huge["effects"] = json!([{ "fiscal_year": 2200, "is_total": false, "text": "", "quantities": [
            { "label": "", "value": "79228162514264337593543950335", "unit": "億円", "status": null }
        ], "line": u64::MAX }]);
        let mut deep = String::new();
        for _ in 0..10_000 {
            deep.push('[');
        }
        let bodies: Vec<Vec<u8>> = vec![
            b"null".to_vec(),
            b"[]".to_vec(),
            b"{}".to_vec(),
            b"\"x\"".to_vec(),
            b"1e400".to_vec(),
            deep.into_bytes(),
            vec![0xff, 0xfe, b'{', b'}'],
            json!({ "version": i64::MAX, "item": huge }).to_string().into_bytes(),
            json!({ "version": -1, "item": sheet["item"], "submit": true }).to_string().into_bytes(),
            json!({ "version": 1, "action": "return", "comments": [{ "field": "contents.99999999999999999999", "body": "x" }] }).to_string().into_bytes(),
            json!({ "version": 1, "action": "submit", "comments": [{ "field": "goal", "body": "x".repeat(5000) }] }).to_string().into_bytes(),
            json!({ "plan_id": i64::MAX, "fiscal_year": i32::MAX, "due_date": "令和99年99月99日" }).to_string().into_bytes(),
            json!({ "plan_id": 1, "fiscal_year": 1868, "due_date": "" }).to_string().into_bytes(),
            json!({ "base_date": "0000-00-00", "note": "\u{0}", "finding_key": "", "reason": "\u{0}" }).to_string().into_bytes(),
        ];
        let routes: Vec<(Method, String)> = kaikaku_web::routes::specs()
            .into_iter()
            .filter(|spec| spec.path.starts_with("/api/v1/") && spec.method != Method::GET)
            .map(|spec| {
                let url = spec
                    .path
                    .replace("{id}", &id.to_string())
                    .replace("{no}", "2")
                    .replace("{comment_id}", "1");
                (spec.method, url)
            })
            .collect();
        let mut failures = Vec::new();
        for (method, url) in &routes {
            for body in &bodies {
                let response = app
                    .raw
                    .request(method.clone(), format!("{}{url}", app.base))
                    .header("cookie", &admin.login.cookie)
                    .header("x-csrf-token", &admin.login.csrf)
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await
                    .expect("answers");
                let status = response.status();
                let text = response.text().await.unwrap_or_default();
                if status.is_server_error() {
                    failures.push(format!(
                        "{method} {url} {}: {status} {text}",
                        String::from_utf8_lossy(&body[..body.len().min(80)])
                    ));
                }
            }
        }
        for path in [
            "/api/v1/editions/9223372036854775807".to_owned(),
            "/api/v1/editions/99999999999999999999".to_owned(),
            format!("/api/v1/editions/{id}/sheets/4294967296"),
            format!("/api/v1/editions/{id}/sheets/0/history"),
            "/api/v1/plans/9223372036854775807/2021".to_owned(),
            "/api/v1/plans/1/99999".to_owned(),
            "/api/v1/plans/1/2021/items/4294967295".to_owned(),
        ] {
            let (status, body) = admin.get(&path).await;
            if status != StatusCode::NOT_FOUND {
                failures.push(format!("GET {path}: {status} {body}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        // And the sheet is as it was.
        assert_eq!(
            admin.get(&sheet_path(id, 2)).await.1["version"],
            sheet["version"]
        );
    }
}

// -------------------------------------------------------------------------------------------
// The reporting cycle's pages: forms, the board, the history, corrections, lost updates.
// -------------------------------------------------------------------------------------------

mod cycle_pages {
    use kaikaku_model::workflow::SheetState;
    use kaikaku_model::{Decimal, ItemNo};
    use kaikaku_web::cycle::form::SheetForm;
    use kaikaku_web::cycle::service;
    use scraper::{ElementRef, Html, Selector};

    use super::*;

    /// The editor of 政策課 the tests add (No.2 of the real sample is 政策課's).
    const SEISAKU: (&str, &str) = ("editor-seisaku", "seisaku-password-1");
    /// The real sample's No.2, 政策課's sheet.
    const NO2: u32 = 2;
    /// FY2021's 見込み of No.2 for 令和4年度, shown beside FY2022's 実績 box.
    const NO2_FORECAST: &str = "事務事業評価表を効果的に活用し";

    fn selector(css: &str) -> Selector {
        Selector::parse(css).unwrap_or_else(|e| panic!("{css}: {e}"))
    }

    /// A logged-in browser.
    struct Browser<'a> {
        app: &'a TestApp,
        login: Login,
    }

    impl<'a> Browser<'a> {
        async fn new(app: &'a TestApp, (name, password): (&str, &str)) -> Browser<'a> {
            Browser {
                app,
                login: app.login(name, password).await,
            }
        }

        async fn get(&self, path: &str) -> Page {
            self.app
                .call(Method::GET, path, Some(&self.login), None)
                .await
        }

        /// GETs `path` and asserts 200.
        async fn page(&self, path: &str) -> String {
            let page = self.get(path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}:\n{}", page.body);
            page.body
        }

        /// POSTs `fields` and the session's CSRF token.
        async fn post(&self, path: &str, fields: &[(String, String)]) -> Page {
            let mut fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            fields.push(("_csrf", &self.login.csrf));
            self.app
                .call(Method::POST, path, Some(&self.login), Some(&fields))
                .await
        }

        /// Fills in the form `form_id` of the page at `path` as a browser would (what it holds,
        /// with `changes`) and sends it with `button` (name, value).
        async fn submit(
            &self,
            path: &str,
            form_id: &str,
            changes: &[(&str, &str)],
            button: (&str, &str),
        ) -> Page {
            let body = self.page(path).await;
            let (action, mut fields) = form_of(&body, form_id);
            for (name, value) in changes {
                set(&mut fields, name, value);
            }
            set(&mut fields, button.0, button.1);
            fields.retain(|(name, _)| name != "_csrf");
            self.post(&action, &fields).await
        }
    }

    /// The action and the fields of the form `id` of a page, as a browser would send them:
    /// inputs, text areas and the selected (else the first) option of selects.
    fn form_of(body: &str, id: &str) -> (String, Vec<(String, String)>) {
        let html = Html::parse_document(body);
        let form = html
            .select(&selector(&format!("form#{id}")))
            .next()
            .unwrap_or_else(|| panic!("no form #{id} in:\n{body}"));
        let action = form.value().attr("action").expect("an action").to_owned();
        let mut fields = Vec::new();
        for element in form.select(&selector("input, textarea, select")) {
            let Some(name) = element.value().attr("name") else {
                continue;
            };
            let value = match element.value().name() {
                "textarea" => element.text().collect::<String>(),
                "select" => {
                    let options: Vec<ElementRef<'_>> =
                        element.select(&selector("option")).collect();
                    options
                        .iter()
                        .find(|o| o.value().attr("selected").is_some())
                        .or(options.first())
                        .and_then(|o| o.value().attr("value"))
                        .unwrap_or_default()
                        .to_owned()
                }
                _ => element.value().attr("value").unwrap_or_default().to_owned(),
            };
            fields.push((name.to_owned(), value));
        }
        (action, fields)
    }

    /// Sets field `name` (replacing it, else adding it).
    fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
        match fields.iter_mut().find(|(n, _)| n == name) {
            Some((_, v)) => *v = value.to_owned(),
            None => fields.push((name.to_owned(), value.to_owned())),
        }
    }

    /// The outer HTML of the first element matching `css`.
    fn element(body: &str, css: &str) -> String {
        let html = Html::parse_document(body);
        html.select(&selector(css))
            .next()
            .map(|e| e.html())
            .unwrap_or_else(|| panic!("nothing matches {css} in:\n{body}"))
    }

    fn has(body: &str, css: &str) -> bool {
        Html::parse_document(body)
            .select(&selector(css))
            .next()
            .is_some()
    }

    /// The sheet's state code, from the page.
    fn state_of(body: &str) -> String {
        let html = Html::parse_document(body);
        html.select(&selector("article.cycle-sheet"))
            .next()
            .and_then(|a| a.value().attr("data-state"))
            .expect("a sheet page")
            .to_owned()
    }

    /// The edition id a redirect goes to (`/editions/7?done=…`).
    fn edition_of(page: &Page) -> i64 {
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let location = page.location().expect("a location");
        location
            .strip_prefix("/editions/")
            .and_then(|rest| rest.split(['?', '/']).next())
            .and_then(|id| id.parse().ok())
            .unwrap_or_else(|| panic!("not an edition: {location}"))
    }

    fn assert_redirect(page: &Page, to: &str) {
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let location = page.location().expect("a location");
        assert!(location.starts_with(to), "{location} is not {to}");
    }

    fn sheet_path(edition: i64, no: u32) -> String {
        format!("/editions/{edition}/sheets/{no}")
    }

    /// The admin adds 政策課's editor through ユーザー管理.
    async fn add_seisaku(admin: &Browser<'_>) {
        let fields = [
            ("name", SEISAKU.0),
            ("role", "editor"),
            ("department", "政策課"),
            ("password", SEISAKU.1),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
        let page = admin.post("/admin/users", &fields).await;
        assert_redirect(&page, "/admin/users");
    }

    /// The admin opens FY2022 of the real sample's plan through 進行中の報告, due `due`.
    async fn open_osaki_2022(app: &TestApp, admin: &Browser<'_>, due: &str) -> i64 {
        let body = admin.page("/cycle").await;
        assert_contains(&body, &["報告年度の開始", "令和3年度"]);
        let plan = app
            .reports
            .iter()
            .find(|r| r.plan_name == OSAKI_PLAN)
            .expect("the real sample")
            .plan_id;
        let fields = [
            ("plan_id", plan.to_string()),
            ("fiscal_year", "令和4年度".to_owned()),
            ("due_date", due.to_owned()),
        ]
        .map(|(k, v)| (k.to_owned(), v));
        edition_of(&admin.post("/cycle", &fields).await)
    }

    /// Takes every sheet of an edition to 確定 as the admin, through the forms: save, submit,
    /// confirm, and accept with a reason any finding that stops 確定.
    async fn confirm_everything(admin: &Browser<'_>, edition: i64) {
        let board = admin.page(&format!("/editions/{edition}")).await;
        let rows: Vec<u32> = Html::parse_document(&board)
            .select(&selector("tr[data-state]"))
            .filter_map(|row| row.value().attr("id")?.strip_prefix("sheet-")?.parse().ok())
            .collect();
        assert!(!rows.is_empty(), "{board}");
        for no in rows {
            let path = sheet_path(edition, no);
            for _ in 0..8 {
                let body = admin.page(&path).await;
                let page = match state_of(&body).as_str() {
                    "confirmed" => break,
                    "not_started" | "returned" => {
                        admin
                            .submit(&path, "sheet-form", &[], ("intent", "save"))
                            .await
                    }
                    "in_progress" => {
                        admin
                            .submit(&path, "sheet-form", &[], ("intent", "submit"))
                            .await
                    }
                    _ => {
                        let page = admin
                            .submit(&path, "transition-form", &[], ("action", "confirm"))
                            .await;
                        if page.status == StatusCode::CONFLICT {
                            assert_contains(&page.body, &["確定できません"]);
                            waive_all(admin, &path, &page.body).await;
                            continue;
                        }
                        page
                    }
                };
                assert_redirect(&page, &path);
            }
            assert_eq!(state_of(&admin.page(&path).await), "confirmed", "{path}");
        }
    }

    /// Accepts every open finding of the sheet page `body` with a reason.
    async fn waive_all(admin: &Browser<'_>, path: &str, body: &str) {
        let keys: Vec<String> = Html::parse_document(body)
            .select(&selector("li.finding-open[data-finding]"))
            .filter_map(|li| li.value().attr("data-finding").map(str::to_owned))
            .collect();
        assert!(!keys.is_empty(), "no open finding in:\n{body}");
        for key in keys {
            let fields = [
                ("finding".to_owned(), key),
                ("reason".to_owned(), "原本の記載どおり".to_owned()),
            ];
            let page = admin.post(&format!("{path}/waivers"), &fields).await;
            assert_redirect(&page, path);
        }
    }

    /// What the authorisation matrix's cases for the cycle pages act on, set up through a
    /// second connection to the matrix's database (after the API's [`api::World`], whose open
    /// 楓町 FY2025 the sheet cases share).
    pub(super) struct PageWorld {
        store: Database,
        /// 楓町 FY2025 (the API's world): sheet 2 is the editor's (総務課); sheet 1 (まちづくり
        /// 推進課) is 入力中 for the admin to submit and carries `comment`; sheet `waivable` has
        /// a 総計 that does not add up, whose finding is `finding_key`.
        pub open: i64,
        /// Sheet 2 as its form sends it.
        pub sheet2: Vec<(String, String)>,
        pub comment: i64,
        pub waivable: u32,
        pub finding_key: String,
        /// 桜川市's plan, imported here: the matrix opens its FY2020.
        pub sakuragawa_plan: i64,
        /// A correction of 桜川市 FY2019, every sheet 確定, locked: the matrix unlocks, locks,
        /// publishes and corrects it, in that order.
        pub locked: i64,
    }

    impl PageWorld {
        pub(super) async fn build(app: &TestApp, world: &api::World) -> PageWorld {
            let store = Database::connect(app.db.target())
                .await
                .expect("opens the app's database");
            let admin = store
                .user_by_name("admin")
                .await
                .expect("reads")
                .expect("the admin")
                .id;
            let open = world.open;
            let frame = store.load_edition(open).await.expect("loads FY2025");

            let two = store.sheet(open, ItemNo(2)).await.expect("sheet 2");
            let mut sheet2 = SheetForm::from_item(&two.item, &frame).to_pairs();
            sheet2.push(("intent".to_owned(), "save".to_owned()));

            let one = store.sheet(open, ItemNo(1)).await.expect("sheet 1");
            store
                .save_sheet(
                    open,
                    ItemNo(1),
                    one.version,
                    &one.item,
                    SheetState::InProgress,
                    admin,
                )
                .await
                .expect("saves sheet 1");
            let comment = store
                .add_comment(
                    open,
                    ItemNo(1),
                    kaikaku_model::workflow::Field::Goal,
                    admin,
                    "matrix",
                )
                .await
                .expect("comments");

            // A sheet of nobody else's cases whose 総計 is a money amount: made not to add up.
            let mut waivable = None;
            for no in [3, 4, 5, 8, 9] {
                let sheet = store.sheet(open, ItemNo(no)).await.expect("a sheet");
                let mut item = sheet.item.clone();
                let Some(total) = item.effects.iter_mut().find(|r| r.is_total) else {
                    continue;
                };
                let Some(quantity) = total.quantities.iter_mut().find(|q| q.unit.is_money()) else {
                    continue;
                };
                quantity.value += Decimal::from(1);
                let Some(finding) = service::check_item(&frame, &item).into_iter().next() else {
                    continue;
                };
                store
                    .save_sheet(
                        open,
                        ItemNo(no),
                        sheet.version,
                        &item,
                        SheetState::InProgress,
                        admin,
                    )
                    .await
                    .expect("saves");
                waivable = Some((no, service::finding_key(&finding)));
                break;
            }
            let (waivable, finding_key) = waivable.expect("a 楓町 sheet with a money 総計");

            let sakuragawa = kaikaku_reader::read(
                &kaikaku_fixtures::bundled("sakuragawa_h30.txt"),
                &Default::default(),
            )
            .expect("the bundled sample reads");
            let source = Source {
                name: "sakuragawa_h30.txt".to_owned(),
                encoding: "UTF-8".to_owned(),
            };
            let saved = store
                .save_report(&sakuragawa, &source)
                .await
                .expect("imports 桜川市");
            let stored = store.list_reports().await.expect("lists");
            let sakuragawa_plan = stored
                .iter()
                .find(|r| r.id == saved.report_id())
                .expect("listed")
                .plan_id;
            let locked = store
                .open_correction(saved.report_id(), "matrix", admin)
                .await
                .expect("corrects 桜川市");
            for sheet in store.sheets(locked).await.expect("the sheets") {
                let mut version = sheet.version;
                for to in [SheetState::Submitted, SheetState::Confirmed] {
                    version = store
                        .transition(locked, sheet.no, version, to, admin, &[])
                        .await
                        .expect("moves");
                }
            }
            let base_date = chrono::NaiveDate::from_ymd_opt(2020, 5, 31).expect("a date");
            store
                .lock_edition(locked, base_date, admin)
                .await
                .expect("locks");
            PageWorld {
                store,
                open,
                sheet2,
                comment,
                waivable,
                finding_key,
                sakuragawa_plan,
                locked,
            }
        }

        /// The version sheet `no` of `open` has now.
        async fn version(&self, no: u32) -> i64 {
            self.store
                .sheet(self.open, ItemNo(no))
                .await
                .expect("a sheet")
                .version
        }
    }

    /// How the matrix calls a cycle page that needs the [`PageWorld`]: its address, its form
    /// for each role, and the sheet of `open` whose version now the form sends as `version`.
    #[derive(Clone, Copy)]
    pub(super) struct PageCall {
        pub url: fn(&PageWorld) -> String,
        pub form: fn(Who, &PageWorld) -> Vec<(String, String)>,
        pub version_of: Option<u32>,
    }

    impl PageCall {
        pub(super) fn at(url: fn(&PageWorld) -> String) -> Option<PageCall> {
            Some(PageCall {
                url,
                form: |_, _| Vec::new(),
                version_of: None,
            })
        }

        pub(super) async fn fields(&self, who: Who, world: &PageWorld) -> Vec<(String, String)> {
            let mut fields = (self.form)(who, world);
            if let Some(no) = self.version_of {
                fields.push(("version".to_owned(), world.version(no).await.to_string()));
            }
            fields
        }
    }

    /// Sheet `no` of the world's open edition.
    fn sheet(w: &PageWorld, no: u32) -> String {
        format!("/editions/{}/sheets/{no}", w.open)
    }

    /// The matrix entries of the cycle pages.
    pub(super) fn matrix() -> Vec<Case> {
        let get = Method::GET;
        let post = Method::POST;
        let page = |call: Option<PageCall>, method: Method, path, expect| Case {
            page: call,
            ..case(method, path, expect)
        };
        vec![
            case(get.clone(), "/cycle", [L, A, A, A]),
            page(
                Some(PageCall {
                    url: |_| "/cycle".to_owned(),
                    form: |_, w| {
                        vec![
                            ("plan_id".to_owned(), w.sakuragawa_plan.to_string()),
                            ("fiscal_year".to_owned(), "2020".to_owned()),
                            ("due_date".to_owned(), "2021-05-31".to_owned()),
                        ]
                    },
                    version_of: None,
                }),
                post.clone(),
                "/cycle",
                [L, A, F, F],
            ),
            page(
                PageCall::at(|w| format!("/editions/{}", w.open)),
                get.clone(),
                "/editions/{id}",
                [L, A, A, A],
            ),
            // 桜川市's correction: unlocked, locked again, published, corrected.
            page(
                PageCall::at(|w| format!("/editions/{}/unlock", w.locked)),
                post.clone(),
                "/editions/{id}/unlock",
                [L, A, F, F],
            ),
            page(
                Some(PageCall {
                    url: |w| format!("/editions/{}/lock", w.locked),
                    form: |_, _| vec![("base_date".to_owned(), "2020-05-31".to_owned())],
                    version_of: None,
                }),
                post.clone(),
                "/editions/{id}/lock",
                [L, A, F, F],
            ),
            page(
                PageCall::at(|w| format!("/editions/{}/publish", w.locked)),
                post.clone(),
                "/editions/{id}/publish",
                [L, A, F, F],
            ),
            page(
                Some(PageCall {
                    url: |w| format!("/editions/{}/correction", w.locked),
                    form: |_, _| vec![("note".to_owned(), "matrix".to_owned())],
                    version_of: None,
                }),
                post.clone(),
                "/editions/{id}/correction",
                [L, A, F, F],
            ),
            page(
                PageCall::at(|w| sheet(w, 2)),
                get.clone(),
                "/editions/{id}/sheets/{no}",
                [L, A, A, A],
            ),
            page(
                // The editor is 総務課's, whose sheet this is; reviewers change nothing.
                Some(PageCall {
                    url: |w| sheet(w, 2),
                    form: |_, w| w.sheet2.clone(),
                    version_of: Some(2),
                }),
                post.clone(),
                "/editions/{id}/sheets/{no}",
                [L, A, A, F],
            ),
            page(
                PageCall::at(|w| format!("{}/history", sheet(w, 2))),
                get.clone(),
                "/editions/{id}/sheets/{no}/history",
                [L, A, A, A],
            ),
            page(
                // Sheet 1 is まちづくり推進課's: the admin submits it, the editor of 総務課 may
                // not touch it.
                Some(PageCall {
                    url: |w| format!("{}/transition", sheet(w, 1)),
                    form: |_, _| vec![("action".to_owned(), "submit".to_owned())],
                    version_of: Some(1),
                }),
                post.clone(),
                "/editions/{id}/sheets/{no}/transition",
                [L, A, F, F],
            ),
            page(
                Some(PageCall {
                    url: |w| format!("{}/comments", sheet(w, 2)),
                    form: |_, _| {
                        vec![
                            ("field".to_owned(), "goal".to_owned()),
                            ("body".to_owned(), "matrix".to_owned()),
                        ]
                    },
                    version_of: None,
                }),
                post.clone(),
                "/editions/{id}/sheets/{no}/comments",
                [L, A, F, A],
            ),
            page(
                PageCall::at(|w| format!("{}/comments/{}/resolve", sheet(w, 1), w.comment)),
                post.clone(),
                "/editions/{id}/sheets/{no}/comments/{comment_id}/resolve",
                [L, A, F, A],
            ),
            page(
                Some(PageCall {
                    url: |w| format!("{}/waivers", sheet(w, w.waivable)),
                    form: |_, w| {
                        vec![
                            ("finding".to_owned(), w.finding_key.clone()),
                            ("reason".to_owned(), "matrix".to_owned()),
                        ]
                    },
                    version_of: None,
                }),
                post.clone(),
                "/editions/{id}/sheets/{no}/waivers",
                [L, A, F, F],
            ),
        ]
    }

    #[tokio::test]
    async fn a_year_from_opening_to_a_published_correction() {
        let app = TestApp::spawn().await;
        let admin = Browser::new(&app, ("admin", "admin-password-1")).await;
        add_seisaku(&admin).await;
        // A due date in the past: every sheet not submitted is overdue.
        let edition = open_osaki_2022(&app, &admin, "2022-05-31").await;
        let editor = Browser::new(&app, SEISAKU).await;
        let reviewer = Browser::new(&app, ("reviewer", "reviewer-password-1")).await;
        let no2 = sheet_path(edition, NO2);

        // 進行中の報告 and the board.
        let cycle = editor.page("/cycle").await;
        assert_contains(&cycle, &["進行中の報告", "令和4年度（2022年度）", "受付中"]);
        assert!(
            !cycle.contains("報告年度を開始する"),
            "editors open nothing"
        );
        let board = editor.page(&format!("/editions/{edition}")).await;
        assert_contains(
            &board,
            &[
                "政策課（あなたの課）",
                "期限超過",
                "未着手",
                "令和4年5月31日",
            ],
        );
        assert!(board.find("政策課（あなたの課）") < board.find("まちづくり推進課"));
        assert!(has(&board, "tr#sheet-2.overdue"));

        // The editor's sheet: carried over and marked, last year's 見込み beside the 実績 box.
        let sheet = editor.page(&no2).await;
        assert_eq!(state_of(&sheet), "not_started");
        assert_contains(&sheet, &["前年度から複写", NO2_FORECAST]);
        assert!(has(&sheet, "[data-field=\"goal\"].is-copied"));
        assert!(element(&sheet, "[data-field=\"narratives.0\"]").contains(NO2_FORECAST));
        let page = editor
            .submit(
                &no2,
                "sheet-form",
                &[
                    ("narratives.0.text", "・事務事業評価表を活用した。"),
                    ("narratives.1.text", "・評価を定着させる。"),
                ],
                ("intent", "save"),
            )
            .await;
        assert_redirect(&page, &no2);
        let sheet = editor.page(page.location().expect("a location")).await;
        assert_eq!(state_of(&sheet), "in_progress");
        assert_contains(&sheet, &["保存しました", "・事務事業評価表を活用した。"]);
        let page = editor
            .submit(&no2, "sheet-form", &[], ("intent", "submit"))
            .await;
        assert_redirect(&page, &no2);
        assert_eq!(state_of(&editor.page(&no2).await), "submitted");
        let board = editor.page(&format!("/editions/{edition}")).await;
        assert!(!has(&board, "tr#sheet-2.overdue"), "submitted is in time");

        // Another department's sheet: refused, nothing changed.
        let no1 = sheet_path(edition, 1);
        let before = editor.page(&no1).await;
        assert!(!has(&before, "form#sheet-form"), "read only");
        let fields = [("version", "1"), ("title", "書き換え"), ("intent", "save")]
            .map(|(k, v)| (k.to_owned(), v.to_owned()));
        let page = editor.post(&no1, &fields).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);
        assert_contains(&page.body, &["他の課のシートは編集できません"]);
        assert_eq!(editor.page(&no1).await, before);

        // The reviewer comments and cannot save.
        let body = reviewer.page(&no2).await;
        assert!(!has(&body, "form#sheet-form"));
        let fields = [("field", "goal"), ("body", "目標の表現を確認してください")]
            .map(|(k, v)| (k.to_owned(), v.to_owned()));
        let page = reviewer.post(&format!("{no2}/comments"), &fields).await;
        assert_redirect(&page, &no2);
        let fields = [
            ("version", "3"),
            ("title", "査読者の書換え"),
            ("intent", "save"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
        let page = reviewer.post(&no2, &fields).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);
        let body = reviewer.page(&no2).await;
        assert!(element(&body, "[data-field=\"goal\"]").contains("目標の表現を確認してください"));
        assert!(!body.contains("査読者の書換え"));

        // The admin returns it with a comment on the 実績; the editor sees it beside the field.
        let page = admin
            .submit(
                &no2,
                "transition-form",
                &[("comment.narratives.0", "実績の件数を書いてください")],
                ("action", "return"),
            )
            .await;
        assert_redirect(&page, &no2);
        let sheet = editor.page(&no2).await;
        assert_eq!(state_of(&sheet), "returned");
        assert!(
            element(&sheet, "form#sheet-form [data-field=\"narratives.0\"]")
                .contains("実績の件数を書いてください")
        );

        // The editor fixes it, with effects whose 総計 does not add up, and resubmits.
        let page = editor
            .submit(
                &no2,
                "sheet-form",
                &[
                    (
                        "narratives.0.text",
                        "・事務事業評価表を活用し、12件を見直した。",
                    ),
                    ("effects.0.q.0.label", "削減額"),
                    ("effects.0.q.0.value", "100"),
                    ("effects.0.q.0.unit", "千円"),
                    ("effects.0.q.0.status", "actual"),
                    ("effects.1.q.0.label", "削減額"),
                    ("effects.1.q.0.value", "200"),
                    ("effects.1.q.0.unit", "千円"),
                    ("effects.1.q.0.status", "actual"),
                    ("effects.3.q.0.label", "削減額"),
                    ("effects.3.q.0.value", "350"),
                    ("effects.3.q.0.unit", "千円"),
                ],
                ("intent", "save"),
            )
            .await;
        assert_redirect(&page, &no2);
        let page = editor
            .submit(&no2, "sheet-form", &[], ("intent", "submit"))
            .await;
        assert_redirect(&page, &no2);

        // 確定 is refused while the finding is open; the finding sits beside the 総計 row.
        let page = admin
            .submit(&no2, "transition-form", &[], ("action", "confirm"))
            .await;
        assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
        assert_contains(&page.body, &["確定できません", "350千円"]);
        assert!(
            element(&page.body, "[data-field=\"effects.3\"]").contains("内訳を合計すると300千円")
        );
        assert_eq!(state_of(&admin.page(&no2).await), "submitted");
        waive_all(&admin, &no2, &page.body).await;
        let body = admin.page(&no2).await;
        assert_contains(&body, &["確認済み（admin", "原本の記載どおり"]);
        let page = admin
            .submit(&no2, "transition-form", &[], ("action", "confirm"))
            .await;
        assert_redirect(&page, &no2);
        assert_eq!(state_of(&admin.page(&no2).await), "confirmed");

        // Locking waits for every sheet; then lock with the 基準日 and publish.
        let lock = [("base_date".to_owned(), "2022-05-31".to_owned())];
        let page = admin
            .post(&format!("/editions/{edition}/lock"), &lock)
            .await;
        assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
        assert_contains(&page.body, &["確定していないシートが21件あります"]);
        confirm_everything(&admin, edition).await;
        let page = admin
            .post(&format!("/editions/{edition}/lock"), &lock)
            .await;
        assert_redirect(&page, &format!("/editions/{edition}"));
        let page = admin
            .post(&format!("/editions/{edition}/publish"), &[])
            .await;
        assert_redirect(&page, &format!("/editions/{edition}"));
        let top = app.page("/").await;
        assert_contains(&top, &["令和4年度（2022年度）", "令和3年度（2021年度）"]);
        let public = format!(
            "{}/2022",
            app.edition(OSAKI_PLAN).rsplit_once('/').expect("a year").0
        );
        let body = app.page(&public).await;
        assert_contains(&body, &["・事務事業評価表を活用し、12件を見直した。"]);
        assert!(!body.contains("訂正（第"), "no correction yet");

        // The history of No.2: every change, who, when (和暦), which field, a readable diff.
        let history = editor.page(&format!("{no2}/history")).await;
        assert_contains(
            &history,
            &[
                "変更履歴",
                "class=\"when\">令和",
                SEISAKU.0,
                "取組内容 1",
                "取組による効果 4行目",
                "未着手",
                "差戻し",
                "確定",
                "<ins>",
            ],
        );
        for field in [
            "narratives.0",
            "narratives.1",
            "effects.0",
            "effects.1",
            "effects.3",
        ] {
            assert!(
                has(&history, &format!("tr[data-field=\"{field}\"]")),
                "{field}"
            );
        }
        let state_rows = Html::parse_document(&history)
            .select(&selector("tr.state-change"))
            .count();
        // 未着手→入力中, →提出済, →差戻し, →入力中, →提出済, →確定.
        assert_eq!(state_rows, 6, "{history}");

        // A correction: a new revision, fixed, confirmed, locked, published with its changes.
        let note = [(
            "note".to_owned(),
            "No.2の実績の記載を訂正しました".to_owned(),
        )];
        let correction = edition_of(
            &admin
                .post(&format!("/editions/{edition}/correction"), &note)
                .await,
        );
        assert_ne!(correction, edition);
        let fixed = sheet_path(correction, NO2);
        let page = editor
            .submit(
                &fixed,
                "sheet-form",
                &[(
                    "narratives.0.text",
                    "・事務事業評価表を活用し、15件を見直した。",
                )],
                ("intent", "submit"),
            )
            .await;
        assert_redirect(&page, &fixed);
        confirm_everything(&admin, correction).await;
        let page = admin
            .post(&format!("/editions/{correction}/lock"), &lock)
            .await;
        assert_redirect(&page, &format!("/editions/{correction}"));
        let page = admin
            .post(&format!("/editions/{correction}/publish"), &[])
            .await;
        assert_redirect(&page, &format!("/editions/{correction}"));
        let body = app.page(&public).await;
        assert_contains(
            &body,
            &[
                "訂正（第2版",
                "No.2の実績の記載を訂正しました",
                "No.2 事務事業の整理・統廃合の推進",
                "取組内容 1",
                "<del>2</del><ins>5</ins>",
                "・事務事業評価表を活用し、15件を見直した。",
            ],
        );
        let item = app.page(&format!("{public}/items/2")).await;
        assert_contains(&item, &["訂正（第2版", "<ins>5</ins>"]);
        let other = app.page(&format!("{public}/items/3")).await;
        assert_contains(&other, &["訂正（第2版", "前の版から内容の変更はありません"]);
    }

    /// Two logged-in clients save the same sheet from the same version at the same time.
    #[tokio::test]
    async fn two_saves_from_one_version_one_wins_and_the_other_sees_both_versions() {
        let app = TestApp::spawn().await;
        let admin = Browser::new(&app, ("admin", "admin-password-1")).await;
        add_seisaku(&admin).await;
        let edition = open_osaki_2022(&app, &admin, "").await;
        let editor = Browser::new(&app, SEISAKU).await;
        let no2 = sheet_path(edition, NO2);
        for round in 0..3 {
            let texts = [
                format!("・第{round}回 課の記載"),
                format!("・第{round}回 政策課の記載"),
            ];
            let mut forms = Vec::new();
            for (browser, text) in [(&editor, &texts[0]), (&admin, &texts[1])] {
                let (action, mut fields) = form_of(&browser.page(&no2).await, "sheet-form");
                set(&mut fields, "narratives.0.text", text);
                set(&mut fields, "intent", "save");
                fields.retain(|(name, _)| name != "_csrf");
                forms.push((action, fields));
            }
            assert_eq!(
                hidden_version(&forms[0].1),
                hidden_version(&forms[1].1),
                "both start from one version"
            );
            let history_before = editor.page(&format!("{no2}/history")).await;
            let (a, b) = tokio::join!(
                editor.post(&forms[0].0, &forms[0].1),
                admin.post(&forms[1].0, &forms[1].1)
            );
            let pages = [a, b];
            let won: Vec<usize> = (0..2)
                .filter(|i| pages[*i].status == StatusCode::SEE_OTHER)
                .collect();
            let lost: Vec<usize> = (0..2)
                .filter(|i| pages[*i].status == StatusCode::CONFLICT)
                .collect();
            assert_eq!((won.len(), lost.len()), (1, 1), "{pages:?}");
            let (winner, loser) = (won[0], lost[0]);
            let (winning, losing) = (&texts[winner], &texts[loser]);
            // The loser's page: its own input, kept in the form, beside the stored version,
            // the differing field marked, ready to be saved over the current version.
            let body = &pages[loser].body;
            assert_contains(
                body,
                &[
                    "ほかの人の保存と重なりました",
                    "現在保存されている内容",
                    "取組内容 1",
                ],
            );
            let mine = element(body, "section.conflict-mine");
            let current = element(body, "section.conflict-current");
            assert!(
                mine.contains(losing.as_str()) && !mine.contains(winning.as_str()),
                "{mine}"
            );
            assert!(
                current.contains(winning.as_str()) && !current.contains(losing.as_str()),
                "{current}"
            );
            assert!(has(
                body,
                "section.conflict-mine [data-field=\"narratives.0\"].differs"
            ));
            assert!(has(
                body,
                "section.conflict-current [data-field=\"narratives.0\"].differs"
            ));
            let stored = editor.page(&no2).await;
            assert!(stored.contains(winning.as_str()) && !stored.contains(losing.as_str()));
            let (_, resend) = form_of(body, "sheet-form");
            assert_eq!(
                hidden_version(&resend),
                hidden_version(&forms[winner].1) + 1
            );
            // The history has the winner's change only: one more row, whose diff leads to
            // the winner's text.
            let history = editor.page(&format!("{no2}/history")).await;
            let rows = |body: &str| {
                Html::parse_document(body)
                    .select(&selector("tr[data-field=\"narratives.0\"]"))
                    .map(|row| {
                        row.select(&selector(".diff-text > span, .diff-text > ins"))
                            .flat_map(|e| e.text())
                            .collect::<String>()
                    })
                    .collect::<Vec<String>>()
            };
            let (after, before) = (rows(&history), rows(&history_before));
            assert_eq!(after.len(), before.len() + 1, "{history}");
            assert_eq!(after[0], format!("【令和4年度（実績）】\n{winning}"));
        }
        // Saving the conflict page's form again is a conscious overwrite: it succeeds.
        let (action, mut fields) = form_of(&editor.page(&no2).await, "sheet-form");
        set(&mut fields, "narratives.0.text", "・最後の記載");
        set(&mut fields, "intent", "save");
        fields.retain(|(name, _)| name != "_csrf");
        assert_redirect(&editor.post(&action, &fields).await, &no2);
    }

    fn hidden_version(fields: &[(String, String)]) -> i64 {
        fields
            .iter()
            .find(|(name, _)| name == "version")
            .and_then(|(_, v)| v.parse().ok())
            .expect("a version field")
    }

    /// A save that fails, whatever the reason, leaves the sheet (and its history) as it was.
    #[tokio::test]
    async fn a_failed_save_changes_nothing() {
        let app = TestApp::spawn().await;
        let admin = Browser::new(&app, ("admin", "admin-password-1")).await;
        add_seisaku(&admin).await;
        let edition = open_osaki_2022(&app, &admin, "2030-03-31").await;
        let editor = Browser::new(&app, SEISAKU).await;
        let reviewer = Browser::new(&app, ("reviewer", "reviewer-password-1")).await;
        let no2 = sheet_path(edition, NO2);
        let history = format!("{no2}/history");
        let page = editor
            .submit(
                &no2,
                "sheet-form",
                &[("narratives.0.text", "・最初の記載")],
                ("intent", "save"),
            )
            .await;
        assert_redirect(&page, &no2);
        let (action, stale) = form_of(&editor.page(&no2).await, "sheet-form");
        let page = editor
            .submit(
                &no2,
                "sheet-form",
                &[("narratives.0.text", "・二度目の記載")],
                ("intent", "save"),
            )
            .await;
        assert_redirect(&page, &no2);
        let sheet = editor.page(&no2).await;
        let log = editor.page(&history).await;
        let unchanged = async || {
            assert_eq!(editor.page(&no2).await, sheet, "the sheet changed");
            assert_eq!(editor.page(&history).await, log, "the history changed");
        };

        // A value that is not a number, and a unit that is not one: 400, the input kept, the
        // error beside its input.
        let page = editor
            .submit(
                &no2,
                "sheet-form",
                &[
                    ("narratives.0.text", "・保存されない記載"),
                    ("effects.0.q.0.label", "削減額"),
                    ("effects.0.q.0.value", "百二十"),
                    ("effects.0.q.0.unit", "千円"),
                    ("effects.1.q.0.label", "件数"),
                    ("effects.1.q.0.value", "3"),
                    ("effects.1.q.0.unit", "ドル"),
                ],
                ("intent", "save"),
            )
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
        assert_contains(&page.body, &["保存はされていません", "・保存されない記載"]);
        let value = element(&page.body, "[data-field=\"effects.0\"]");
        assert!(
            value.contains("「百二十」は数値として読めません") && value.contains("aria-invalid")
        );
        let unit = element(&page.body, "[data-field=\"effects.1\"]");
        assert!(unit.contains("単位「ドル」は使えません"), "{unit}");
        unchanged().await;

        // A stale version.
        let mut fields = stale.clone();
        set(&mut fields, "narratives.0.text", "・古い版からの記載");
        set(&mut fields, "intent", "save");
        fields.retain(|(name, _)| name != "_csrf");
        let page = editor.post(&action, &fields).await;
        assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
        assert_contains(&page.body, &["・古い版からの記載", "・二度目の記載"]);
        unchanged().await;

        // The wrong role, and the wrong department.
        let page = reviewer.post(&action, &fields).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);
        unchanged().await;
        let other = Browser::new(&app, ("editor", "editor-password-1")).await;
        let page = other.post(&action, &fields).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);
        unchanged().await;

        // A transition the state does not allow, and one without a version.
        let version = hidden_version(&form_of(&sheet, "sheet-form").1).to_string();
        let confirm = [("action", "confirm"), ("version", version.as_str())]
            .map(|(k, v)| (k.to_owned(), v.to_owned()));
        let page = admin.post(&format!("{no2}/transition"), &confirm).await;
        assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
        assert_contains(&page.body, &["「入力中」のシートは確定できません"]);
        let page = admin
            .post(&format!("{no2}/transition"), &confirm[..1])
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
        unchanged().await;

        // Malformed addresses are not found.
        for path in [
            format!("/editions/{edition}/sheets/99"),
            format!("/editions/{edition}/sheets/x"),
            "/editions/999999".to_owned(),
            format!("/editions/{edition}/sheets/02"),
        ] {
            assert_eq!(
                editor.get(&path).await.status,
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The downloads of a published edition: /plans/{plan_id}/{fiscal_year}/files/{file}.
// ---------------------------------------------------------------------------------------------

mod downloads {
    use kaikaku_export::csv::Table;
    use kaikaku_model::{FiscalYear, LocalGovernmentCode, Municipality};

    use super::*;

    /// The real sample with its municipality recorded, as the open data needs.
    fn osaki_of_osaki_city() -> Report {
        let mut report = osaki();
        report.municipality = Some(Municipality {
            code: LocalGovernmentCode::parse("042153").expect("大崎市's code"),
            name: "大崎市".to_owned(),
        });
        report
    }

    /// A response with its body as bytes.
    struct File {
        status: StatusCode,
        headers: HeaderMap,
        body: Vec<u8>,
    }

    impl File {
        fn header(&self, name: &str) -> &str {
            self.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_else(|| panic!("no {name} header"))
        }

        fn text(&self) -> String {
            String::from_utf8_lossy(&self.body).into_owned()
        }
    }

    async fn fetch(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> File {
        let mut request = app.raw.get(format!("{}{path}", app.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        File {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.bytes().await.expect("a body").to_vec(),
        }
    }

    /// `第5次集中改革プラン_令和3年度{suffix}` as `filename*` writes it.
    fn utf8_name(suffix: &str) -> String {
        form_urlencoded::byte_serialize(format!("第5次集中改革プラン_令和3年度{suffix}").as_bytes())
            .collect()
    }

    #[tokio::test]
    async fn every_download_of_a_published_edition_has_its_type_and_japanese_name() {
        let app =
            TestApp::with_reports(&[("000_6a7f54c584e0f9d2.txt", osaki_of_osaki_city())]).await;
        let edition = app.edition(OSAKI_PLAN);
        let plan_id = &edition["/plans/".len()..edition.rfind('/').expect("a slash")];
        // (file, Content-Type, suffix of the saved name, what the body starts with)
        let mut expected: Vec<(&str, &str, String, &[u8])> = vec![
            ("report.pdf", "application/pdf", ".pdf".to_owned(), b"%PDF-"),
            (
                "report-a3.pdf",
                "application/pdf",
                "_A3.pdf".to_owned(),
                b"%PDF-",
            ),
            ("report.json", "application/json", ".json".to_owned(), b"{"),
            (
                "report.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ".xlsx".to_owned(),
                b"PK",
            ),
            (
                "report.txt",
                "text/plain; charset=utf-8",
                ".txt".to_owned(),
                "第5次集中改革プラン".as_bytes(),
            ),
        ];
        // Every open-data table, its header starting with 地方公共団体コード.
        for table in Table::ALL {
            expected.push((
                table.file_name(),
                "text/csv; charset=utf-8",
                format!("_{}.csv", table.label()),
                "地方公共団体コード".as_bytes(),
            ));
        }
        assert!(expected.iter().any(|(file, ..)| *file == "figures.csv"));
        for (file, content_type, suffix, start) in expected {
            let path = format!("{edition}/files/{file}");
            let got = fetch(&app, &path, &[]).await;
            assert_eq!(got.status, StatusCode::OK, "{path}: {}", got.text());
            assert_eq!(got.header("content-type"), content_type, "{path}");
            assert_eq!(
                got.header("content-disposition"),
                format!(
                    "attachment; filename=\"plan{plan_id}_2021_{file}\"; filename*=UTF-8''{}",
                    utf8_name(&suffix).replace('+', "%20")
                ),
                "{path}"
            );
            assert!(
                got.body.starts_with(start),
                "{path} starts with {:?}",
                &got.text().chars().take(40).collect::<String>()
            );
            assert_eq!(got.header("cache-control"), "public, no-cache", "{path}");
            assert!(got.header("etag").contains(file), "{path}");
        }

        // JSON is the interchange format of the edition.
        let json = fetch(&app, &format!("{edition}/files/report.json"), &[]).await;
        let json: serde_json::Value = serde_json::from_slice(&json.body).expect("JSON");
        assert_eq!(json["items"].as_array().map(Vec::len), Some(22));

        // A CSV with a byte order mark for Excel, and a different tag.
        let plain = fetch(&app, &format!("{edition}/files/figures.csv"), &[]).await;
        let bom = fetch(&app, &format!("{edition}/files/figures.csv?bom=1"), &[]).await;
        assert!(bom.body.starts_with(b"\xef\xbb\xbf"));
        assert_eq!(&bom.body[3..], &plain.body[..]);
        assert_ne!(bom.header("etag"), plain.header("etag"));

        // A published edition never changes: its tag answers 304, without a body.
        let etag = fetch(&app, &format!("{edition}/files/report.pdf"), &[])
            .await
            .header("etag")
            .to_owned();
        let again = fetch(
            &app,
            &format!("{edition}/files/report.pdf"),
            &[("if-none-match", &etag)],
        )
        .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED);
        assert!(again.body.is_empty());
        assert_eq!(again.header("etag"), etag);
    }

    #[tokio::test]
    async fn the_edition_page_lists_every_download() {
        let app = TestApp::spawn().await;
        let edition = app.edition(KAEDE_PLAN);
        let body = app.page(&edition).await;
        assert_contains(
            &body,
            &[
                "<section class=\"downloads screen-only\" id=\"downloads\"",
                "ダウンロード（オープンデータ）",
                "PDF（A4横）",
                "PDF（A3横）",
                "Excel（XLSX）",
                "数値データ：二次利用できるオープンデータの表です",
                &format!(
                    "<a class=\"download-bom\" href=\"{edition}/files/figures.csv?bom=1\" download>BOM付き</a>"
                ),
            ],
        );
        for file in [
            "report.pdf",
            "report-a3.pdf",
            "report.json",
            "figures.csv",
            "items.csv",
            "departments.csv",
            "report.xlsx",
            "report.txt",
        ] {
            assert_contains(&body, &[&format!("href=\"{edition}/files/{file}\"")]);
        }
        // An item page has no download box.
        let item = app.page(&format!("{edition}/items/2")).await;
        assert!(!item.contains("ダウンロード（オープンデータ）"));
    }

    #[tokio::test]
    async fn unknown_files_and_editions_are_japanese_404_pages() {
        let app = TestApp::spawn().await;
        let edition = app.edition(KAEDE_PLAN);
        for path in [
            format!("{edition}/files/report.exe"),
            format!("{edition}/files/REPORT.PDF"),
            format!("{edition}/files/"),
            format!("{edition}/files/..%2Freport.pdf"),
            "/plans/999/2021/files/report.pdf".to_owned(),
            "/plans/1/1900/files/report.json".to_owned(),
            "/plans/01/2021/files/report.json".to_owned(),
        ] {
            let page = app.get(&path).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
            assert_contains(&page.body, &["ページが見つかりません"]);
        }
    }

    #[tokio::test]
    async fn drafts_are_never_downloadable() {
        let app = TestApp::spawn().await;
        let store = Database::connect(app.db.target())
            .await
            .expect("opens the app's database");
        let admin_id = store
            .user_by_name("admin")
            .await
            .expect("reads")
            .expect("the admin")
            .id;
        let kaede = app
            .reports
            .iter()
            .find(|r| r.plan_name == KAEDE_PLAN)
            .expect("楓町 is stored");
        let draft_year = FiscalYear::new(2025).expect("a year");
        store
            .open_cycle(kaede.plan_id, draft_year, None, admin_id)
            .await
            .expect("opens FY2025");
        let admin = app.login_as(Who::Admin).await.expect("the admin logs in");
        for file in ["report.json", "report.pdf", "figures.csv", "report.txt"] {
            let path = format!("/plans/{}/2025/files/{file}", kaede.plan_id);
            let anonymous = app.call(Method::GET, &path, None, None).await;
            assert_eq!(anonymous.status, StatusCode::NOT_FOUND, "{path}");
            // Not even the policy division downloads a draft from the public pages.
            let logged_in = app.call(Method::GET, &path, Some(&admin), None).await;
            assert_eq!(logged_in.status, StatusCode::NOT_FOUND, "{path}");
        }
    }

    #[tokio::test]
    async fn open_data_without_a_municipality_is_a_japanese_explanation() {
        let app = TestApp::spawn().await;
        let edition = app.edition(OSAKI_PLAN);
        let page = app.get(&format!("{edition}/files/figures.csv")).await;
        assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
        assert_contains(
            &page.body,
            &[
                "ファイルを作成できません",
                "この報告のCSVは作成できません。計画「",
                "」の地方公共団体コードと団体名が登録されていません",
            ],
        );
        // The formats that need no municipality are still there.
        let json = app.get(&format!("{edition}/files/report.json")).await;
        assert_eq!(json.status, StatusCode::OK);
    }
}

// The dashboards and the comparison of editions (dashboard.rs, api/analysis.rs). The figures
// are computed by hand in crates/analysis/tests/sample.rs; here they must reach the pages.
mod dashboards {
    use kaikaku_model::{Decimal, FiscalYear, ItemNo};
    use serde_json::Value;

    use super::*;

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

    async fn json(app: &TestApp, path: &str) -> (StatusCode, Value) {
        let page = app.get(path).await;
        let value = serde_json::from_str(&page.body)
            .unwrap_or_else(|e| panic!("{path}: {e}\n{}", page.body));
        (page.status, value)
    }

    /// Fails when `value` is not what the OpenAPI document says `schema` is.
    async fn assert_documented(app: &TestApp, schema: &str, value: &Value) {
        let (_, document) = json(app, "/api/v1/openapi.json").await;
        let reference = serde_json::json!({ "$ref": format!("#/components/schemas/{schema}") });
        let problems = api::misfits(&document, &reference, value, schema);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[tokio::test]
    async fn the_edition_dashboard_shows_the_figures_with_charts_and_links() {
        let app = TestApp::spawn().await;
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

    #[tokio::test]
    async fn unknown_plans_and_years_are_404() {
        let app = TestApp::spawn().await;
        let plan = app.plan_id(OSAKI_PLAN);
        for path in [
            "/plans/999/2021/dashboard".to_owned(),
            format!("/plans/{plan}/1999/dashboard"),
            format!("/plans/{plan}/x/dashboard"),
            "/plans/999/dashboard".to_owned(),
            "/plans/999/compare".to_owned(),
            "/api/v1/plans/999/2021/dashboard".to_owned(),
            "/api/v1/plans/999/compare?from=2021&to=2021".to_owned(),
            format!("/api/v1/plans/{plan}/compare?from=2020&to=2021"),
        ] {
            let page = app.get(&path).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        }
        let page = app
            .get(&format!("/plans/{plan}/compare?from=2019&to=2021"))
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
        for query in ["from=令和3&to=2021", "from=2021", "from=02021&to=2021"] {
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
        let app = TestApp::spawn().await;
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

    #[tokio::test]
    async fn two_editions_forecast_against_actual_and_the_plan_dashboard() {
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

    #[tokio::test]
    async fn the_comparison_page_and_json() {
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
}

/// 検索: the page and the JSON over the real sample, with a goal that holds markup, and a
/// draft that only logged-in users find.
mod search {
    use kaikaku_model::workflow::SheetState;
    use kaikaku_model::{FiscalYear, ItemNo};
    use serde_json::Value;

    use super::*;

    /// `q` percent-encoded for a URL.
    fn q(text: &str) -> String {
        form_urlencoded::byte_serialize(text.as_bytes()).collect()
    }

    /// The real sample with markup in No.1's goal, and its FY2022 opened with No.11 renamed
    /// in the draft.
    async fn app() -> TestApp {
        let mut osaki = osaki();
        osaki.items[0].goal = Some("<script>alert('研修')</script>の目標".to_owned());
        let app = TestApp::with_reports(&[
            ("000_6a7f54c584e0f9d2.txt", osaki),
            ("kaedemachi_r6.txt", kaedemachi()),
        ])
        .await;
        let store = Database::connect(app.db.target())
            .await
            .expect("opens the app's database");
        let admin = store
            .user_by_name("admin")
            .await
            .expect("reads")
            .expect("the admin")
            .id;
        let draft = store
            .open_cycle(
                app.plan_id(OSAKI_PLAN),
                FiscalYear::new(2022).expect("a year"),
                None,
                admin,
            )
            .await
            .expect("opens FY2022");
        let sheet = store.sheet(draft, ItemNo(11)).await.expect("sheet 11");
        let mut item = sheet.item.clone();
        item.title = "ゼロカーボンシティの推進".to_owned();
        store
            .save_sheet(
                draft,
                ItemNo(11),
                sheet.version,
                &item,
                SheetState::InProgress,
                admin,
            )
            .await
            .expect("saves the draft");
        app
    }

    #[tokio::test]
    async fn the_page_lists_items_with_marked_snippets_and_escapes_the_text() {
        let app = app().await;
        let body = app.page(&format!("/search?q={}", q("研修"))).await;
        let osaki = app.edition(OSAKI_PLAN);
        assert_contains(
            &body,
            &[
                "<title>「研修」の検索結果｜",
                // No.1, 10, 21 of the real sample and No.4 of 楓町 (grep: one 研修 in it).
                "「研修」を含む項目：4件",
                "令和3年度（2021年度）",
                &format!("<a href=\"{osaki}/items/1\">No.1 多様な話し合いの場と環境づくり</a>"),
                &format!("<a href=\"{osaki}/items/10\">No.10 人財育成の推進</a>"),
                // No.1 is shown by its goal, the first text that holds 研修, escaped.
                "<span class=\"search-hit-field\">改善・推進目標</span>",
                &format!(
                    "{}<mark>研修</mark>{}",
                    escaped("<script>alert('"),
                    escaped("')</script>")
                ),
                "<input id=\"search-q\" type=\"search\" name=\"q\" value=\"研修\"",
            ],
        );
        assert!(!body.contains("<script>"), "{body}");
        // Newest fiscal year first: 楓町 (令和6年度) before 大崎市 (令和3年度).
        let kaede = body.find("令和6年度（2024年度）").expect("楓町's hit");
        assert!(kaede < body.find("令和3年度（2021年度）").expect("大崎市's hits"));
        // The header of every page has the search form.
        assert_contains(
            &app.page("/").await,
            &["<form class=\"site-search\" method=\"get\" action=\"/search\""],
        );
    }

    #[tokio::test]
    async fn width_and_kana_variants_and_bad_queries() {
        let app = app().await;
        let body = app.page(&format!("/search?q={}", q("ﾏｲﾅﾝﾊﾞｰ"))).await;
        assert_contains(
            &body,
            &["<mark>マイナンバー</mark>カードの利用拡大", "項目：1件"],
        );
        let body = app
            .page(&format!("/search?q={}", q("存在しない語句")))
            .await;
        assert_contains(
            &body,
            &["「存在しない語句」を含む項目は見つかりませんでした。"],
        );
        let body = app.page("/search?q=+%E3%80%80").await;
        assert_contains(&body, &["検索する語を入力してください。"]);
        let body = app
            .page(&format!("/search?q={}", q(&"研".repeat(101))))
            .await;
        assert_contains(
            &body,
            &["検索語が長すぎます（100文字以内で入力してください）。"],
        );
        // Without a query: the form only.
        let body = app.page("/search").await;
        assert_contains(&body, &["<h1 class=\"page-title\">検索</h1>"]);
        assert!(!body.contains("search-results") && !body.contains("role=\"alert\""));

        let page = app.get("/api/v1/search?q=").await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
        let json: Value = serde_json::from_str(&page.body).expect("JSON");
        assert_eq!(json["error"], "検索する語を入力してください。");
    }

    #[tokio::test]
    async fn drafts_are_found_by_logged_in_users_only() {
        let app = app().await;
        let anonymous = app.page(&format!("/search?q={}", q("ゼロカーボン"))).await;
        assert_contains(&anonymous, &["見つかりませんでした"]);
        let json: Value = serde_json::from_str(
            &app.page(&format!("/api/v1/search?q={}", q("ぜろかーぼん")))
                .await,
        )
        .expect("JSON");
        assert_eq!(json["hits"], Value::Array(Vec::new()));
        assert_eq!(json["with_drafts"], false);

        let login = app.login_as(Who::Reviewer).await.expect("a reviewer");
        let page = app
            .call(
                Method::GET,
                &format!("/search?q={}", q("ゼロカーボン")),
                Some(&login),
                None,
            )
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert_contains(
            &page.body,
            &[
                "<mark>ゼロカーボン</mark>シティの推進",
                "受付中（未公開）",
                "令和4年度（2022年度）",
                "/sheets/11\">No.11 ゼロカーボンシティの推進</a>",
            ],
        );
        let page = app
            .call(
                Method::GET,
                &format!("/api/v1/search?q={}", q("ぜろかーぼん 推進")),
                Some(&login),
                None,
            )
            .await;
        let json: Value = serde_json::from_str(&page.body).expect("JSON");
        assert_eq!(json["with_drafts"], true);
        assert_eq!(json["words"], serde_json::json!(["ぜろかーぼん", "推進"]));
        let hit = &json["hits"][0];
        assert_eq!(hit["status"], "open");
        assert_eq!(hit["fiscal_year"], 2022);
        assert_eq!(hit["no"], 11);
        assert_eq!(hit["field"], "title");
        assert_eq!(hit["field_label"], "項目名");
        assert_eq!(hit["snippet"]["text"], "ゼロカーボンシティの推進");
        // Characters, not bytes: ゼロカーボン is 0..6, 推進 10..12.
        assert_eq!(
            hit["snippet"]["marks"],
            serde_json::json!([[0, 6], [10, 12]])
        );
        assert_eq!(json["hits"].as_array().map(Vec::len), Some(1));
    }
}

// Several municipalities on one site (municipalities.rs): the directory on the top page, a
// municipality's page and its open data, and plans of the same name kept apart.
mod municipalities {
    use super::*;

    /// The real sample filed under 千代田区 (a real code of 東京都) and again under 桜川市
    /// (same plan name, same year), and 楓町's report with no municipality.
    async fn app() -> TestApp {
        let mut chiyoda = osaki();
        chiyoda.municipality = town("131016", "千代田区");
        let mut sakura = osaki();
        sakura.municipality = town("999989", "桜川市");
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
                "（計画1・報告1件、最新 令和3年度（2021年度））",
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
        let edition = format!("/plans/{sakura_plan}/2021");
        assert_contains(
            &page.body,
            &[
                "<title>桜川市の報告｜",
                "地方公共団体コード 999989",
                &format!("<a href=\"{edition}\">第5次集中改革プラン</a>"),
                "<td class=\"number\">22</td>",
                // FY2021 実績, summed by hand in crates/analysis/tests/sample.rs.
                "<td class=\"number\">159,133,138円</td>",
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
        assert_eq!(rows.len(), 22);
        assert!(rows.iter().all(|row| row.starts_with("999989,桜川市,")));
        let etag = csv.headers["etag"].to_str().expect("ascii").to_owned();
        let again = app
            .client
            .get(format!(
                "{}/municipalities/999989/files/items.csv",
                app.base
            ))
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("sent");
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
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
}

// The figures of one report year across municipalities (across.rs): 全国の集計, a prefecture's
// page and their CSV, from two towns in two prefectures, a plan of no municipality and a town
// of an invented prefecture.
mod across {
    use super::*;

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
            .client
            .get(format!(
                "{}/prefectures/13/files/municipalities.csv?year=2021&bom=1",
                app.base
            ))
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("sent");
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
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
}

// The pages kept for anonymous visitors (page_cache.rs).
mod page_cache {
    use super::*;

    #[tokio::test]
    async fn kept_pages_follow_other_processes_and_never_reach_a_session() {
        let app = TestApp::spawn().await;
        let edition = app.edition(KAEDE_PLAN);
        let first = app.get(&edition).await;
        let again = app.get(&edition).await;
        assert_eq!(first.status, StatusCode::OK);
        assert_eq!(first.body, again.body, "the kept page is the page");
        let top = app.get("/").await;
        assert!(!top.body.contains("桜川市"));

        // Another process imports (the same database through its own handle): the next
        // anonymous request sees it.
        app.save(&sakuragawa(), "sakuragawa_h30.txt").await;
        let after = app.get("/").await;
        assert_contains(
            &after.body,
            &["<a href=\"/municipalities/999989\">桜川市</a>"],
        );

        // A logged-in visitor never gets the anonymous page, nor the reverse.
        let login = app.login("admin", "admin-password-1").await;
        let theirs = app.call(Method::GET, &edition, Some(&login), None).await;
        assert_contains(&theirs.body, &["ログアウト"]);
        assert_eq!(theirs.header("cache-control"), Some("no-store"));
        let anonymous = app.get(&edition).await;
        assert!(!anonymous.body.contains("ログアウト"));
        assert_eq!(anonymous.body, first.body);
    }
}

/// `?municipality=CODE` keeps a search to one municipality's plans, on the page and in the
/// API; the hits name their municipality; a code that is not one is refused in Japanese.
#[tokio::test]
async fn search_keeps_to_one_municipality_when_asked() {
    let mut chiyoda = osaki();
    chiyoda.municipality = town("131016", "千代田区");
    let mut sakura = osaki();
    sakura.municipality = town("999989", "桜川市");
    let app = TestApp::with_reports(&[("chiyoda.txt", chiyoda), ("sakura.txt", sakura)]).await;
    // 研修: No.1, 10 and 21 of the real sample, here under two towns with the same plan name.
    let kenshu: String = form_urlencoded::byte_serialize("研修".as_bytes()).collect();

    let everywhere = app.page(&format!("/search?q={kenshu}")).await;
    assert_contains(
        &everywhere,
        &[
            "「研修」を含む項目：6件",
            "<span class=\"search-hit-town\">千代田区</span> 第5次集中改革プラン",
            "<span class=\"search-hit-town\">桜川市</span> 第5次集中改革プラン",
            "name=\"municipality\" value=\"\"",
        ],
    );
    // The empty field of the form restricts nothing.
    let blank = app.page(&format!("/search?q={kenshu}&municipality=")).await;
    assert_contains(&blank, &["「研修」を含む項目：6件"]);

    let chiyoda_only = app
        .page(&format!("/search?q={kenshu}&municipality=131016"))
        .await;
    assert_contains(
        &chiyoda_only,
        &[
            "「研修」を含む項目（千代田区（131016））：3件",
            "<span class=\"search-hit-town\">千代田区</span> 第5次集中改革プラン",
            "<input id=\"search-municipality\" type=\"text\" name=\"municipality\" value=\"131016\"",
        ],
    );
    assert!(!chiyoda_only.contains("桜川市"), "{chiyoda_only}");
    let nowhere = app
        .page(&format!("/search?q={kenshu}&municipality=011002"))
        .await;
    assert_contains(
        &nowhere,
        &["「研修」を含む項目は団体コード 011002の計画に見つかりませんでした。"],
    );

    // A wrong check digit or not six digits: a message, no search; the value is kept.
    let wrong = app
        .page(&format!("/search?q={kenshu}&municipality=131017"))
        .await;
    assert_contains(
        &wrong,
        &[
            "地方公共団体コード「131017」の検査数字が合いません（正しくは末尾が 6）。",
            "name=\"municipality\" value=\"131017\"",
        ],
    );
    assert!(!wrong.contains("search-results"), "{wrong}");

    let json: serde_json::Value = serde_json::from_str(
        &app.page(&format!("/api/v1/search?q={kenshu}&municipality=999989"))
            .await,
    )
    .expect("JSON");
    assert_eq!(json["municipality"], "999989");
    let hits = json["hits"].as_array().expect("hits");
    assert_eq!(hits.len(), 3);
    for hit in hits {
        assert_eq!(
            (&hit["municipality_code"], &hit["municipality_name"]),
            (
                &serde_json::Value::from("999989"),
                &serde_json::Value::from("桜川市")
            )
        );
    }
    let all: serde_json::Value =
        serde_json::from_str(&app.page(&format!("/api/v1/search?q={kenshu}")).await).expect("JSON");
    assert_eq!(all["municipality"], serde_json::Value::Null);
    assert_eq!(all["hits"].as_array().map(Vec::len), Some(6));

    let refused = app
        .get(&format!("/api/v1/search?q={kenshu}&municipality=12345"))
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let json: serde_json::Value = serde_json::from_str(&refused.body).expect("JSON");
    assert_eq!(
        json["error"],
        "地方公共団体コード「12345」は6桁の数字ではありません。団体コードは6桁で入力してください（例: 131016）。"
    );
}
