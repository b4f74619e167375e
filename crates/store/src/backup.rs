//! What `kaikaku backup` and `kaikaku restore` need from a database without opening it as a
//! store (opening migrates, and a restore target must stay as it is until the backup is
//! known to be whole): whether a database holds data, whether an SQLite file is a whole
//! kaikaku database, and clearing the empty schema of a PostgreSQL target.
//!
//! The SQLite snapshot itself is [`crate::SqliteStore::vacuum_into`]; PostgreSQL backups are
//! `pg_dump`/`pg_restore` archives, run by the CLI.

use std::path::Path;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{AssertSqlSafe, Connection, PgConnection, SqlitePool};

use crate::Database;
use crate::rows::{PgTableRow, SqliteTableRow};

/// Why a database cannot be used as a backup or a restore target.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The file is not a whole kaikaku database.
    #[error("{reason}")]
    Damaged {
        /// What is wrong, in Japanese.
        reason: String,
    },
    /// The database could not be read.
    #[error("データベースのエラー: {0}")]
    Database(#[from] sqlx::Error),
}

/// The tables of the database `target` names (a `postgres://…` URL or an SQLite file) that
/// hold rows, with their row counts; empty when it holds no data (a missing or empty SQLite
/// file, a database without tables, or a kaikaku schema without rows). The migration table
/// does not count, nor the internal tables of SQLite and of its full-text index.
pub async fn tables_with_rows(target: &str) -> Result<Vec<(String, i64)>, BackupError> {
    if Database::is_postgres_url(target) {
        let mut conn = PgConnection::connect(target.trim()).await?;
        let result = postgres_tables_with_rows(&mut conn).await;
        let _ = conn.close().await;
        return result;
    }
    let path = Path::new(target);
    match std::fs::metadata(path) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Ok(metadata) if metadata.is_file() && metadata.len() == 0 => return Ok(Vec::new()),
        _ => {}
    }
    let pool = sqlite_pool(path, true).await?;
    let result = sqlite_tables_with_rows(&pool).await;
    pool.close().await;
    result
}

async fn sqlite_pool(path: &Path, read_only: bool) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(read_only)
        .create_if_missing(false);
    SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
}

