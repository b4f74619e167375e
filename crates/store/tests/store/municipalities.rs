//! Plans named within their municipality: two towns with a plan of the same name, imports with
//! and without a municipality, listings per municipality, and the migration that re-keyed
//! `plans` on a database written before it.

use kaikaku_model::{LocalGovernmentCode, Municipality, Report};
use kaikaku_store::{Database, Listing, Store, StoreError};
use kaikaku_testdb::TestDb;

use super::{fy, rich_report_for, row_counts, source, temp_store};

fn town(code: &str, name: &str) -> Option<Municipality> {
    Some(Municipality {
        code: LocalGovernmentCode::parse(code).expect("a valid code"),
        name: name.into(),
    })
}

/// 楓町's rich report moved to another town (same plan name, same year).
fn in_town(year: i32, municipality: Option<Municipality>) -> Report {
    Report {
        municipality,
        ..rich_report_for(year)
    }
}

fn keys(list: &[kaikaku_store::StoredReport]) -> Vec<(String, String, i32)> {
    list.iter()
        .map(|r| {
            (
                r.municipality
                    .as_ref()
                    .map_or(String::new(), |m| format!("{} {}", m.code, m.name)),
                r.plan_name.clone(),
                r.report_fiscal_year.expect("stored").gregorian(),
            )
        })
        .collect()
}

#[tokio::test]
async fn two_towns_keep_plans_of_the_same_name_apart() {
    let db = temp_store().await;
    let store = &db.store;
    let kaede = in_town(2021, town("999997", "楓町"));
    let mut sakura = in_town(2021, town("999989", "桜川市"));
    sakura.title = "桜川市の報告".into();
    store
        .save_report(&sakura, &source("s.txt"))
        .await
        .expect("save");
    store
        .save_report(&kaede, &source("k.txt"))
        .await
        .expect("save");

    let list = store.list_reports().await.expect("list");
    assert_eq!(
        keys(&list),
        [
            ("999989 桜川市".into(), "第5次集中改革プラン".into(), 2021),
            ("999997 楓町".into(), "第5次集中改革プラン".into(), 2021),
        ]
    );
    assert_ne!(list[0].plan_id, list[1].plan_id);
    assert_eq!(row_counts(&db.raw).await["plans"], 2);

    // Each town's edition loads back as its own.
    assert_eq!(store.load_report(list[0].id).await.expect("load"), sakura);
    assert_eq!(store.load_report(list[1].id).await.expect("load"), kaede);

    // Listed per municipality, and found by plan and year.
    let code = LocalGovernmentCode::parse("999997").expect("valid");
    let of_kaede = store
        .list_published(Listing::Municipality(&code))
        .await
        .expect("list");
    assert_eq!(of_kaede, [list[1].clone()]);
    let found = store
        .published(list[0].plan_id, fy(2021))
        .await
        .expect("find");
    assert_eq!(found.as_ref(), Some(&list[0]));
    assert_eq!(
        store
            .published(list[0].plan_id, fy(2020))
            .await
            .expect("find"),
        None
    );

    let towns = store.list_municipalities().await.expect("municipalities");
    let summary: Vec<_> = towns
        .iter()
        .map(|t| {
            (
                t.municipality.clone().map(|m| m.name),
                t.plans,
                t.editions,
                t.latest_fiscal_year.gregorian(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (Some("桜川市".to_owned()), 1, 1, 2021),
            (Some("楓町".to_owned()), 1, 1, 2021)
        ]
    );
}

#[tokio::test]
async fn an_import_without_a_municipality_needs_the_plan_to_be_unambiguous() {
    let db = temp_store().await;
    let store = &db.store;
    store
        .save_report(&in_town(2021, town("999997", "楓町")), &source("k.txt"))
        .await
        .expect("save");

    // One town has the plan: a report that names no municipality is that town's.
    let anonymous = in_town(2022, None);
    store
        .save_report(&anonymous, &source("a.txt"))
        .await
        .expect("save");
    let list = store.list_reports().await.expect("list");
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].plan_id, list[1].plan_id);
    assert_eq!(
        store
            .load_report(list[1].id)
            .await
            .expect("load")
            .municipality,
        town("999997", "楓町"),
        "the plan's municipality comes with it"
    );

    // Two towns have it: the import is refused and nothing changes.
    store
        .save_report(&in_town(2021, town("999989", "桜川市")), &source("s.txt"))
        .await
        .expect("save");
    let before = row_counts(&db.raw).await;
    let error = store
        .save_report(&in_town(2023, None), &source("a.txt"))
        .await
        .expect_err("ambiguous");
    assert!(
        matches!(error, StoreError::AmbiguousPlan { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "計画「第5次集中改革プラン」は複数の団体にあります（999989 桜川市、999997 楓町）。\
         どの団体の報告か、団体コードを指定してください"
    );
    assert_eq!(row_counts(&db.raw).await, before);
}

#[tokio::test]
async fn a_plan_stored_without_a_municipality_is_adopted_by_the_first_that_names_it() {
    let db = temp_store().await;
    let store = &db.store;
    store
        .save_report(&in_town(2021, None), &source("old.txt"))
        .await
        .expect("save");
    let before = store.list_reports().await.expect("list");
    assert_eq!(before[0].municipality, None);
    let unassigned = store
        .list_published(Listing::WithoutMunicipality)
        .await
        .expect("list");
    assert_eq!(unassigned, before);

    store
        .save_report(&in_town(2022, town("999997", "楓町")), &source("new.txt"))
        .await
        .expect("save");
    let after = store.list_reports().await.expect("list");
    assert_eq!(after.len(), 2);
    assert!(after.iter().all(|r| r.plan_id == before[0].plan_id));
    assert_eq!(
        store
            .list_published(Listing::WithoutMunicipality)
            .await
            .expect("list"),
        []
    );
    assert!(
        after
            .iter()
            .all(|r| r.municipality == town("999997", "楓町")),
        "both years now belong to 楓町"
    );
    // A new spelling of the town's name is taken; the code stays the key.
    store
        .save_report(
            &in_town(2022, town("999997", "かえで町")),
            &source("new.txt"),
        )
        .await
        .expect("save");
    let renamed = store.list_reports().await.expect("list");
    assert_eq!(renamed.len(), 2);
    assert_eq!(
        renamed[0].municipality.as_ref().map(|m| m.name.as_str()),
        Some("かえで町")
    );
    assert_eq!(row_counts(&db.raw).await["plans"], 1);
}

/// A database written by the schema before plans were keyed by municipality (migrations 1–3)
/// keeps its plans and reports through the rebuild of `plans`, and takes a second plan of the
/// same name afterwards. SQLite only: the rebuild is SQLite's; PostgreSQL alters a constraint.
#[tokio::test]
async fn plans_are_rekeyed_without_losing_reports() {
    if kaikaku_testdb::on_postgres() {
        return;
    }
    let raw = TestDb::sqlite();
    let path = raw.sqlite_path().expect("sqlite").to_owned();
    {
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .foreign_keys(true);
        let pool = sqlx::SqlitePool::connect_with(options).await.expect("open");
        let mut migrator = sqlx::migrate::Migrator::new(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/migrations/sqlite"
        )))
        .await
        .expect("migrations");
        migrator.migrations = migrator
            .migrations
            .iter()
            .filter(|m| m.version <= 3)
            .cloned()
            .collect::<Vec<_>>()
            .into();
        migrator.run(&pool).await.expect("migrate to 0003");
        for statement in [
            "INSERT INTO plans (id, name, municipality_code, municipality_name) \
             VALUES (7, '第5次集中改革プラン', '999997', '楓町')",
            "INSERT INTO reports (plan_id, report_fiscal_year, title, imported_at) \
             VALUES (7, 2021, '古い報告', '2026-01-01T00:00:00Z')",
        ] {
            sqlx::query(statement)
                .execute(&pool)
                .await
                .expect(statement);
        }
        pool.close().await;
    }
    let store = Database::connect(raw.target()).await.expect("migrate");
    let list = store.list_reports().await.expect("list");
    assert_eq!(
        keys(&list),
        [("999997 楓町".into(), "第5次集中改革プラン".into(), 2021)]
    );
    assert_eq!(list[0].plan_id, 7);
    store
        .save_report(&in_town(2021, town("999989", "桜川市")), &source("s.txt"))
        .await
        .expect("a second town's plan of the same name");
    assert_eq!(raw.count("SELECT COUNT(*) FROM plans").await, 2);
    assert_eq!(
        raw.count("SELECT COUNT(*) FROM pragma_foreign_key_check")
            .await,
        0
    );
}

