//! [`Database`]: the one store handle the rest of kaikaku uses, on either engine, and the
//! macro that implements the store's traits for it from their declarations.

use std::path::Path;

use crate::{PgStore, SqliteStore, StoreError};

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
        if Database::is_postgres_url(target) {
            Ok(Database::Postgres(PgStore::connect(target.trim()).await?))
        } else {
            Ok(Database::Sqlite(
                SqliteStore::open(Path::new(target)).await?,
            ))
        }
    }

    /// Opens (creating if missing) an SQLite file.
    pub async fn open_sqlite(path: &Path) -> Result<Database, StoreError> {
        Ok(Database::Sqlite(SqliteStore::open(path).await?))
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
    use super::Database;

    #[test]
    fn urls_choose_postgres_and_anything_else_is_a_file() {
        assert!(Database::is_postgres_url("postgres://u@h:5432/db"));
        assert!(Database::is_postgres_url("PostgreSQL://u@h/db"));
        assert!(!Database::is_postgres_url("kaikaku.db"));
        assert!(!Database::is_postgres_url("./postgres/kaikaku.db"));
        assert!(!Database::is_postgres_url("sqlite://kaikaku.db"));
    }
}
