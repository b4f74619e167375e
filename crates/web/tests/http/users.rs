//! The policy division's user management (ユーザー管理): creating users who can log in, and
//! the refusals that keep the form.

use reqwest::{Method, StatusCode};

use crate::support::*;

/// `fields` and the `_csrf` field.
fn with_csrf<'a>(mut fields: Vec<(&'a str, &'a str)>, csrf: &'a str) -> Vec<(&'a str, &'a str)> {
    fields.push(("_csrf", csrf));
    fields
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
