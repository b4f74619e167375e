//! Full-text search: width, kana and case variants, two-character and one-character words,
//! AND, no match across two texts, the scope of published editions and drafts, a search
//! restricted to one municipality, and an index that follows every write (sheet saves,
//! re-imports, corrections) and no failed one. Every test runs on the bundled samples
//! (`samples/README.md`), so none needs the real one.
//!
//! Expected items were counted independently of the reader, with awk over the sample text: the
//! item number of the last `No.N` heading line for every line from the first sheet on (楓町
//! line 16, 桜川市 line 9; the summary table above it is not searched) that holds the word,
//! skipping `【担当課：…】` lines (departments are not searched), e.g.
//! `awk '/^No\.[0-9]+ /{split($1,a,".");no=a[2]} NR>=16 && /研修/ && !/担当課：/{print no}'
//! samples/kaedemachi_r6.txt | sort -nu`. The words counted so are none of the labels of a
//! sheet (改善・推進の内容, 主な取組内容, 取組による効果, year headings), which are not searched.

use kaikaku_model::workflow::{EditionState, Field, Role, SheetState};
use kaikaku_model::{ItemNo, LocalGovernmentCode, Municipality, Report};
use kaikaku_store::{
    Cycle, Database, Search, SearchFilter, SearchHit, SearchQuery, SearchResults, SearchScope,
    Store, StoreError,
};

use super::cycle::{new_user, publish};
use super::{assert_refused, fy, row_counts, source, temp_store};

// ---------------------------------------------------------------------------------------------
// Helpers

async fn search(store: &Database, query: &str, scope: SearchScope) -> SearchResults {
    let query = SearchQuery::parse(query).expect("a valid query");
    store
        .search(&query, scope, &SearchFilter::default(), 100)
        .await
        .expect("search")
}

/// The item numbers found in published editions.
async fn published_nos(store: &Database, query: &str) -> Vec<u32> {
    nos(&search(store, query, SearchScope::Published).await.hits)
}

/// `(fiscal year, item number)` of every hit in published editions.
async fn published_years_and_nos(store: &Database, query: &str) -> Vec<(i32, u32)> {
    search(store, query, SearchScope::Published)
        .await
        .hits
        .iter()
        .map(|hit| (hit.fiscal_year.gregorian(), hit.no.0))
        .collect()
}

fn nos(hits: &[SearchHit]) -> Vec<u32> {
    hits.iter().map(|hit| hit.no.0).collect()
}

/// `(fiscal year, revision, item number)` of every hit, drafts included.
async fn everywhere(store: &Database, query: &str) -> Vec<(i32, i32, u32)> {
    search(store, query, SearchScope::WithDrafts)
        .await
        .hits
        .iter()
        .map(|hit| (hit.fiscal_year.gregorian(), hit.revision, hit.no.0))
        .collect()
}

/// The highlighted pieces of a hit's snippet.
fn marked(hit: &SearchHit) -> Vec<&str> {
    hit.snippet
        .segments()
        .into_iter()
        .filter(|(_, marked)| *marked)
        .map(|(text, _)| text)
        .collect()
}

/// The bundled 楓町 report (FY2024, 9 sheets).
fn kaedemachi() -> Report {
    kaikaku_reader::read(
        &kaikaku_fixtures::bundled("kaedemachi_r6.txt"),
        &Default::default(),
    )
    .expect("the reader reads the 楓町 sample")
}

/// The bundled 桜川市 report (FY2019, 4 sheets).
fn sakuragawa() -> Report {
    kaikaku_reader::read(
        &kaikaku_fixtures::bundled("sakuragawa_h30.txt"),
        &Default::default(),
    )
    .expect("the reader reads the 桜川市 sample")
}

async fn imported_kaedemachi() -> super::TempStore {
    let db = temp_store().await;
    db.store
        .save_report(&kaedemachi(), &source("kaedemachi_r6.txt"))
        .await
        .expect("import the 楓町 sample");
    db
}

/// Both bundled towns, each its own plan.
async fn imported_towns() -> super::TempStore {
    let db = imported_kaedemachi().await;
    db.store
        .save_report(&sakuragawa(), &source("sakuragawa_h30.txt"))
        .await
        .expect("import the 桜川市 sample");
    db
}

// ---------------------------------------------------------------------------------------------
// Matching

