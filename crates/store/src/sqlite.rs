//! The SQLite backend: a connection pool over one database file (or memory), migrated on open.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use kaikaku_model::Report;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

use crate::codec::now_rfc3339;
use crate::{Saved, Source, Store, StoreError, StoredReport, load, save, sql};

/// How long a connection waits for another writer before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Reports stored in SQLite.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
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
        Ok(SqliteStore { pool })
    }
}

impl Store for SqliteStore {
    async fn save_report(&self, report: &Report, source: &Source) -> Result<Saved, StoreError> {
        let key = save::validate(report)?;
        let imported_at = now_rfc3339();
        // IMMEDIATE takes the write lock up front, so two concurrent saves queue on the busy
        // timeout instead of failing when a reader upgrades to a writer.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        match save::write_report(&mut tx, &key, report, source, &imported_at).await {
            Ok(saved) => {
                tx.commit().await?;
                Ok(saved)
            }
            Err(e) => {
                // The write error is the one worth reporting; a failed rollback still ends the
                // transaction when the connection is dropped or reused.
                let _ = tx.rollback().await;
                Err(e)
            }
        }
    }

    async fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        sqlx::query(sql::PING).execute(&mut *conn).await?;
        Ok(())
    }

    async fn list_reports(&self) -> Result<Vec<StoredReport>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        load::list(&mut conn).await
    }

    async fn load_report(&self, id: i64) -> Result<Report, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut reports = load::load_range(&mut tx, id, id).await?;
        tx.commit().await?;
        match reports.pop() {
            Some((_, report)) => Ok(report),
            None => Err(StoreError::NotFound { id }),
        }
    }

    async fn load_all(&self) -> Result<Vec<Report>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let reports = load::load_range(&mut tx, i64::MIN, i64::MAX).await?;
        tx.commit().await?;
        Ok(reports.into_iter().map(|(_, report)| report).collect())
    }
}
