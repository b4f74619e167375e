//! The SQLite engine: a connection pool over one database file (or memory), migrated on open;
//! write transactions begin IMMEDIATE; search is an FTS5 table. Compiled as `engine` inside
//! `on_sqlite` (see the crate root): everything else over `SqliteConnection` is shared.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{Sqlite, SqlitePool, Transaction};

use super::backend::finish;
use super::index;
use crate::StoreError;
use crate::search::{SearchQuery, fts_tokens};
use crate::sql::Insert;

/// Whether generated multi-row statements ([`crate::sql::Insert`]) number their placeholders.
/// Not on SQLite: it keeps `$N` (and `?N`) placeholders in a list that it and sqlx's binding
/// search by name or number, which is quadratic in the placeholders of a statement (seconds
/// for a statement of 30,000); anonymous `?` are bound in order without a lookup.
pub(crate) const NUMBERED_PLACEHOLDERS: bool = false;

/// How long a connection waits for another writer before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Reports stored in SQLite.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pub(super) pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file and runs migrations.
    pub async fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open {
                path: path.display().to_string(),
                source,
            })?;
        SqliteStore::migrated(pool).await
    }

    /// Opens a fresh database that lives in memory as long as the store (for tests).
    pub async fn open_in_memory() -> Result<SqliteStore, StoreError> {
        // Every `sqlite::memory:` names a new private database. One connection that is never
        // closed keeps it alive; a write transaction holds that connection until it ends.
        let options = SqliteConnectOptions::from_str("sqlite::memory:")?
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open {
                path: ":memory:".to_owned(),
                source,
            })?;
        SqliteStore::migrated(pool).await
    }

    async fn migrated(pool: SqlitePool) -> Result<SqliteStore, StoreError> {
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        let store = SqliteStore { pool };
        let mut tx = store.begin_write().await?;
        let result = index::index_backlog(&mut tx).await;
        finish(tx, result).await?;
        Ok(store)
    }

    /// Closes every connection of the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Begins a write transaction. IMMEDIATE takes the write lock up front, so concurrent
    /// writers queue on the busy timeout instead of failing when a reader upgrades to a writer.
    pub(super) async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Writes a consistent copy of the database to `path` with `VACUUM INTO` (one read
    /// transaction, so concurrent writers under WAL neither block nor tear it). `path` must
    /// not exist or be an empty file.
    pub async fn vacuum_into(&self, path: &Path) -> Result<(), StoreError> {
        let path = path.to_string_lossy();
        sqlx::query("VACUUM INTO $1")
            .bind(path.as_ref())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Begins a read transaction: every query inside sees the same snapshot.
    pub(super) async fn begin_read(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        Ok(self.pool.begin().await?)
    }
}

// ---------------------------------------------------------------------------------------------
// Full-text search: an FTS5 table with one row per item (rowid = item id), see `0003_search`.

/// `$1` item id.
pub(crate) const DELETE_SEARCH_INDEX: &str = "DELETE FROM search_index WHERE rowid = $1";

/// Item id (the rowid), the tokens.
pub(crate) const INSERT_SEARCH_INDEX: Insert = Insert {
    head: "INSERT INTO search_index (rowid, tokens) VALUES",
    casts: &["", ""],
    tail: "",
};

/// The rows of an item: one, its tokens space-separated.
pub(crate) fn index_rows(folded_texts: &[String]) -> Vec<String> {
    vec![fts_tokens(folded_texts)]
}

/// What `$1` of [`SEARCH_ITEMS`] is bound to: the FTS5 expression.
pub(crate) fn search_argument(query: &SearchQuery) -> String {
    query.fts_expression()
}

/// The items matching `$1` (an FTS5 expression) in the latest published revision of each plan
/// and year, and when `$2` is true in every edition not published yet; newest year first, then
/// plan name, item number and newest revision; at most `$3`.
pub(crate) const SEARCH_ITEMS: &str = concat!(
    "SELECT i.id, r.id, p.id, p.name, \
     r.report_fiscal_year, r.revision, r.status, i.item_no, i.title \
     FROM search_index s \
     JOIN items i ON i.id = s.rowid \
     JOIN reports r ON r.id = i.report_id \
     JOIN plans p ON p.id = r.plan_id \
     WHERE search_index MATCH $1 AND ",
    search_scope!(),
    " ORDER BY r.report_fiscal_year DESC, p.name, i.item_no, r.revision DESC LIMIT $3"
);
