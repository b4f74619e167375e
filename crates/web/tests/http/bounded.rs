//! Pages that stay bounded and users who cannot starve each other (issue 13): a sheet saved
//! 20 times with the longest goal a field may hold gives a history page of a few tens of
//! kilobytes, a page at a time, each long value shortened with a link to its whole text; and
//! one user hammering the history gets 429s beyond their share while `/healthz` and the
//! public top page still answer.

use std::sync::Arc;
use std::time::{Duration, Instant};

use kaikaku_model::ItemNo;
use kaikaku_model::workflow::SheetState;
use kaikaku_store::Cycle;
use reqwest::StatusCode;
use scraper::{Html, Selector};
use tokio::task::JoinSet;

use crate::support::*;

/// The longest text a multi-line field may hold.
const LONGEST_FIELD: usize = kaikaku_model::limits::DEFAULT_TEXT_CHARS;

/// Saves made in the tests.
const SAVES: usize = 20;

/// The largest history page allowed, in bytes (measured: about 36 KB).
const PAGE_BUDGET: usize = 64 * 1024;

/// The 楓町 FY2025 cycle with sheet No.2 (総務課's, the editor's) saved [`SAVES`] times, each
/// time with a new goal of [`LONGEST_FIELD`] characters, wholly rewritten: the app, the
/// edition and the goals in the order saved.
async fn saved_twenty_times() -> (TestApp, i64, Vec<String>) {
    let app = TestApp::spawn().await;
    let edition = app.open_cycle(KAEDE_PLAN, 2025).await;
    let store = app.store().await;
    let editor = store
        .user_by_name("editor")
        .await
        .expect("reads")
        .expect("the editor")
        .id;
    let mut goals = Vec::new();
    for n in 0..SAVES {
        let sheet = store.sheet(edition, ItemNo(2)).await.expect("No.2");
        let mut item = sheet.item.clone();
        // A different character each time, ending with the save's number: every save
        // rewrites the whole text, the largest change a history row can show.
        let letter = char::from_u32(0x3042 + n as u32 * 2).expect("a kana");
        let tail = format!("（{n:02}）");
        let goal = format!(
            "{}{tail}",
            letter
                .to_string()
                .repeat(LONGEST_FIELD - tail.chars().count())
        );
        assert_eq!(goal.chars().count(), LONGEST_FIELD);
        item.goal = Some(goal.clone());
        store
            .save_sheet(
                edition,
                ItemNo(2),
                sheet.version,
                &item,
                SheetState::InProgress,
                editor,
            )
            .await
            .expect("saves");
        goals.push(goal);
    }
    (app, edition, goals)
}

fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    html.select(&Selector::parse(css).expect("a selector"))
        .collect()
}

#[tokio::test]
async fn twenty_saves_of_the_longest_goal_leave_a_small_history_page() {
    let (app, edition, goals) = saved_twenty_times().await;
    let editor = app.login("editor", "editor-password-1").await;
    let history = format!("/editions/{edition}/sheets/2/history");

    let started = Instant::now();
    let first = app
        .send(Request::get(&history).session(Some(&editor)))
        .await;
    let elapsed = started.elapsed();
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    eprintln!(
        "history page 1: {} bytes in {elapsed:?} ({SAVES} saves of {LONGEST_FIELD} characters)",
        first.bytes.len()
    );
    // 20 rows of two 10,000-character texts would be 1.2 MB whole; the page is bounded.
    assert!(
        first.bytes.len() < PAGE_BUDGET,
        "{} bytes",
        first.bytes.len()
    );
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");

    let page = Html::parse_document(&first.body);
    // 21 entries (the first save journals its goal, then the state 未着手 → 入力中): 20 on
    // page 1, newest first: the last 19 goals and the state.
    let rows = select(&page, "tr.history-row");
    assert_eq!(rows.len(), 20);
    assert_contains(&first.body, &["全21件中 1～20件目"]);
    let goal_rows = select(&page, "tr.history-row[data-field=\"goal\"]");
    assert_eq!(goal_rows.len(), 19);
    assert_eq!(select(&page, "tr.state-change").len(), 1);
    // Each long value is shortened: 200 characters each side and the whole lengths.
    let newest = goal_rows[0].html();
    let shown_after: String = goals[19].chars().take(200).collect();
    let shown_before: String = goals[18].chars().take(200).collect();
    assert!(
        newest.contains(&format!("<ins>{shown_after}…</ins>")),
        "{newest}"
    );
    assert!(
        newest.contains(&format!("<del>{shown_before}…</del>")),
        "{newest}"
    );
    assert!(
        newest.contains("変更前 全10,000文字・変更後 全10,000文字"),
        "{newest}"
    );
    assert!(
        !newest.contains(&goals[19]),
        "the whole text is not on the page"
    );

    // Page links: a nav with its label, page 1 marked current, page 2 linked.
    let navs = select(&page, "nav.pager[aria-label]");
    assert_eq!(navs.len(), 2, "above and below the table");
    let current = select(&page, "nav.pager a[aria-current=\"page\"]");
    assert_eq!(current[0].text().collect::<String>(), "1");
    assert_eq!(current[0].value().attr("href"), Some(history.as_str()));
    let next = select(&page, "nav.pager a[rel=\"next\"]");
    let next_href = format!("{history}?page=2");
    assert_eq!(next[0].value().attr("href"), Some(next_href.as_str()));

    // Page 2: the oldest entry, the first goal written over the one carried over.
    let second = app
        .send(Request::get(&next_href).session(Some(&editor)))
        .await;
    assert_eq!(second.status, StatusCode::OK);
    let second_page = Html::parse_document(&second.body);
    assert_eq!(select(&second_page, "tr.history-row").len(), 1);
    let oldest = select(&second_page, "tr.history-row[data-field=\"goal\"]");
    let shown_first: String = goals[0].chars().take(200).collect();
    assert!(oldest[0].html().contains(&shown_first));
    assert_contains(&second.body, &["全21件中 21～21件目"]);
    let current = select(&second_page, "nav.pager a[aria-current=\"page\"]");
    assert_eq!(current[0].text().collect::<String>(), "2");

    // No page past the last, before the first, or that is not a number: 404 pages.
    for query in [
        "?page=3",
        "?page=0",
        "?page=abc",
        "?page=-1",
        "?page=99999999999999999999",
        "?page=1&page=2",
    ] {
        let page = app
            .send(Request::get(format!("{history}{query}")).session(Some(&editor)))
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{query}");
        assert_contains(&page.body, &["ページが見つかりません"]);
    }
}

