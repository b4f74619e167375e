//! The SQLite engine: a connection pool over one database file (or memory), migrated on open;
//! write transactions begin IMMEDIATE; search is an FTS5 table. Compiled as `engine` inside
//! `on_sqlite` (see the crate root): everything else over `SqliteConnection` is shared.

use std::fmt::Write as _;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::search::{SearchQuery, fts_tokens};
use crate::sql::Insert;
use crate::{PoolSettings, StoreError};

/// Whether generated multi-row statements ([`crate::sql::Insert`]) number their placeholders.
/// Not on SQLite: it keeps `$N` (and `?N`) placeholders in a list that it and sqlx's binding
/// search by name or number, which is quadratic in the placeholders of a statement (seconds
/// for a statement of 30,000); anonymous `?` are bound in order without a lookup.
pub(crate) const NUMBERED_PLACEHOLDERS: bool = false;

/// How many published editions a public search walks (`SEARCH_WALK`), chunk after chunk,
/// before it joins every match instead (`SEARCH_ITEMS`): enough for a word in one item in
/// six or so to fill a page of 50 (editions have about 20 items), few enough that a rarer
/// word loses little time on the walk.
pub(crate) const WALK: &[i64] = &[4, 12];

/// Whether a phrase (a word of three characters or more) may be walked: not on SQLite, where
/// FTS5 matches a phrase in its position lists about as fast for all items as for one
/// edition's (65–900 µs per edition for the long phrase of BENCHMARKS.md).
pub(crate) const WALK_PHRASES: bool = false;

/// How much of the database file each connection reads through a memory map rather than
/// `read` calls (SQLite's `mmap_size`): the pages are the kernel's page cache, shared by every
/// connection, instead of copies in each connection's small page cache. Searches read pages
/// all over the index and the items (see BENCHMARKS.md, "Full-text search").
const MMAP_SIZE: u64 = 1 << 30;

/// How long a connection waits for another writer before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Creates `path` as an empty file only its owner may read and write (0600, set after
/// creation so that the umask does not matter), unless it exists. SQLite takes an empty file
/// for a new database, and creates the `-wal` and `-shm` files with the database file's mode.
///
/// Fails when the file can be neither created nor found.
#[cfg(unix)]
fn create_owner_only(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(file) => file.set_permissions(std::fs::Permissions::from_mode(0o600)),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(error) => Err(error),
    }
}

