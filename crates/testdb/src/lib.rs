//! A fresh, empty database for each test, on the engine the test run is for.
//!
//! By default a [`TestDb`] is an SQLite file in a temporary folder. When
//! `KAIKAKU_TEST_POSTGRES` holds the URL of a PostgreSQL server
//! (`postgres://user@host:port/postgres`, e.g. the throwaway cluster of `scripts/postgres`),
//! it is instead a database CREATEd with a unique name on that server, dropped (best effort)
//! when the `TestDb` is dropped. Either way [`TestDb::target`] is what
//! `kaikaku_store::Database::connect` and the CLI's `--db`/`--database-url` take, so a test is
//! written once and runs on both engines (`scripts/test` runs the suite on each).
//!
//! [`TestDb::execute`] and [`TestDb::count`] run raw SQL through a connection of their own, for
//! tests that look under the store (row counts, tampering).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{AssertSqlSafe, Connection, PgConnection};

/// The variable naming the PostgreSQL server the tests run on.
pub const POSTGRES_VAR: &str = "KAIKAKU_TEST_POSTGRES";

/// The server URL of `KAIKAKU_TEST_POSTGRES`, when the tests run on PostgreSQL.
pub fn postgres_server() -> Option<String> {
    std::env::var(POSTGRES_VAR)
        .ok()
        .map(|url| url.trim().to_owned())
        .filter(|url| !url.is_empty())
}

/// Whether this test run is on PostgreSQL.
pub fn on_postgres() -> bool {
    postgres_server().is_some()
}

/// A fresh database: see the crate documentation.
#[derive(Debug)]
pub struct TestDb {
    target: String,
    engine: Engine,
}

#[derive(Debug)]
enum Engine {
    Sqlite {
        path: PathBuf,
        _dir: tempfile::TempDir,
    },
    Postgres {
        server: String,
        name: String,
    },
}

impl TestDb {
    /// A fresh database on this run's engine. Panics when it cannot be made (an honest test
    /// failure: the server is down or the disk is full).
    pub async fn new() -> TestDb {
        match postgres_server() {
            Some(server) => TestDb::postgres(&server).await,
            None => TestDb::sqlite(),
        }
    }

    /// [`TestDb::new`] for code outside a runtime (it runs one of its own on a thread).
    pub fn new_blocking() -> TestDb {
        std::thread::spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime")
                .block_on(TestDb::new())
        })
        .join()
        .expect("the database was made")
    }

    /// A fresh SQLite file whatever the engine of the run (for tests about files).
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("kaikaku.db");
        TestDb {
            target: path.display().to_string(),
            engine: Engine::Sqlite { path, _dir: dir },
        }
    }

    async fn postgres(server: &str) -> TestDb {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let name = format!(
            "kaikaku_test_{}_{}_{nanos}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = PgConnection::connect(server)
            .await
            .unwrap_or_else(|e| panic!("{POSTGRES_VAR}={server}: cannot connect: {e}"));
        sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
        let _ = admin.close().await;
        TestDb {
            target: database_url(server, &name),
            engine: Engine::Postgres {
                server: server.to_owned(),
                name,
            },
        }
    }

    /// The database as `Database::connect` and `--database-url`/`--db` take it: the file
    /// path, or the PostgreSQL URL.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Whether it is a PostgreSQL database.
    pub fn is_postgres(&self) -> bool {
        matches!(self.engine, Engine::Postgres { .. })
    }

    /// The SQLite file, for SQLite databases.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match &self.engine {
            Engine::Sqlite { path, .. } => Some(path),
            Engine::Postgres { .. } => None,
        }
    }

    /// The command-line arguments that name it: `--db PATH` or `--database-url URL`.
    pub fn cli_args(&self) -> [&str; 2] {
        match &self.engine {
            Engine::Sqlite { .. } => ["--db", &self.target],
            Engine::Postgres { .. } => ["--database-url", &self.target],
        }
    }

    /// Runs raw SQL statements (`;`-separated; test code, never user input) through a
    /// connection of its own and returns
    /// the driver's error when they fail.
    pub async fn execute(&self, sql: &str) -> Result<u64, sqlx::Error> {
        match &self.engine {
            Engine::Sqlite { path, .. } => {
                let options = SqliteConnectOptions::new()
                    .filename(path)
                    .foreign_keys(true);
                let pool = SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_with(options)
                    .await?;
                let result = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
                    .execute(&pool)
                    .await;
                pool.close().await;
                Ok(result?.rows_affected())
            }
            Engine::Postgres { .. } => {
                let mut conn = PgConnection::connect(&self.target).await?;
                let result = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
                    .execute(&mut conn)
                    .await;
                let _ = conn.close().await;
                Ok(result?.rows_affected())
            }
        }
    }

    /// The one integer `query` selects (`SELECT COUNT(*) FROM …`), through a connection of its
    /// own. Panics when the query fails.
    pub async fn count(&self, query: &str) -> i64 {
        let result = match &self.engine {
            Engine::Sqlite { path, .. } => {
                let options = SqliteConnectOptions::new().filename(path).read_only(true);
                let pool = SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_with(options)
                    .await
                    .expect("open a reader");
                let n = sqlx::query_scalar::<_, i64>(AssertSqlSafe(query.to_owned()))
                    .fetch_one(&pool)
                    .await;
                pool.close().await;
                n
            }
            Engine::Postgres { .. } => {
                let pool = PgPoolOptions::new()
                    .max_connections(1)
                    .connect(&self.target)
                    .await
                    .expect("connect a reader");
                let n = sqlx::query_scalar::<_, i64>(AssertSqlSafe(query.to_owned()))
                    .fetch_one(&pool)
                    .await;
                pool.close().await;
                n
            }
        };
        result.unwrap_or_else(|e| panic!("{query}: {e}"))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Engine::Postgres { server, name } = &self.engine else {
            return;
        };
        // Best effort, on a thread of its own: drop may run inside or outside a runtime.
        let (server, name) = (server.clone(), name.clone());
        let dropped = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async {
                if let Ok(mut admin) = PgConnection::connect(&server).await {
                    let _ = sqlx::raw_sql(AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&mut admin)
                    .await;
                    let _ = admin.close().await;
                }
            });
        });
        let _ = dropped.join();
    }
}

/// `server` with its database replaced by `name` (query parameters kept).
fn database_url(server: &str, name: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (server, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::database_url;

    #[test]
    fn the_database_of_the_url_is_replaced() {
        assert_eq!(
            database_url("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            database_url("postgres://u:p@h:1/db?sslmode=disable", "t2"),
            "postgres://u:p@h:1/t2?sslmode=disable"
        );
        assert_eq!(database_url("postgres://h", "t3"), "postgres://h/t3");
    }
}
