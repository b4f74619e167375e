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

/// `POST /admin/users` as `admin` for a reviewer named `name` with `password`.
async fn create_reviewer(app: &TestApp, admin: &Login, name: &str, password: &str) -> Page {
    app.send(
        Request::post("/admin/users")
            .session(Some(admin))
            .form(&[
                ("name", name),
                ("role", "reviewer"),
                ("department", ""),
                ("password", password),
            ])
            .csrf_field(),
    )
    .await
}

#[tokio::test]
async fn names_are_normalised_and_look_alikes_refused() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin", "admin-password-1").await;
    // Full-width letters are stored as they normalise (NFKC), and log in either way.
    let page = create_reviewer(&app, &admin, "ｓａｔｏ", "sato-password-1").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let stored = app.store().await;
    use kaikaku_store::Cycle;
    assert!(stored.user_by_name("sato").await.expect("reads").is_some());
    app.login("sato", "sato-password-1").await;
    app.login("ｓａｔｏ", "sato-password-1").await;

    for (name, message) in [
        ("sato", "ユーザー名「sato」はすでに使われています"),
        (
            "SATO",
            "ユーザー名「SATO」は登録済みの「sato」と見分けにくいため使えません",
        ),
        (
            "Admin",
            "ユーザー名「Admin」は登録済みの「admin」と見分けにくいため使えません",
        ),
        (
            "admin\u{200b}",
            "ユーザー名に空白、制御文字や見えない文字（ゼロ幅スペースなど）は使えません",
        ),
        (
            "\u{202e}nimda",
            "ユーザー名に空白、制御文字や見えない文字（ゼロ幅スペースなど）は使えません",
        ),
        (
            "\u{0430}dmin",
            "ユーザー名にラテン文字（英字）とギリシャ文字・キリル文字を混ぜることはできません（見分けにくい名前になるため）",
        ),
    ] {
        let page = create_reviewer(&app, &admin, name, "another-password").await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{name:?}");
        assert_contains(&page.body, &[message, "<form class=\"stacked-form\""]);
    }
    let names: Vec<String> = stored
        .list_users()
        .await
        .expect("lists")
        .into_iter()
        .map(|user| user.name)
        .collect();
    assert_eq!(names, vec!["admin", "editor", "reviewer", "sato"]);
}

#[tokio::test]
async fn blank_passwords_are_refused_on_the_admin_and_account_pages() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin", "admin-password-1").await;
    let page = create_reviewer(&app, &admin, "suzuki", &" ".repeat(12)).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert_contains(&page.body, &["空白だけのパスワードは使えません"]);

    let editor = app.login("editor", "editor-password-1").await;
    let blank = "\u{3000}".repeat(10);
    let page = app
        .send(
            Request::post("/account/password")
                .session(Some(&editor))
                .form(&[
                    ("current_password", "editor-password-1"),
                    ("new_password", blank.as_str()),
                    ("new_password_confirm", blank.as_str()),
                ])
                .csrf_field(),
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert_contains(&page.body, &["空白だけのパスワードは使えません"]);
    // The old password still works.
    app.login("editor", "editor-password-1").await;
}