#[tokio::test]
async fn two_character_words_find_exactly_the_items_that_hold_them() {
    let db = imported_towns().await;
    // awk: 研修 on a line of 楓町's No.4 only (line 89); not in 桜川市.
    assert_eq!(published_nos(&db.store, "研修").await, [4]);
    // awk: 職員 on lines of 楓町's No.3, 4, 6; not in 桜川市.
    assert_eq!(published_nos(&db.store, "職員").await, [3, 4, 6]);
    // awk: 導入 on lines of 楓町's No.3, 4 (FY2024) and 桜川市's No.1, 2, 4 (FY2019): the
    // newer year first.
    assert_eq!(
        published_years_and_nos(&db.store, "導入").await,
        [(2024, 3), (2024, 4), (2019, 1), (2019, 2), (2019, 4)]
    );
    // Every hit shows the year, the field and a snippet with the word marked.
    let hits = search(&db.store, "研修", SearchScope::Published).await.hits;
    let first = &hits[0];
    assert_eq!(first.fiscal_year, fy(2024));
    assert_eq!(first.plan_name, "第3次楓町行政改革実施計画");
    assert_eq!(first.title, "窓口サービスの向上");
    // Line 89: 【令和6年度（実績）】 … ・窓口業務マニュアルを改訂し、窓口担当職員を対象とした
    // 研修を実施した。 …
    assert_eq!(first.field, Field::Narrative(0));
    assert_eq!(first.field_label, "取組内容【令和6年度（実績）】");
    assert_eq!(marked(first), ["研修"]);
    assert!(
        first
            .snippet
            .text
            .contains("窓口担当職員を対象とした研修を実施した"),
        "{first:?}"
    );
    assert!(first.snippet.text.chars().count() <= 42, "{first:?}");
}

#[tokio::test]
async fn width_kana_and_case_variants_find_each_other() {
    let db = imported_kaedemachi().await;
    // awk: DX (half-width, as written) only in No.3 (its title, line 58).
    assert_eq!(published_nos(&db.store, "ＤＸ").await, [3]);
    assert_eq!(published_nos(&db.store, "dx").await, [3]);
    // awk: サービス (katakana) on lines of No.2 (its goal, line 41) and No.4.
    assert_eq!(published_nos(&db.store, "ｻｰﾋﾞｽ").await, [2, 4]);
    assert_eq!(published_nos(&db.store, "さーびす").await, [2, 4]);
    // awk: ふるさと (hiragana) only in No.8 (ふるさと納税制度の活用, line 166).
    assert_eq!(published_nos(&db.store, "ﾌﾙｻﾄ").await, [8]);
    let hits = search(&db.store, "フルサト", SearchScope::Published)
        .await
        .hits;
    assert_eq!(nos(&hits), [8]);
    assert_eq!(hits[0].field, Field::Title);
    assert_eq!(marked(&hits[0]), ["ふるさと"]);
    assert_eq!(hits[0].snippet.text, "ふるさと納税制度の活用");
}

#[tokio::test]
async fn one_character_words_and_and_of_words() {
    let db = imported_kaedemachi().await;
    // awk: 譲 on lines of No.7 (集会施設の地域への譲与の推進) only.
    assert_eq!(published_nos(&db.store, "譲").await, [7]);
    // awk: 営 on lines of No.2, 5, 7, 9.
    assert_eq!(published_nos(&db.store, "営").await, [2, 5, 7, 9]);
    // awk: 導入 on lines of No.3, 4; with 職員 (No.3, 4, 6): No.3 and No.4.
    assert_eq!(published_nos(&db.store, "職員 導入").await, [3, 4]);
    assert_eq!(published_nos(&db.store, "導入　職員").await, [3, 4]);
    let hits = search(&db.store, "職員 導入", SearchScope::Published)
        .await
        .hits;
    for hit in &hits {
        assert!(!marked(hit).is_empty(), "{hit:?}");
    }
    assert!(
        published_nos(&db.store, "研修 デジタル").await.is_empty(),
        "研修 (No.4) and デジタル (No.3) share no item"
    );
    assert!(published_nos(&db.store, "存在しない語句").await.is_empty());
}

