//! The user's own account: the account page and the password change, which keeps this session
//! and ends the others.

use reqwest::{Method, StatusCode};

use crate::support::*;

#[tokio::test]
async fn a_password_change_keeps_this_session_and_ends_the_others() {
    let app = TestApp::spawn().await;
    let here = app.login("editor", "editor-password-1").await;
    let elsewhere = app.login("editor", "editor-password-1").await;
    let change = |current: &str, new: &str, confirm: &str| {
        app.send(
            Request::post("/account/password")
                .session(Some(&here))
                .form(&[
                    ("current_password", current),
                    ("new_password", new),
                    ("new_password_confirm", confirm),
                ])
                .csrf_field(),
        )
    };
    for (current, new, confirm, message) in [
        (
            "wrong-password",
            "brand-new-password",
            "brand-new-password",
            "現在のパスワードが正しくありません。",
        ),
        (
            "editor-password-1",
            "brand-new-password",
            "brand-new-passw0rd",
            "新しいパスワードと確認用のパスワードが一致しません。",
        ),
        (
            "editor-password-1",
            "short",
            "short",
            "パスワードは10文字以上にしてください",
        ),
    ] {
        let page = change(current, new, confirm).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{message}");
        assert_contains(&page.body, &[message]);
    }
    let page = change(
        "editor-password-1",
        "brand-new-password",
        "brand-new-password",
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
