//! [`Database`]: the one store handle the rest of kaikaku uses, on either engine, its
//! connection pool's [`PoolSettings`], and the macro that implements the store's traits for it
//! from their declarations.

use std::path::Path;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::{Postgres, Sqlite};

use crate::{PgStore, SqliteStore, StoreError};

/// The connection pool of a store, on either engine.
///
/// A request that cannot get a connection within `acquire_timeout` fails with a store error
/// for which [`StoreError::is_busy`] is true (the web server answers it with 503), rather than
/// waiting for as long as other requests hold every connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolSettings {
    /// How long an operation waits for a free connection: 5 s.
    pub acquire_timeout: Duration,
    /// How many connections the pool opens at most: 10.
    pub max_connections: u32,
}

impl PoolSettings {
    /// The default acquire timeout.
    pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
    /// The default pool size.
    pub const DEFAULT_MAX_CONNECTIONS: u32 = 10;
}

impl Default for PoolSettings {
    fn default() -> PoolSettings {
        PoolSettings {
            acquire_timeout: PoolSettings::DEFAULT_ACQUIRE_TIMEOUT,
            max_connections: PoolSettings::DEFAULT_MAX_CONNECTIONS,
        }
    }
}

impl StoreError {
    /// Whether the operation failed because no pooled connection became free within
    /// [`PoolSettings::acquire_timeout`]: the database is busy, not broken, and the same
    /// request may succeed a moment later.
    pub fn is_busy(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::PoolTimedOut))
    }
}

/// A pooled connection taken by [`Database::hold_connection`] and given back when dropped.
#[derive(Debug)]
pub struct HeldConnection {
    _connection: Held,
}

/// The connection, kept only to be dropped (given back to its pool).
#[derive(Debug)]
enum Held {
    Sqlite {
        _connection: PoolConnection<Sqlite>,
    },
    Postgres {
        _connection: PoolConnection<Postgres>,
    },
}

/// A store on SQLite (a file) or PostgreSQL (a server), chosen by [`Database::connect`];
/// every trait method is the engine's.
#[derive(Clone, Debug)]
pub enum Database {
    /// SQLite, embedded: the default.
    Sqlite(SqliteStore),
    /// PostgreSQL.
    Postgres(PgStore),
}

impl Database {
    /// Whether `target` names a PostgreSQL database (`postgres://…` or `postgresql://…`)
    /// rather than an SQLite file.
    pub fn is_postgres_url(target: &str) -> bool {
        let lower = target.trim_start().to_ascii_lowercase();
        lower.starts_with("postgres://") || lower.starts_with("postgresql://")
    }

    /// Opens the database `target` names: a `postgres://…`/`postgresql://…` URL connects to
    /// PostgreSQL, anything else is the path of an SQLite file (created when missing). The
    /// schema is brought up to date either way.
    pub async fn connect(target: &str) -> Result<Database, StoreError> {
        Database::connect_with(target, &PoolSettings::default()).await
    }

    /// [`Database::connect`] with a pool of these settings.
    pub async fn connect_with(target: &str, pool: &PoolSettings) -> Result<Database, StoreError> {
        if Database::is_postgres_url(target) {
            Ok(Database::Postgres(
                PgStore::connect_with(target.trim(), pool).await?,
            ))
        } else {
            Ok(Database::Sqlite(
                SqliteStore::open_with(Path::new(target), pool).await?,
            ))
        }
    }

    /// Opens (creating if missing) an SQLite file.
    pub async fn open_sqlite(path: &Path) -> Result<Database, StoreError> {
        Database::open_sqlite_with(path, &PoolSettings::default()).await
    }

    /// [`Database::open_sqlite`] with a pool of these settings.
    pub async fn open_sqlite_with(
        path: &Path,
        pool: &PoolSettings,
    ) -> Result<Database, StoreError> {
        Ok(Database::Sqlite(SqliteStore::open_with(path, pool).await?))
    }