#[tokio::test]
async fn no_match_runs_from_one_text_into_the_next() {
    let db = temp_store().await;
    let mut report = kaedemachi();
    let item = &mut report.items[0];
    item.title = "境界テスト左".to_owned();
    item.goal = Some("右側の目標".to_owned());
    db.store
        .save_report(&report, &source("edited.txt"))
        .await
        .expect("import");
    // The title is followed by the goal in the index, but 左右 is in neither.
    assert!(published_nos(&db.store, "左右").await.is_empty());
    assert!(published_nos(&db.store, "ト左右側").await.is_empty());
    assert_eq!(published_nos(&db.store, "ト左").await, [1]);
    // 左 (in no other text of the 楓町 sample) is only the last character of the title.
    assert_eq!(published_nos(&db.store, "左").await, [1]);
    assert_eq!(published_nos(&db.store, "右側").await, [1]);
    // Two words may sit in two texts of the same item.
    assert_eq!(published_nos(&db.store, "左 右").await, [1]);
}

#[tokio::test]
async fn queries_are_checked() {
    assert!(matches!(
        SearchQuery::parse("　"),
        Err(kaikaku_store::QueryError::Empty)
    ));
    let long = "研".repeat(SearchQuery::MAX_CHARS + 1);
    assert_eq!(
        SearchQuery::parse(&long).expect_err("too long").to_string(),
        "検索語が長すぎます（100文字以内で入力してください）。"
    );
}

// ---------------------------------------------------------------------------------------------
// The index follows every write

#[tokio::test]
async fn a_saved_sheet_is_searched_as_saved_and_drafts_stay_private() {
    let db = imported_kaedemachi().await;
    let store = &db.store;
    let admin = store
        .create_user(&new_user("seisaku", Role::Admin, None))
        .await
        .expect("admin");
    let plan_id = store.list_reports().await.expect("list")[0].plan_id;
    let draft = store
        .open_cycle(plan_id, fy(2025), None, admin)
        .await
        .expect("open FY2025");
    // The carried-over sheets are indexed with the draft. awk: 健全化 is only in the title
    // of No.9 (line 184).
    assert_eq!(
        everywhere(store, "健全化").await,
        [(2025, 1, 9), (2024, 1, 9)]
    );
    assert_eq!(published_nos(store, "健全化").await, [9]);

    let sheet = store.sheet(draft, ItemNo(9)).await.expect("sheet");
    let mut item = sheet.item.clone();
    item.title = "ゼロカーボンシティの推進".to_owned();
    store
        .save_sheet(
            draft,
            ItemNo(9),
            sheet.version,
            &item,
            SheetState::InProgress,
            admin,
        )
        .await
        .expect("save");
    assert_eq!(everywhere(store, "健全化").await, [(2024, 1, 9)]);
    assert_eq!(everywhere(store, "ぜろかーぼん").await, [(2025, 1, 9)]);
    let hit = &search(store, "ゼロカーボン", SearchScope::WithDrafts)
        .await
        .hits[0];
    assert_eq!(
        (hit.report_id, hit.edition_status, hit.title.as_str()),
        (draft, EditionState::Open, "ゼロカーボンシティの推進")
    );
    // Anonymous visitors see no draft.
    assert!(published_nos(store, "ゼロカーボン").await.is_empty());

    // A refused save (stale version) indexes nothing.
    let before = row_counts(&db.raw).await;
    item.title = "水素社会の推進".to_owned();
    // Refused: stale version.
    assert_refused(
        store
            .save_sheet(
                draft,
                ItemNo(9),
                sheet.version,
                &item,
                SheetState::InProgress,
                admin,
            )
            .await,
        |e| matches!(e, StoreError::Conflict { .. }),
    );
    assert!(everywhere(store, "水素社会").await.is_empty());
    assert_eq!(everywhere(store, "ぜろかーぼん").await, [(2025, 1, 9)]);
    assert_eq!(row_counts(&db.raw).await, before);
}