/// Elsewhere, SQLite creates the file with the system's defaults.
#[cfg(not(unix))]
fn create_owner_only(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Reports stored in SQLite.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pub(super) pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file and runs migrations, with the default
    /// [`PoolSettings`].
    pub async fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        SqliteStore::open_with(path, &PoolSettings::default()).await
    }

    /// Opens (creating if missing) the database file and runs migrations, with a pool of
    /// these settings. A file created here is readable and writable by its owner only (0600
    /// on Unix, whatever the umask); SQLite gives its `-wal` and `-shm` files the same mode.
    pub async fn open_with(path: &Path, pool: &PoolSettings) -> Result<SqliteStore, StoreError> {
        create_owner_only(path).map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source: source.into(),
        })?;
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
            .pragma("mmap_size", MMAP_SIZE.to_string());
        let options = crate::log_slow_statements(options);
        let pool = SqlitePoolOptions::new()
            .max_connections(pool.max_connections)
            .acquire_timeout(pool.acquire_timeout)
            .after_release(|conn, _| Box::pin(crate::reusable(conn)))
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
        let options = crate::log_slow_statements(options);
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
        // The work the migrations leave to Rust (see `backlog`).
        store.catch_up().await?;
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

    /// One connection of the pool (`Database::hold_connection`).
    pub(crate) async fn acquire(&self) -> Result<PoolConnection<Sqlite>, StoreError> {
        Ok(self.pool.acquire().await?)
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

/// Merges every segment of the FTS5 index into one (see `0005_search_speed`).
pub(crate) const OPTIMIZE_SEARCH_INDEX: &str =
    "INSERT INTO search_index (search_index) VALUES ('optimize')";

/// The rows of an item: one, its tokens space-separated.
pub(crate) fn index_rows(folded_texts: &[String]) -> Vec<String> {
    vec![fts_tokens(folded_texts)]
}

/// What `$1` of [`SEARCH_ITEMS`], [`SEARCH_WALK`] and [`COUNT_MATCHES`] is bound to: the FTS5
/// expression of a query.
pub(crate) fn search_argument(query: &SearchQuery) -> String {
    query.fts_expression()
}

/// The items matching `$1` (an FTS5 expression) in the editions in scope (see
/// `sql::search_scope`), in the order of the hits; at most `$3`. Every match is joined to its
/// edition before the order is known, so the cost grows with the number of matches.
pub(crate) const SEARCH_ITEMS: &str = concat!(
    search_columns!(),
    " FROM search_index s \
     JOIN items i ON i.id = s.rowid \
     JOIN reports r ON r.id = i.report_id \
     JOIN plans p ON p.id = r.plan_id \
     WHERE search_index MATCH $1 AND ",
    search_scope!(),
    search_order!(),
    " LIMIT $3"
);

/// The items matching `$1` in the published editions of `sql::search_walk_editions` (`$3`
/// municipality, `$4` editions after the first `$5`), in the order of the hits; at most `$2`.
/// One FTS5 lookup per edition, limited to the rowids of its items (CROSS JOIN keeps that
/// order of the loops), so the cost grows with the editions walked, not with the matches.
pub(crate) const SEARCH_WALK: &str = concat!(
    search_walk_editions!(),
    search_columns!(),
    " FROM e CROSS JOIN search_index s \
     CROSS JOIN items i CROSS JOIN reports r CROSS JOIN plans p \
     WHERE s.rowid BETWEEN e.lo AND e.hi AND search_index MATCH $1 \
     AND i.id = s.rowid AND i.report_id = e.id AND r.id = e.id AND p.id = r.plan_id",
    search_order!(),
    " LIMIT $2"
);

/// How many items match `$1` (an FTS5 expression), counting no further than `$2`: one pass
/// over the index, without joins.
pub(crate) const COUNT_MATCHES: &str = "SELECT COUNT(*) FROM \
     (SELECT 1 FROM search_index WHERE search_index MATCH $1 LIMIT $2)";

/// The text each item of `$1` ([`item_ids_argument`]) is shown by: the one that holds the
/// most of the words `$2` ([`words_argument`]) in its folded form, the first in sheet order
/// among equals. Item id, field path, label, text; one row per item that has texts.
pub(crate) const SELECT_BEST_DOCUMENTS: &str = "SELECT item_id, field, label, text FROM \
     (SELECT d.item_id, d.field, d.label, d.text, ROW_NUMBER() OVER (PARTITION BY d.item_id \
         ORDER BY (SELECT COUNT(*) FROM json_each($2) AS w \
             WHERE instr(COALESCE(d.folded, d.text), w.value) > 0) DESC, d.position) AS n \
     FROM search_documents d WHERE d.item_id IN (SELECT value FROM json_each($1))) \
     WHERE n = 1";

/// What `$1` of [`SELECT_BEST_DOCUMENTS`] is bound to: a JSON array of the item ids.
pub(crate) fn item_ids_argument(ids: &[i64]) -> String {
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("[{}]", ids.join(","))
}

/// What `$2` of [`SELECT_BEST_DOCUMENTS`] is bound to: a JSON array of the folded words.
pub(crate) fn words_argument(query: &SearchQuery) -> String {
    let mut json = String::from("[");
    for (i, word) in query.words().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push('"');
        for c in word.chars() {
            match c {
                '"' => json.push_str("\\\""),
                '\\' => json.push_str("\\\\"),
                c if u32::from(c) < 0x20 => {
                    let _ = write!(json, "\\u{:04x}", u32::from(c));
                }
                c => json.push(c),
            }
        }
        json.push('"');
    }
    json.push(']');
    json
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_a_json_array() {
        let query = SearchQuery::parse("職員 a\"b\\c").expect("valid");
        assert_eq!(words_argument(&query), r#"["職員","a\"b\\c"]"#);
        assert_eq!(item_ids_argument(&[3, 14]), "[3,14]");
    }
}