    /// Takes one connection from the pool and keeps it until the [`HeldConnection`] is
    /// dropped, as a long request does (for tests of what the others then get). Waits at most
    /// the pool's acquire timeout, like every operation.
    pub async fn hold_connection(&self) -> Result<HeldConnection, StoreError> {
        let connection = match self {
            Database::Sqlite(store) => Held::Sqlite {
                _connection: store.acquire().await?,
            },
            Database::Postgres(store) => Held::Postgres {
                _connection: store.acquire().await?,
            },
        };
        Ok(HeldConnection {
            _connection: connection,
        })
    }

    /// The engine's name, for logs: `SQLite` or `PostgreSQL`.
    pub fn engine(&self) -> &'static str {
        match self {
            Database::Sqlite(_) => "SQLite",
            Database::Postgres(_) => "PostgreSQL",
        }
    }

    /// Closes the connections (PostgreSQL: so that the database can be dropped at once).
    pub async fn close(&self) {
        match self {
            Database::Sqlite(store) => store.close().await,
            Database::Postgres(store) => store.close().await,
        }
    }
}

impl From<SqliteStore> for Database {
    fn from(store: SqliteStore) -> Database {
        Database::Sqlite(store)
    }
}

impl From<PgStore> for Database {
    fn from(store: PgStore) -> Database {
        Database::Postgres(store)
    }
}

/// Declares one of the store's traits (as written) and implements it for [`Database`], every
/// method calling the same method of the engine's store: a method's signature is written once,
/// in the trait (crate root), and `Database` follows without a list of its own. Methods with a
/// default body are delegated too (the engine's store runs the default).
macro_rules! dispatched_trait {
    ($(#[$attr:meta])* pub trait $trait:ident { $($body:tt)* }) => {
        $(#[$attr])*
        pub trait $trait { $($body)* }

        dispatched_trait!(@methods $trait [] $($body)*);
    };
    // A method without a default body: collected.
    (@methods $trait:ident [$($done:tt)*]
        $(#[$method_attr:meta])*
        async fn $name:ident(&$self:ident $(, $arg:ident : $ty:ty)* $(,)?) -> $ret:ty;
        $($rest:tt)*
    ) => {
        dispatched_trait!(@methods $trait [$($done)* ($name $self ($($arg: $ty),*) $ret)] $($rest)*);
    };
    // A method with a default body: collected the same way.
    (@methods $trait:ident [$($done:tt)*]
        $(#[$method_attr:meta])*
        async fn $name:ident(&$self:ident $(, $arg:ident : $ty:ty)* $(,)?) -> $ret:ty
        $default:block
        $($rest:tt)*
    ) => {
        dispatched_trait!(@methods $trait [$($done)* ($name $self ($($arg: $ty),*) $ret)] $($rest)*);
    };
    // Every method collected: the implementation.
    (@methods $trait:ident [$( ($name:ident $self:ident ($($arg:ident: $ty:ty),*) $ret:ty) )*]) => {
        impl $trait for $crate::Database {
            $(
                async fn $name(&$self $(, $arg: $ty)*) -> $ret {
                    match $self {
                        $crate::Database::Sqlite(store) => store.$name($($arg),*).await,
                        $crate::Database::Postgres(store) => store.$name($($arg),*).await,
                    }
                }
            )*
        }
    };
}

#[cfg(test)]
mod tests {
    use super::{Database, PoolSettings, StoreError};

    #[test]
    fn urls_choose_postgres_and_anything_else_is_a_file() {
        assert!(Database::is_postgres_url("postgres://u@h:5432/db"));
        assert!(Database::is_postgres_url("PostgreSQL://u@h/db"));
        assert!(!Database::is_postgres_url("kaikaku.db"));
        assert!(!Database::is_postgres_url("./postgres/kaikaku.db"));
        assert!(!Database::is_postgres_url("sqlite://kaikaku.db"));
    }

    #[test]
    fn a_pool_timeout_is_busy_and_other_failures_are_not() {
        assert!(StoreError::Database(sqlx::Error::PoolTimedOut).is_busy());
        assert!(!StoreError::Database(sqlx::Error::PoolClosed).is_busy());
        assert!(!StoreError::NotFound { id: 1 }.is_busy());
        let defaults = PoolSettings::default();
        assert_eq!(defaults.acquire_timeout.as_secs(), 5);
        assert_eq!(defaults.max_connections, 10);
    }
}