#[tokio::test]
async fn a_reimport_replaces_the_index_of_the_report() {
    let db = imported_kaedemachi().await;
    let once = row_counts(&db.raw).await;
    // One document per text that says something, counted item by item from samples/README.md
    // (title + content rows + goal + actions + narratives + effects rows other than ―, －, 一 +
    // evaluation): No.1 1+1+1+4+2+2+1 = 12, No.2 1+2+1+3+2+4+1 = 14, No.3 1+2+1+4+2+5+1 = 16,
    // No.4 1+3+1+3+2+4+1 = 15, No.5 1+1+1+3+2+5+1 = 14, No.6 1+2+1+3+2+4+1 = 14,
    // No.7 1+2+1+3+2+5+1 = 15, No.8 1+1+1+3+2+5+1 = 14, No.9 1+3+1+4+2+5+1 = 17; 131 in all.
    assert_eq!(once["search_documents"], 131, "{once:?}");
    assert_eq!(once["search_index"], 9);

    let mut report = kaedemachi();
    assert_eq!(report.items[7].title, "ふるさと納税制度の活用");
    report.items[7].title = "故郷納税制度の活用".to_owned();
    db.store
        .save_report(&report, &source("again.txt"))
        .await
        .expect("re-import");
    assert_eq!(published_nos(&db.store, "故郷").await, [8]);
    // ふるさと is still in No.8's actions and narratives (lines 174, 176), but no longer in
    // its title.
    let hits = search(&db.store, "ふるさと", SearchScope::Published)
        .await
        .hits;
    assert_eq!(nos(&hits), [8]);
    assert_ne!(hits[0].field, Field::Title);
    assert_eq!(row_counts(&db.raw).await, once);
}

#[tokio::test]
async fn a_correction_is_indexed_as_its_own_revision() {
    let db = imported_kaedemachi().await;
    let store = &db.store;
    let admin = store
        .create_user(&new_user("seisaku", Role::Admin, None))
        .await
        .expect("admin");
    let plan_id = store.list_reports().await.expect("list")[0].plan_id;
    let draft = store
        .open_cycle(plan_id, fy(2025), None, admin)
        .await
        .expect("open FY2025");
    publish(store, draft, "2026-03-31", admin).await;
    // awk: 譲与 on lines of No.7 only.
    assert_eq!(
        everywhere(store, "譲与").await,
        [(2025, 1, 7), (2024, 1, 7)]
    );

    let correction = store
        .open_correction(draft, "題名の誤り", admin)
        .await
        .expect("open a correction");
    assert_eq!(
        everywhere(store, "譲与").await,
        [(2025, 2, 7), (2025, 1, 7), (2024, 1, 7)]
    );
    let sheet = store.sheet(correction, ItemNo(7)).await.expect("sheet");
    let mut item = sheet.item.clone();
    assert_eq!(item.title, "集会施設の地域への譲与の推進");
    item.title = "集会施設の地域への移管の推進".to_owned();
    store
        .save_sheet(
            correction,
            ItemNo(7),
            sheet.version,
            &item,
            SheetState::InProgress,
            admin,
        )
        .await
        .expect("save the correction");
    // awk: 移管 is nowhere in the sample.
    assert_eq!(everywhere(store, "移管").await, [(2025, 2, 7)]);
    // Until it is published, the public still reads revision 1.
    assert!(published_nos(store, "移管").await.is_empty());

    publish(store, correction, "2026-03-31", admin).await;
    // Published: the latest revision only.
    let hits = search(store, "移管", SearchScope::Published).await.hits;
    assert_eq!(
        (nos(&hits), hits[0].revision, hits[0].report_id),
        (vec![7], 2, correction)
    );
    // awk: 集会施設 on lines of No.7 only.
    let hits = search(store, "集会施設", SearchScope::Published).await.hits;
    assert_eq!(
        hits.iter()
            .map(|hit| (hit.fiscal_year.gregorian(), hit.revision))
            .collect::<Vec<_>>(),
        [(2025, 2), (2024, 1)]
    );
}

#[tokio::test]
async fn results_stop_at_the_limit_and_say_there_are_more() {
    let db = imported_kaedemachi().await;
    // awk: 職員 on lines of No.3, 4, 6.
    let query = SearchQuery::parse("職員").expect("valid");
    let results = db
        .store
        .search(&query, SearchScope::Published, &SearchFilter::default(), 2)
        .await
        .expect("search");
    assert_eq!((nos(&results.hits), results.more), (vec![3, 4], true));
    let all = db
        .store
        .search(&query, SearchScope::Published, &SearchFilter::default(), 3)
        .await
        .expect("search");
    assert_eq!((nos(&all.hits), all.more), (vec![3, 4, 6], false));
}

