//! What protects visitors and sessions: the security headers of every response, document text
//! never rendered as markup, and the CSRF check of every state-changing request.

use kaikaku_model::Report;
use reqwest::{Method, StatusCode};

use crate::support::*;

#[tokio::test]
async fn every_response_has_the_security_headers() {
    let app = TestApp::spawn().await;
    let edition = app.edition(KAEDE_PLAN);
    for path in [
        "/".to_owned(),
        edition.clone(),
        format!("{edition}/items/8"),
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
    kaikaku_fixtures::skip_without_real_sample!();
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

/// Form fields, or headers, as name and value.
type Fields<'a> = Vec<(&'a str, &'a str)>;

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
        let mut request = Request::post("/admin/users")
            .session(Some(&admin))
            .form(&form);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let page = app.send(request).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{what}: {}", page.body);
        assert_contains(
            &page.body,
            &["送信を受け付けられませんでした", "ログアウト"],
        );
    }
    // A JSON body cannot carry the form field.
    let page = app
        .send(
            Request::post("/admin/users")
                .session(Some(&admin))
                .header("content-type", "application/json"),
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
        .send(
            Request::post("/admin/users")
                .session(Some(&admin))
                .form(&fields(None))
                .csrf_header(),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert!(user_names(&app, &admin).await.contains("csrf-victim"));
}
