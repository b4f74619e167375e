//! Which database a command works on ([`DbTarget`]: an SQLite file or a PostgreSQL URL),
//! decided once from the options and the environment, and opening it ([`open_store`]).

use std::path::{Path, PathBuf};

use anyhow::Context;
use kaikaku_store::{Database, PoolSettings};

/// The SQLite file used when neither an option nor the environment names a database.
pub const DEFAULT_DB: &str = "kaikaku.db";

/// The database a command opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DbTarget {
    /// An SQLite file, created when missing.
    Sqlite(PathBuf),
    /// A PostgreSQL database, by its `postgres://…` URL (which may hold a password: never
    /// print it whole).
    Postgres(String),
}

impl DbTarget {
    /// The database `url` names when it is given and not blank, else the one `path` names.
    ///
    /// Whichever is taken is read by [`DbTarget::named`]: a `postgres://`/`postgresql://` URL
    /// is PostgreSQL wherever it is given, anything else an SQLite file.
    pub fn choose(url: Option<&str>, path: &Path) -> DbTarget {
        match url.map(str::trim).filter(|url| !url.is_empty()) {
            Some(url) => DbTarget::named(Path::new(url)),
            None => DbTarget::named(path),
        }
    }

    /// `--database-url`, else `$KAIKAKU_DATABASE_URL`, else `--db`, else `$KAIKAKU_DB`, else
    /// [`DEFAULT_DB`], for a command that reads the variables itself (`serve`, whose `--demo`
    /// must tell a file the user named from the environment, which it ignores).
    pub fn configured(url: Option<&str>, path: Option<&Path>) -> DbTarget {
        let url = url
            .map(str::to_owned)
            .or_else(|| std::env::var("KAIKAKU_DATABASE_URL").ok());
        let path = path
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("KAIKAKU_DB").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DB));
        DbTarget::choose(url.as_deref(), &path)
    }

    /// The database one option names: a `postgres://…` URL ([`Database::is_postgres_url`])
    /// is PostgreSQL, anything else the path of an SQLite file.
    pub fn named(target: &Path) -> DbTarget {
        let text = target.to_string_lossy();
        if Database::is_postgres_url(&text) {
            DbTarget::Postgres(text.trim().to_owned())
        } else {
            DbTarget::Sqlite(target.to_path_buf())
        }
    }

    /// The target as `kaikaku_store`'s functions that take a string take it (the URL, or the
    /// file's path).
    pub fn store_target(&self) -> String {
        match self {
            DbTarget::Sqlite(path) => path.to_string_lossy().into_owned(),
            DbTarget::Postgres(url) => url.clone(),
        }
    }
}

/// Opens the database `target` names, bringing its schema up to date; an SQLite file is
/// created when missing.
///
/// Fails with `データベースを開けません` and the store's reason (for SQLite, after the file's
/// name; for PostgreSQL the store names the server without the password).
pub async fn open_store(target: &DbTarget) -> anyhow::Result<Database> {
    open_store_with(target, &PoolSettings::default()).await
}

/// [`open_store`] with a connection pool of these settings (`serve`'s acquire timeout).
pub async fn open_store_with(target: &DbTarget, pool: &PoolSettings) -> anyhow::Result<Database> {
    match target {
        DbTarget::Postgres(url) => {
            tracing::debug!("opening the PostgreSQL database");
            Database::connect_with(url, pool)
                .await
                .context("データベースを開けません")
        }
        DbTarget::Sqlite(path) => {
            tracing::debug!(db = %path.display(), "opening the database");
            Database::open_sqlite_with(path, pool)
                .await
                .context("データベースを開けません")
                .with_context(|| path.display().to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_wins_over_a_path_and_the_scheme_decides_the_engine() {
        let file = Path::new("x.db");
        let url = "postgres://kaikaku@db:5432/kaikaku";
        assert_eq!(
            DbTarget::choose(None, file),
            DbTarget::Sqlite(PathBuf::from("x.db"))
        );
        assert_eq!(
            DbTarget::choose(Some("  "), file),
            DbTarget::Sqlite(PathBuf::from("x.db"))
        );
        assert_eq!(
            DbTarget::choose(Some(&format!(" {url} ")), file),
            DbTarget::Postgres(url.to_owned())
        );
        assert_eq!(
            DbTarget::choose(None, Path::new("POSTGRESQL://h/d")),
            DbTarget::Postgres("POSTGRESQL://h/d".to_owned())
        );
        // A URL option that is not a PostgreSQL URL names an SQLite file, as it always has.
        assert_eq!(
            DbTarget::choose(Some("other.db"), file),
            DbTarget::Sqlite(PathBuf::from("other.db"))
        );
        assert_eq!(DbTarget::Postgres(url.to_owned()).store_target(), url);
        assert_eq!(DbTarget::Sqlite(file.to_path_buf()).store_target(), "x.db");
    }
}