#[tokio::test]
async fn editions_stored_before_search_are_indexed_on_open() {
    let db = imported_kaedemachi().await;
    // Bring the database back to what the 0003 migration finds: sheets, no index, every
    // edition in the backlog.
    for statement in [
        "DELETE FROM search_documents",
        "DELETE FROM search_index",
        "INSERT INTO search_backlog (report_id) SELECT id FROM reports",
    ] {
        db.raw.execute(statement).await.expect(statement);
    }
    assert!(published_nos(&db.store, "研修").await.is_empty());
    let reopened = Database::connect(db.raw.target()).await.expect("reopen");
    // awk: 研修 on a line of No.4 only.
    assert_eq!(published_nos(&reopened, "研修").await, [4]);
    assert_eq!(row_counts(&db.raw).await["search_index"], 9);
}

// ---------------------------------------------------------------------------------------------
// Municipalities

fn code(code: &str) -> LocalGovernmentCode {
    LocalGovernmentCode::parse(code).expect("a valid code")
}

/// The 楓町 sample as the report of a town: same plan name, same year, whatever the town.
fn sample_of(code_text: &str, name: &str) -> Report {
    Report {
        municipality: Some(Municipality {
            code: code(code_text),
            name: name.to_owned(),
        }),
        ..kaedemachi()
    }
}

#[tokio::test]
async fn a_search_restricted_to_a_municipality_finds_only_its_plans() {
    let db = temp_store().await;
    let store = &db.store;
    let mut sakura = sample_of("999989", "桜川市");
    sakura.items[1].title = "桜川市だけの取組".to_owned();
    for report in [sample_of("999997", "楓町"), sakura] {
        store
            .save_report(&report, &source("town.txt"))
            .await
            .expect("import");
    }
    let query = SearchQuery::parse("職員").expect("valid");
    let towns = |hits: &[SearchHit]| -> Vec<(String, String, u32)> {
        hits.iter()
            .map(|hit| {
                (
                    hit.municipality_code.clone(),
                    hit.municipality_name.clone(),
                    hit.no.0,
                )
            })
            .collect()
    };
    let expected = |code: &str, name: &str| -> Vec<(String, String, u32)> {
        // awk: 職員 on lines of No.3, 4, 6 (see `two_character_words_…`).
        [3, 4, 6]
            .into_iter()
            .map(|no| (code.to_owned(), name.to_owned(), no))
            .collect()
    };

    // Everywhere: both towns' plans of the same name, ordered by municipality code.
    let all = store
        .search(
            &query,
            SearchScope::Published,
            &SearchFilter::default(),
            100,
        )
        .await
        .expect("search");
    let mut both = expected("999989", "桜川市");
    both.extend(expected("999997", "楓町"));
    assert_eq!(towns(&all.hits), both);
    assert_eq!(all.hits[0].plan_name, all.hits[3].plan_name);

    // One town: only its items, the same whether drafts are searched or not (two ways of
    // finding them) and whatever the limit.
    for scope in [SearchScope::Published, SearchScope::WithDrafts] {
        let kaede = store
            .search(
                &query,
                scope,
                &SearchFilter::municipality(code("999997")),
                100,
            )
            .await
            .expect("search");
        assert_eq!(
            (towns(&kaede.hits), kaede.more),
            (expected("999997", "楓町"), false),
            "{scope:?}"
        );
        let first = store
            .search(
                &query,
                scope,
                &SearchFilter::municipality(code("999989")),
                2,
            )
            .await
            .expect("search");
        assert_eq!(
            (nos(&first.hits), first.more),
            (vec![3, 4], true),
            "{scope:?}"
        );
    }
    let only_sakura = SearchQuery::parse("桜川市だけ").expect("valid");
    let in_kaede = store
        .search(
            &only_sakura,
            SearchScope::Published,
            &SearchFilter::municipality(code("999997")),
            100,
        )
        .await
        .expect("search");
    assert!(in_kaede.hits.is_empty());
    // A town with no plan: nothing.
    let nowhere = store
        .search(
            &query,
            SearchScope::Published,
            &SearchFilter::municipality(code("011002")),
            100,
        )
        .await
        .expect("search");
    assert!(nowhere.hits.is_empty());
}

