//! The pages kept for anonymous visitors: they follow imports by other processes and never
//! reach a logged-in session.

use reqwest::{Method, StatusCode};

use crate::support::*;

#[tokio::test]
async fn kept_pages_follow_other_processes_and_never_reach_a_session() {
    let app = TestApp::with_reports(&[("kaedemachi_r6.txt", kaedemachi())]).await;
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
