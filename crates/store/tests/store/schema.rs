//! The two migration trees (`migrations/sqlite`, `migrations/postgres`) describe one schema:
//! every table has the same columns on both engines. Runs when the suite has a PostgreSQL
//! server (`KAIKAKU_TEST_POSTGRES`), comparing a freshly migrated database of each engine.

use std::collections::{BTreeMap, BTreeSet};

use kaikaku_store::Database;
use kaikaku_testdb::TestDb;
use sqlx::Connection as _;

/// Tables whose shape differs by design: SQLite's FTS5 table (and the shadow tables FTS5 makes
/// for it) against PostgreSQL's `tsvector` rows; both hold the same Rust-made tokens.
fn engine_specific(table: &str) -> bool {
    table.starts_with("search_index") || table.starts_with("_sqlx") || table.starts_with("sqlite_")
}

type Schema = BTreeMap<String, BTreeSet<String>>;

async fn sqlite_schema(db: &TestDb) -> Schema {
    let path = db.sqlite_path().expect("an SQLite file");
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("opens");
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c \
         WHERE m.type = 'table'",
    )
    .fetch_all(&mut conn)
    .await
    .expect("reads the schema");
    collect(rows)
}

async fn postgres_schema(db: &TestDb) -> Schema {
    let mut conn = sqlx::PgConnection::connect(db.target())
        .await
        .expect("connects");
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = 'public'",
    )
    .fetch_all(&mut conn)
    .await
    .expect("reads the schema");
    collect(rows)
}

fn collect(rows: Vec<(String, String)>) -> Schema {
    let mut schema = Schema::new();
    for (table, column) in rows {
        if !engine_specific(&table) {
            schema.entry(table).or_default().insert(column);
        }
    }
    schema
}

#[tokio::test]
async fn both_engines_have_the_same_tables_and_columns() {
    if !kaikaku_testdb::on_postgres() {
        return;
    }
    let sqlite = TestDb::sqlite();
    let postgres = TestDb::new().await;
    for db in [&sqlite, &postgres] {
        Database::connect(db.target()).await.expect("migrates");
    }
    let (lite, pg) = (
        sqlite_schema(&sqlite).await,
        postgres_schema(&postgres).await,
    );
    assert!(lite.len() > 20, "{lite:?}");
    assert!(lite.contains_key("plans") && lite["plans"].contains("municipality_code"));
    assert_eq!(lite, pg, "the SQLite and PostgreSQL migrations disagree");
}