async fn sqlite_tables_with_rows(pool: &SqlitePool) -> Result<Vec<(String, i64)>, BackupError> {
    let tables: Vec<SqliteTableRow> =
        sqlx::query_as("SELECT name, sql FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .fetch_all(pool)
            .await?;
    // A virtual table (FTS5) keeps its data in shadow tables named after it, which hold
    // configuration rows even when it is empty: the virtual table itself is counted instead.
    let virtual_tables: Vec<&str> = tables
        .iter()
        .filter(|table| {
            table.sql.as_deref().is_some_and(|sql| {
                sql.trim_start()
                    .to_ascii_uppercase()
                    .starts_with("CREATE VIRTUAL")
            })
        })
        .map(|table| table.name.as_str())
        .collect();
    let mut found = Vec::new();
    for SqliteTableRow { name, .. } in &tables {
        let shadow = virtual_tables.iter().any(|v| {
            name.strip_prefix(v)
                .is_some_and(|rest| rest.starts_with('_'))
        });
        if shadow || name.starts_with("sqlite_") || name == "_sqlx_migrations" {
            continue;
        }
        let query = format!("SELECT COUNT(*) FROM \"{}\"", name.replace('"', "\"\""));
        let rows: i64 = sqlx::query_scalar(AssertSqlSafe(query))
            .fetch_one(pool)
            .await?;
        if rows > 0 {
            found.push((name.clone(), rows));
        }
    }
    Ok(found)
}

async fn postgres_tables_with_rows(
    conn: &mut PgConnection,
) -> Result<Vec<(String, i64)>, BackupError> {
    let tables: Vec<PgTableRow> = sqlx::query_as(
        "SELECT tablename::text AS name, format('%I.%I', schemaname, tablename) AS quoted \
         FROM pg_tables \
         WHERE schemaname NOT IN ('pg_catalog', 'information_schema') \
         AND tablename <> '_sqlx_migrations' ORDER BY schemaname, tablename",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut found = Vec::new();
    for PgTableRow { name, quoted } in tables {
        // `quoted` is the identifier as PostgreSQL's own `format('%I')` quotes it.
        let rows: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM {quoted}")))
            .fetch_one(&mut *conn)
            .await?;
        if rows > 0 {
            found.push((name, rows));
        }
    }
    Ok(found)
}

/// Checks that the SQLite file at `path` is a whole kaikaku database: `PRAGMA
/// integrity_check` says `ok` and the migration table lists applied migrations. The file is
/// opened read-write (a snapshot may be marked WAL) but nothing is written to it.
pub async fn verify_sqlite(path: &Path) -> Result<(), BackupError> {
    let damaged = |reason: String| BackupError::Damaged { reason };
    let pool = sqlite_pool(path, false)
        .await
        .map_err(|e| damaged(format!("SQLite のデータベースとして開けません: {e}")))?;
    let result = async {
        let problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&pool)
            .await
            .map_err(|e| damaged(format!("整合性を検査できません: {e}")))?;
        if problems.as_slice() != ["ok"] {
            let first: Vec<&str> = problems.iter().take(3).map(String::as_str).collect();
            return Err(damaged(format!(
                "整合性の検査で問題が見つかりました: {}",
                first.join("; ")
            )));
        }
        let migrations: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
                .fetch_one(&pool)
                .await
                .map_err(|_| {
                    damaged(
                        "kaikaku のデータベースではありません（マイグレーションの表がありません）"
                            .to_owned(),
                    )
                })?;
        if migrations == 0 {
            return Err(damaged(
                "kaikaku のデータベースではありません（適用済みのマイグレーションがありません）"
                    .to_owned(),
            ));
        }
        Ok(())
    }
    .await;
    pool.close().await;
    result
}

/// Removes the schema of the PostgreSQL database at `url` (every table and function of the
/// schema `public`) when it holds no data, so that an archive can be restored into it; one
/// transaction, which changes nothing when a table has rows. A database without tables is
/// left as it is.
pub async fn clear_empty_postgres(url: &str) -> Result<(), BackupError> {
    let mut conn = PgConnection::connect(url.trim()).await?;
    let result = async {
        let mut tx = conn.begin().await?;
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables \
             WHERE schemaname = 'public'",
        )
        .fetch_all(&mut *tx)
        .await?;
        if tables.is_empty() {
            return Ok(());
        }
        // Lock the tables first, so no row can arrive between the count and the drop.
        sqlx::raw_sql(AssertSqlSafe(format!(
            "LOCK TABLE {} IN ACCESS EXCLUSIVE MODE",
            tables.join(", ")
        )))
        .execute(&mut *tx)
        .await?;
        let with_rows = postgres_tables_with_rows(&mut tx).await?;
        if let Some((name, rows)) = with_rows.first() {
            return Err(BackupError::Damaged {
                reason: format!("表 {name} に {rows} 行のデータがあります"),
            });
        }
        sqlx::raw_sql(AssertSqlSafe(format!(
            "DROP TABLE IF EXISTS {} CASCADE",
            tables.join(", ")
        )))
        .execute(&mut *tx)
        .await?;
        let functions: Vec<String> = sqlx::query_scalar(
            "SELECT p.oid::regprocedure::text FROM pg_proc p \
             JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'",
        )
        .fetch_all(&mut *tx)
        .await?;
        for function in functions {
            // `regprocedure` text is the function's quoted name and argument types.
            sqlx::raw_sql(AssertSqlSafe(format!(
                "DROP FUNCTION IF EXISTS {function} CASCADE"
            )))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
    .await;
    let _ = conn.close().await;
    result
}
