//! Logging in and out: the form, the session cookie, throttling, `next`, cross-site log-ins
//! and the header bar that says who is logged in.

use reqwest::{Method, StatusCode};

use crate::support::*;

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
async fn logins_slow_down_per_name_and_address() {
    let app = TestApp::spawn().await;
    for attempt in 1..=3 {
        let page = app.post_login("editor", "wrong-password", None).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "attempt {attempt}");
    }
    // From this address, even the right password waits now: 5 seconds after the third.
    let page = app.post_login("editor", "editor-password-1", None).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS, "{}", page.body);
    let retry: u64 = page
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!((1..=5).contains(&retry), "{retry}");
    assert_contains(
        &page.body,
        &[
            "<html lang=\"ja\">",
            "ログインの試行回数が上限を超えました",
            &format!("約{retry}秒後にもう一度お試しください。"),
        ],
    );
    assert!(page.header("set-cookie").is_none());
    // Another name from the same address still may.
    app.login("reviewer", "reviewer-password-1").await;
}

#[tokio::test]
async fn the_owner_of_an_attacked_name_still_logs_in_from_elsewhere() {
    let app = TestApp::behind_proxy().await;
    let from = |address: &'static str, password: &'static str| {
        Request::post("/login")
            .form(&[("username", "admin"), ("password", password)])
            .header("x-forwarded-for", address)
    };
    // An attacker at 203.0.113.66 guesses admin's password: three tries, then only waits.
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(
            app.send(from("203.0.113.66", "guess-password"))
                .await
                .status,
        );
    }
    assert_eq!(statuses[..3], [StatusCode::BAD_REQUEST; 3]);
    assert_eq!(statuses[3..], [StatusCode::TOO_MANY_REQUESTS; 9]);
    // The owner, at another address, is not kept out.
    let page = app.send(from("198.51.100.7", "admin-password-1")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert!(page.header("set-cookie").is_some());
    // Nor is anyone at the proxy's own address.
    app.login("admin", "admin-password-1").await;
}

#[tokio::test]
async fn a_trusted_proxy_names_the_client_that_is_throttled() {
    let app = TestApp::behind_proxy().await;
    let from = |forwarded: &'static str, password: &'static str| {
        Request::post("/login")
            .form(&[("username", "editor"), ("password", password)])
            .header("x-forwarded-for", forwarded)
    };
    for _ in 0..3 {
        let page = app.send(from("192.0.2.10", "wrong-password")).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
    }
    let page = app.send(from("192.0.2.10", "editor-password-1")).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    // The client's own claim on the left is not believed: the proxy appended 192.0.2.10.
    let page = app
        .send(from("192.0.2.99, 192.0.2.10", "editor-password-1"))
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    // Another client behind the same proxy logs in.
    let page = app.send(from("192.0.2.11", "editor-password-1")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
}

#[tokio::test]
async fn an_untrusted_peer_cannot_choose_its_address() {
    // No trusted proxy: X-Forwarded-For is ignored, and every try counts for 127.0.0.1.
    let app = TestApp::spawn().await;
    for i in 0..3 {
        let page = app
            .send(
                Request::post("/login")
                    .form(&[("username", "editor"), ("password", "wrong-password")])
                    .header("x-forwarded-for", &format!("192.0.2.{i}")),
            )
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
    }
    let page = app
        .send(
            Request::post("/login")
                .form(&[("username", "editor"), ("password", "editor-password-1")])
                .header("x-forwarded-for", "198.51.100.200"),
        )
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS, "{}", page.body);
}

#[tokio::test]
async fn a_typed_name_is_normalised_like_stored_names() {
    let app = TestApp::spawn().await;
    // Full-width letters, as a Japanese input method types them.
    let page = app
        .post_login("ｅｄｉｔｏｒ", "editor-password-1", None)
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    // Only NFKC: case still matters, and an invisible character finds nobody.
    for name in ["Editor", "editor\u{200b}"] {
        let page = app.post_login(name, "editor-password-1", None).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{name:?}");
    }
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
            .send(Request::post("/login").form(&fields).header(header, value))
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{header}: {value}");
        assert!(page.header("set-cookie").is_none());
        assert_contains(&page.body, &["送信を受け付けられませんでした"]);
    }
    let own = app.base.clone();
    let page = app
        .send(Request::post("/login").form(&fields).header("origin", &own))
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