#[tokio::test]
async fn a_shortened_value_is_shown_whole_on_its_own_page() {
    let (app, edition, goals) = saved_twenty_times().await;
    let reviewer = app.login("reviewer", "reviewer-password-1").await;
    let history = format!("/editions/{edition}/sheets/2/history");
    let first = app
        .send(Request::get(&history).session(Some(&reviewer)))
        .await;
    let page = Html::parse_document(&first.body);
    let links = select(&page, "a.whole-link");
    assert_eq!(
        links.len(),
        19,
        "a link beside every shortened row (not the state's)"
    );
    let href = links[0]
        .value()
        .attr("href")
        .expect("an address")
        .to_owned();
    assert!(href.starts_with(&format!("{history}/")), "{href}");

    let whole = app.send(Request::get(&href).session(Some(&reviewer))).await;
    assert_eq!(whole.status, StatusCode::OK, "{}", whole.body);
    let doc = Html::parse_document(&whole.body);
    let before = select(&doc, "[data-side=\"before\"]");
    let after = select(&doc, "[data-side=\"after\"]");
    assert_eq!(before[0].text().collect::<String>(), goals[18]);
    assert_eq!(after[0].text().collect::<String>(), goals[19]);
    assert_contains(
        &whole.body,
        &[
            "変更前（全10,000文字）",
            "変更後（全10,000文字）",
            "改善・推進目標",
        ],
    );

    // An entry of another sheet, or none, is a 404; anonymous visitors log in first.
    let entry = href.rsplit('/').next().expect("the entry id");
    let other = format!("/editions/{edition}/sheets/3/history/{entry}");
    let page = app
        .send(Request::get(&other).session(Some(&reviewer)))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let page = app
        .send(Request::get(format!("{history}/999999")).session(Some(&reviewer)))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let page = app.send(Request::get(&href)).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_user_hammering_the_history_gets_429s_and_others_are_served() {
    let (app, edition, _) = saved_twenty_times().await;
    let app = Arc::new(app);
    let editor = app.login("editor", "editor-password-1").await;
    let history = format!("/editions/{edition}/sheets/2/history");
    let api_history = format!("/api/v1/editions/{edition}/sheets/2/history");

    let mut statuses = Vec::new();
    let mut busy_pages = Vec::new();
    for round in 0..3 {
        let mut hammer = JoinSet::new();
        for n in 0..16 {
            let app = Arc::clone(&app);
            let editor = editor.clone();
            // Half the pages, half the API.
            let path = if n % 2 == 0 {
                history.clone()
            } else {
                api_history.clone()
            };
            hammer.spawn(async move {
                let page = app.send(Request::get(&path).session(Some(&editor))).await;
                (path, page)
            });
        }
        // Meanwhile the health check and an anonymous visitor.
        let started = Instant::now();
        let health = app.get("/healthz").await;
        let top = app.get("/").await;
        let others = started.elapsed();
        assert_eq!(health.status, StatusCode::OK, "round {round}");
        assert_eq!(top.status, StatusCode::OK, "round {round}");
        // Promptly: not behind the hammering user's requests (generous for a debug build).
        assert!(others < Duration::from_secs(5), "round {round}: {others:?}");
        eprintln!("round {round}: /healthz and / answered in {others:?} while hammered");
        while let Some(answer) = hammer.join_next().await {
            let (path, page) = answer.expect("a request does not panic");
            statuses.push(page.status);
            if page.status == StatusCode::TOO_MANY_REQUESTS {
                busy_pages.push((path, page));
            }
        }
    }
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    eprintln!(
        "hammering: {ok} answered, {} refused with 429",
        busy_pages.len()
    );
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    assert!(ok >= 3, "at least one answer a round: {statuses:?}");
    assert!(!busy_pages.is_empty(), "no 429 among {statuses:?}");
    for (path, page) in &busy_pages {
        assert_eq!(page.header("retry-after"), Some("2"), "{path}");
        let message = "同時に開けるページの数を超えました。少し待ってから開き直してください。";
        if path.starts_with("/api/") {
            assert_eq!(page.json()["error"], message);
        } else {
            assert_contains(&page.body, &[message]);
        }
    }
    // Every place was given back: the user is served again.
    let again = app
        .send(Request::get(&history).session(Some(&editor)))
        .await;
    assert_eq!(again.status, StatusCode::OK);
}

#[tokio::test]
async fn a_sheet_takes_at_most_fifty_open_comments_and_shows_the_newest_resolved_ones() {
    let app = TestApp::spawn().await;
    let edition = app.open_cycle(KAEDE_PLAN, 2025).await;
    let store = app.store().await;
    let reviewer_id = store
        .user_by_name("reviewer")
        .await
        .expect("reads")
        .expect("the reviewer")
        .id;
    // 75 comments, the first 26 resolved: 49 open.
    for n in 0..75 {
        let id = store
            .add_comment(
                edition,
                ItemNo(2),
                kaikaku_model::workflow::Field::Goal,
                reviewer_id,
                &format!("コメント{n:02}"),
            )
            .await
            .expect("comments");
        if n < 26 {
            store
                .resolve_comment(id, reviewer_id)
                .await
                .expect("resolves");
        }
    }
    let reviewer = app.login("reviewer", "reviewer-password-1").await;
    let sheet = format!("/editions/{edition}/sheets/2");
    let comment = |body: &'static str| {
        Request::post(format!("{sheet}/comments"))
            .session(Some(&reviewer))
            .form(&[("field", "goal"), ("body", body)])
            .csrf_field()
    };
    // The 50th open comment is taken, the 51st refused with the reason.
    let page = app.send(comment("50件目")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = app.send(comment("51件目")).await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert_contains(
        &page.body,
        &[
            "このシートには未解決のコメントが50件あります（50件まで）。解決済みにしてから追加してください。",
        ],
    );

    // The page lists the 50 open comments and the newest 20 of the 26 resolved ones.
    let page = app
        .send(Request::get(&sheet).session(Some(&reviewer)))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let doc = Html::parse_document(&page.body);
    assert_eq!(select(&doc, "ul.comment-list > li").len(), 70);
    assert_eq!(select(&doc, "ul.comment-list > li.resolved").len(), 20);
    assert_contains(
        &page.body,
        &[
            "ほかに古い解決済みのコメントが6件あります",
            "コメント25",
            "コメント74",
        ],
    );
    assert!(
        !page.body.contains("コメント05"),
        "the oldest resolved are left out"
    );
}

#[tokio::test]
async fn the_api_history_comes_a_page_at_a_time_oldest_first() {
    let (app, edition, goals) = saved_twenty_times().await;
    let editor = app.login("editor", "editor-password-1").await;
    let path = format!("/api/v1/editions/{edition}/sheets/2/history");
    let first = app.send(Request::get(&path).session(Some(&editor))).await;
    assert_eq!(first.status, StatusCode::OK);
    let body = first.json();
    assert_eq!(
        (&body["page"], &body["pages"], &body["total"]),
        (&1.into(), &2.into(), &21.into())
    );
    let entries = body["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 20);
    // The first save: its goal, then its state; texts within the limits come whole.
    assert_eq!(entries[0]["field"], "goal");
    assert_eq!(entries[0]["after"], goals[0].as_str());
    assert_eq!(entries[0]["after_chars"], 10_000);
    assert_eq!(entries[1]["field"], "state");
    assert_eq!(entries[19]["after"], goals[18].as_str());
    assert!(entries[0]["id"].as_i64() < entries[1]["id"].as_i64());

    let second = app
        .send(Request::get(format!("{path}?page=2")).session(Some(&editor)))
        .await;
    let body = second.json();
    let entries = body["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["after"], goals[19].as_str());

    let past = app
        .send(Request::get(format!("{path}?page=3")).session(Some(&editor)))
        .await;
    assert_eq!(past.status, StatusCode::NOT_FOUND);
    assert!(past.json()["error"].is_string());
}
