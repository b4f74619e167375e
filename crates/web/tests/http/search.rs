//! 検索: the page and the JSON, marked snippets, escaped text, drafts that only logged-in users
//! find, and searches kept to one municipality.

use kaikaku_model::workflow::SheetState;
use kaikaku_model::{ItemNo, Report};
use kaikaku_store::Cycle;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::support::*;

/// `q` percent-encoded for a URL.
fn q(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// `reports` saved, the first with markup around `word` in No.1's goal, and then `plan`'s
/// fiscal year `year` opened with No.`no` renamed ゼロカーボンシティの推進 in the draft.
async fn app_with(
    mut reports: [(&str, Report); 2],
    word: &str,
    (plan, year, no): (&str, i32, u32),
) -> TestApp {
    reports[0].1.items[0].goal = Some(format!("<script>alert('{word}')</script>の目標"));
    let app = TestApp::with_reports(&reports).await;
    let draft = app.open_cycle(plan, year).await;
    let store = app.store().await;
    let sheet = store.sheet(draft, ItemNo(no)).await.expect("the sheet");
    let mut item = sheet.item.clone();
    item.title = "ゼロカーボンシティの推進".to_owned();
    store
        .save_sheet(
            draft,
            ItemNo(no),
            sheet.version,
            &item,
            SheetState::InProgress,
            app.admin_id().await,
        )
        .await
        .expect("saves the draft");
    app
}

/// The real sample with markup in No.1's goal, and its FY2022 opened with No.11 renamed
/// in the draft.
async fn app() -> TestApp {
    app_with(
        [
            ("000_6a7f54c584e0f9d2.txt", osaki()),
            ("kaedemachi_r6.txt", kaedemachi()),
        ],
        "研修",
        (OSAKI_PLAN, 2022, 11),
    )
    .await
}

/// The bundled samples, 楓町 with markup in No.1's goal, and 楓町's FY2025 opened with No.9
/// renamed in the draft.
async fn bundled_app() -> TestApp {
    app_with(
        [
            ("kaedemachi_r6.txt", kaedemachi()),
            ("sakuragawa_h30.txt", sakuragawa_unfiled()),
        ],
        "施設",
        (KAEDE_PLAN, 2025, 9),
    )
    .await
}

/// What a search for the word in the markup of No.1's goal ([`app_with`]) finds.
struct Snippets {
    word: &'static str,
    /// How many items hold it.
    count: u32,
    /// Items among them: plan, number and title.
    items: &'static [(&'static str, u32, &'static str)],
    /// The fiscal years of the hits, newest first, as headed on the page.
    years: [&'static str; 2],
}

/// The search page lists the items with marked snippets, No.1 by its goal with the markup
/// escaped, newest fiscal year first; the header of every page has the search form.
async fn check_snippets(app: &TestApp, expected: &Snippets) {
    let word = expected.word;
    let body = app.page(&format!("/search?q={}", q(word))).await;
    assert_contains(
        &body,
        &[
            &format!("<title>「{word}」の検索結果｜"),
            &format!("「{word}」を含む項目：{}件", expected.count),
            // No.1 is shown by its goal, the first text that holds the word, escaped.
            "<span class=\"search-hit-field\">改善・推進目標</span>",
            &format!(
                "{}<mark>{word}</mark>{}",
                escaped("<script>alert('"),
                escaped("')</script>")
            ),
            &format!("<input id=\"search-q\" type=\"search\" name=\"q\" value=\"{word}\""),
        ],
    );
    for (plan, no, title) in expected.items {
        let edition = app.edition(plan);
        assert_contains(
            &body,
            &[&format!(
                "<a href=\"{edition}/items/{no}\">No.{no} {title}</a>"
            )],
        );
    }
    assert!(!body.contains("<script>"), "{body}");
    // Newest fiscal year first.
    let [newer, older] = expected.years;
    let newer_hits = body
        .find(newer)
        .unwrap_or_else(|| panic!("{newer}: {body}"));
    assert!(
        newer_hits
            < body
                .find(older)
                .unwrap_or_else(|| panic!("{older}: {body}"))
    );
    // The header of every page has the search form.
    assert_contains(
        &app.page("/").await,
        &["<form class=\"site-search\" method=\"get\" action=\"/search\""],
    );
}

#[tokio::test]
async fn the_page_lists_items_with_marked_snippets_and_escapes_the_text_of_the_bundled_samples() {
    let app = bundled_app().await;
    check_snippets(
        &app,
        &Snippets {
            word: "施設",
            // 楓町 No.1 (the goal above), No.7 and No.9 (grep: lines 142–164 and 190, 203);
            // 桜川市 No.4 (lines 78–93; its 担当課 line 74 is not searched).
            count: 4,
            items: &[
                (KAEDE_PLAN, 1, "町民協働によるまちづくりの推進"),
                (KAEDE_PLAN, 7, "集会施設の地域への譲与の推進"),
                (KAEDE_PLAN, 9, "水道事業の経営健全化"),
                (SAKURA_PLAN, 4, "指定管理者制度の活用"),
            ],
            // 楓町 (令和6年度) before 桜川市 (令和元年度).
            years: ["令和6年度（2024年度）", "令和元年度（2019年度）"],
        },
    )
    .await;
}

#[tokio::test]
async fn the_page_lists_items_with_marked_snippets_and_escapes_the_text() {
    kaikaku_fixtures::skip_without_real_sample!();
    let app = app().await;
    check_snippets(
        &app,
        &Snippets {
            word: "研修",
            // No.1, 10, 21 of the real sample and No.4 of 楓町 (grep: one 研修 in it).
            count: 4,
            items: &[
                (OSAKI_PLAN, 1, "多様な話し合いの場と環境づくり"),
                (OSAKI_PLAN, 10, "人財育成の推進"),
            ],
            // 楓町 (令和6年度) before 大崎市 (令和3年度).
            years: ["令和6年度（2024年度）", "令和3年度（2021年度）"],
        },
    )
    .await;
}

/// A search finds `variant` (half-width katakana) as `marked` in full width, one item; the
/// messages of a search that finds nothing, of an empty query, and of one too long (101 times
/// `long`); without a query, the form only; the API refuses an empty query.
async fn check_variants_and_bad_queries(app: &TestApp, variant: &str, marked: &str, long: char) {
    let body = app.page(&format!("/search?q={}", q(variant))).await;
    assert_contains(&body, &[marked, "項目：1件"]);
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
        .page(&format!("/search?q={}", q(&long.to_string().repeat(101))))
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
async fn width_and_kana_variants_and_bad_queries_on_the_bundled_samples() {
    let app = bundled_app().await;
    // ワンストップ: 楓町 No.4 only, first in its content row 2 (line 84).
    check_variants_and_bad_queries(&app, "ﾜﾝｽﾄｯﾌﾟ", "<mark>ワンストップ</mark>窓口の導入", '施')
        .await;
}

#[tokio::test]
async fn width_and_kana_variants_and_bad_queries() {
    kaikaku_fixtures::skip_without_real_sample!();
    let app = app().await;
    check_variants_and_bad_queries(
        &app,
        "ﾏｲﾅﾝﾊﾞｰ",
        "<mark>マイナンバー</mark>カードの利用拡大",
        '研',
    )
    .await;
}

#[tokio::test]
async fn drafts_are_found_by_logged_in_users_only() {
    let app = bundled_app().await;
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
            "令和7年度（2025年度）",
            "/sheets/9\">No.9 ゼロカーボンシティの推進</a>",
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
    assert_eq!(hit["fiscal_year"], 2025);
    assert_eq!(hit["no"], 9);
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

/// `?municipality=CODE` keeps a search to one municipality's plans, on the page and in the
/// API; the hits name their municipality; a code that is not one is refused in Japanese.
#[tokio::test]
async fn search_keeps_to_one_municipality_when_asked() {
    let chiyoda = kaede_as(town("131016", "千代田区"), KAEDE_PLAN);
    let sakura = kaede_as(town("999989", "桜川市"), KAEDE_PLAN);
    let app = TestApp::with_reports(&[("chiyoda.txt", chiyoda), ("sakura.txt", sakura)]).await;
    // 研修: No.4 of 楓町's report (its only one), here under two towns with the same plan name.
    let kenshu: String = form_urlencoded::byte_serialize("研修".as_bytes()).collect();

    let everywhere = app.page(&format!("/search?q={kenshu}")).await;
    assert_contains(
        &everywhere,
        &[
            "「研修」を含む項目：2件",
            "<span class=\"search-hit-town\">千代田区</span> 第3次楓町行政改革実施計画",
            "<span class=\"search-hit-town\">桜川市</span> 第3次楓町行政改革実施計画",
            "name=\"municipality\" value=\"\"",
        ],
    );
    // The empty field of the form restricts nothing.
    let blank = app.page(&format!("/search?q={kenshu}&municipality=")).await;
    assert_contains(&blank, &["「研修」を含む項目：2件"]);

    let chiyoda_only = app
        .page(&format!("/search?q={kenshu}&municipality=131016"))
        .await;
    assert_contains(
        &chiyoda_only,
        &[
            "「研修」を含む項目（千代田区（131016））：1件",
            "<span class=\"search-hit-town\">千代田区</span> 第3次楓町行政改革実施計画",
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
    assert_eq!(hits.len(), 1);
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
    assert_eq!(all["hits"].as_array().map(Vec::len), Some(2));

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