/// A batch (`save_reports`, what a bulk import writes) keeps every report that would be saved
/// alone and gives each refused one its own error: one refused before writing (no report
/// year), one refused after its plan lookup (ambiguous); the others are stored whole.
#[tokio::test]
async fn a_batch_stores_the_good_reports_and_names_each_refused_one() {
    let db = temp_store().await;
    let store = &db.store;
    for (report, file) in [
        (in_town(2021, town("999997", "楓町")), "k.txt"),
        (in_town(2021, town("999989", "桜川市")), "s.txt"),
    ] {
        store
            .save_report(&report, &source(file))
            .await
            .expect("save");
    }
    let no_year = Report {
        report_fiscal_year: None,
        ..in_town(2022, town("999997", "楓町"))
    };
    let batch = [
        in_town(2022, town("999997", "楓町")),
        no_year,
        in_town(2023, town("999989", "桜川市")),
        in_town(2024, None),
        in_town(2024, town("999997", "楓町")),
    ];
    let sources: Vec<_> = (0..batch.len())
        .map(|i| source(&format!("{i}.txt")))
        .collect();
    let pairs: Vec<_> = batch.iter().zip(&sources).collect();
    let results = store.save_reports(&pairs).await.expect("the batch commits");
    assert_eq!(results.len(), 5);
    assert!(results[0].is_ok(), "{:?}", results[0]);
    assert!(
        matches!(results[1], Err(StoreError::MissingFiscalYear { .. })),
        "{:?}",
        results[1]
    );
    assert!(results[2].is_ok(), "{:?}", results[2]);
    assert!(
        matches!(results[3], Err(StoreError::AmbiguousPlan { .. })),
        "{:?}",
        results[3]
    );
    assert!(results[4].is_ok(), "{:?}", results[4]);
    let plan = rich_report_for(2021).plan_name;
    let key = |town: &str, year| (town.to_owned(), plan.clone(), year);
    assert_eq!(
        keys(&store.list_published(Listing::All).await.expect("list")),
        [
            key("999989 桜川市", 2021),
            key("999989 桜川市", 2023),
            key("999997 楓町", 2021),
            key("999997 楓町", 2022),
            key("999997 楓町", 2024),
        ]
    );
    for stored in store.list_published(Listing::All).await.expect("list") {
        let report = store.load_report(stored.id).await.expect("load");
        let year = stored.report_fiscal_year.expect("stored").gregorian();
        assert_eq!(report, in_town(year, report.municipality.clone()), "{year}");
    }
}