/// Editions enough for a public search to walk them in chunks (see `index::search`): the walk
/// and the join of every match give the same hits in the same order, at any limit.
#[tokio::test]
async fn walking_the_editions_finds_what_joining_every_match_finds() {
    let db = temp_store().await;
    let store = &db.store;
    // Twenty plans of two years, named so that names and ids run in opposite orders.
    for n in (0..20u32).rev() {
        for year in [2020, 2021] {
            let mut report = kaedemachi();
            report.plan_name = format!("計画{n:02}");
            report.report_fiscal_year = Some(fy(year));
            report.items.truncate(3 + n as usize % 5);
            store
                .save_report(&report, &source("plan.txt"))
                .await
                .expect("import");
        }
    }
    let cases = [
        ("職員", 50),
        ("職員", 7),
        ("営", 10),
        ("見直し 職員", 30),
        ("ＤＸ", 100),
        // Phrases: walked on PostgreSQL (engine::WALK_PHRASES), joined on SQLite.
        ("まちづくり", 20),
        ("事務事業 見直し", 15),
    ];
    let mut before = Vec::new();
    for (word, limit) in cases {
        let query = SearchQuery::parse(word).expect("valid");
        // Published: the walk first; with drafts (there are none here): every match joined.
        let walked = store
            .search(
                &query,
                SearchScope::Published,
                &SearchFilter::default(),
                limit,
            )
            .await
            .expect("search");
        let joined = store
            .search(
                &query,
                SearchScope::WithDrafts,
                &SearchFilter::default(),
                limit,
            )
            .await
            .expect("search");
        assert_eq!(walked, joined, "{word} {limit}");
        assert!(!walked.hits.is_empty(), "{word}");
        let keys: Vec<(i32, String, u32)> = walked
            .hits
            .iter()
            .map(|hit| {
                (
                    -hit.fiscal_year.gregorian(),
                    hit.plan_name.clone(),
                    hit.no.0,
                )
            })
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted, "{word} {limit}");
        before.push(walked);
    }
    // Optimising the index (the end of a bulk import) changes no answer.
    store.optimize_search_index().await.expect("optimize");
    for ((word, limit), before) in cases.into_iter().zip(before) {
        let query = SearchQuery::parse(word).expect("valid");
        let after = store
            .search(
                &query,
                SearchScope::Published,
                &SearchFilter::default(),
                limit,
            )
            .await
            .expect("search");
        assert_eq!(after, before, "{word} {limit}");
    }
}

/// A database stored before `0005_search_speed` (PostgreSQL: `0003`): the migration marks the
/// latest published revision of each plan and year, and the store folds the stored texts when
/// it opens, so that searches find and show what they did before.
#[tokio::test]
async fn the_search_speed_migration_fills_in_what_it_adds() {
    let db = imported_kaedemachi().await;
    let store = &db.store;
    let admin = store
        .create_user(&new_user("seisaku", Role::Admin, None))
        .await
        .expect("admin");
    let plan_id = store.list_reports().await.expect("list")[0].plan_id;
    let fy2025 = store
        .open_cycle(plan_id, fy(2025), None, admin)
        .await
        .expect("open FY2025");
    publish(store, fy2025, "2026-03-31", admin).await;
    store
        .open_correction(fy2025, "題名の誤り", admin)
        .await
        .expect("open a correction");
    let published = search(store, "譲与", SearchScope::Published).await;
    let with_drafts = search(store, "譲与", SearchScope::WithDrafts).await;
    assert_eq!(
        everywhere(store, "譲与").await,
        [(2025, 2, 7), (2025, 1, 7), (2024, 1, 7)]
    );

    // Back to the schema before the migration, data kept.
    let version = if kaikaku_testdb::on_postgres() { 3 } else { 5 };
    for statement in [
        "DROP INDEX reports_latest_published_by_year".to_owned(),
        "DROP INDEX search_documents_unfolded".to_owned(),
        "ALTER TABLE reports DROP COLUMN latest_published".to_owned(),
        "ALTER TABLE search_documents DROP COLUMN folded".to_owned(),
        format!("DELETE FROM _sqlx_migrations WHERE version = {version}"),
    ] {
        db.raw.execute(&statement).await.expect(&statement);
    }
    store.close().await;

    let reopened = Database::connect(db.raw.target())
        .await
        .expect("migrates again");
    assert_eq!(
        db.raw
            .count("SELECT COUNT(*) FROM search_documents WHERE folded IS NULL")
            .await,
        0
    );
    // FY2024 revision 1 and FY2025 revision 1; not the open correction.
    assert_eq!(
        db.raw
            .count("SELECT COUNT(*) FROM reports WHERE latest_published")
            .await,
        2
    );
    assert_eq!(
        search(&reopened, "譲与", SearchScope::Published).await,
        published
    );
    assert_eq!(
        search(&reopened, "譲与", SearchScope::WithDrafts).await,
        with_drafts
    );
}
