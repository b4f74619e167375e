//! [`Database`]: the one store handle the rest of kaikaku uses, on either engine.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use kaikaku_model::workflow::{Field, FieldChange, SheetState};
use kaikaku_model::{FiscalYear, Item, ItemNo, Report};

use crate::{
    AuditEntry, Comment, Cycle, Edition, Listing, MunicipalitySummary, NewUser, PgStore,
    PublicationStamp, Saved, Search, SearchFilter, SearchQuery, SearchResults, SearchScope,
    Session, Sheet, SheetSummary, Source, SqliteStore, Store, StoreError, StoredReport, User,
    Waiver,
};

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

/// Implements a trait for [`Database`] by calling the same method of the engine's store.
macro_rules! delegate {
    ($trait:ident { $( async fn $name:ident(&self $(, $arg:ident : $ty:ty)* $(,)?) -> $ret:ty; )* }) => {
        impl $trait for Database {
            $(
                async fn $name(&self $(, $arg: $ty)*) -> $ret {
                    match self {
                        Database::Sqlite(store) => store.$name($($arg),*).await,
                        Database::Postgres(store) => store.$name($($arg),*).await,
                    }
                }
            )*
        }
    };
}

delegate!(Store {
    async fn save_report(&self, report: &Report, source: &Source) -> Result<Saved, StoreError>;
    async fn save_reports(
        &self,
        reports: &[(&Report, &Source)],
    ) -> Result<Vec<Result<Saved, StoreError>>, StoreError>;
    async fn ping(&self) -> Result<(), StoreError>;
    async fn list_published(&self, which: Listing<'_>) -> Result<Vec<StoredReport>, StoreError>;
    async fn list_municipalities(&self) -> Result<Vec<MunicipalitySummary>, StoreError>;
    async fn import_target(&self, report: &Report) -> Result<Option<StoredReport>, StoreError>;
    async fn publication_stamp(&self) -> Result<PublicationStamp, StoreError>;
    async fn load_report(&self, id: i64) -> Result<Report, StoreError>;
    async fn load_listed(
        &self,
        which: Listing<'_>,
    ) -> Result<Vec<(StoredReport, Report)>, StoreError>;
});

delegate!(Cycle {
    async fn create_user(&self, user: &NewUser) -> Result<i64, StoreError>;
    async fn user(&self, id: i64) -> Result<Option<User>, StoreError>;
    async fn user_by_name(&self, name: &str) -> Result<Option<User>, StoreError>;
    async fn list_users(&self) -> Result<Vec<User>, StoreError>;
    async fn set_password_hash(&self, user_id: i64, hash: &str) -> Result<(), StoreError>;
    async fn create_session(&self, session: &Session) -> Result<(), StoreError>;
    async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Session, User)>, StoreError>;
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;
    async fn delete_user_sessions(&self, user_id: i64) -> Result<u64, StoreError>;
    async fn delete_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64, StoreError>;
    async fn list_editions(&self) -> Result<Vec<Edition>, StoreError>;
    async fn edition(&self, report_id: i64) -> Result<Edition, StoreError>;
    async fn load_edition(&self, report_id: i64) -> Result<Report, StoreError>;
    async fn edition_frame(&self, report_id: i64) -> Result<Report, StoreError>;
    async fn open_cycle(
        &self,
        plan_id: i64,
        fiscal_year: FiscalYear,
        due_date: Option<NaiveDate>,
        by: i64,
    ) -> Result<i64, StoreError>;
    async fn lock_edition(
        &self,
        report_id: i64,
        base_date: NaiveDate,
        by: i64,
    ) -> Result<(), StoreError>;
    async fn unlock_edition(&self, report_id: i64, by: i64) -> Result<(), StoreError>;
    async fn publish_edition(&self, report_id: i64, by: i64) -> Result<(), StoreError>;
    async fn open_correction(&self, report_id: i64, note: &str, by: i64)
        -> Result<i64, StoreError>;
    async fn changes_between(
        &self,
        old_report_id: i64,
        new_report_id: i64,
    ) -> Result<Vec<(ItemNo, FieldChange)>, StoreError>;
    async fn edition_history(&self, report_id: i64) -> Result<Vec<AuditEntry>, StoreError>;
    async fn sheets(&self, report_id: i64) -> Result<Vec<SheetSummary>, StoreError>;
    async fn sheet(&self, report_id: i64, no: ItemNo) -> Result<Sheet, StoreError>;
    async fn previous_item(&self, report_id: i64, no: ItemNo) -> Result<Option<Item>, StoreError>;
    async fn save_sheet(
        &self,
        report_id: i64,
        no: ItemNo,
        expected_version: i64,
        item: &Item,
        new_state: SheetState,
        by: i64,
    ) -> Result<i64, StoreError>;
    async fn transition(
        &self,
        report_id: i64,
        no: ItemNo,
        expected_version: i64,
        to: SheetState,
        by: i64,
        comments: &[(Field, String)],
    ) -> Result<i64, StoreError>;
    async fn audit(&self, report_id: i64, no: ItemNo) -> Result<Vec<AuditEntry>, StoreError>;
    async fn comments(&self, report_id: i64, no: ItemNo) -> Result<Vec<Comment>, StoreError>;
    async fn add_comment(
        &self,
        report_id: i64,
        no: ItemNo,
        field: Field,
        by: i64,
        body: &str,
    ) -> Result<i64, StoreError>;
    async fn resolve_comment(&self, id: i64, by: i64) -> Result<(), StoreError>;
    async fn waive(
        &self,
        report_id: i64,
        no: ItemNo,
        finding_key: &str,
        reason: &str,
        by: i64,
    ) -> Result<i64, StoreError>;
    async fn waivers(&self, report_id: i64, no: ItemNo) -> Result<Vec<Waiver>, StoreError>;
});

delegate!(Search {
    async fn search(
        &self,
        query: &SearchQuery,
        scope: SearchScope,
        filter: &SearchFilter,
        limit: u32,
    ) -> Result<SearchResults, StoreError>;
    async fn optimize_search_index(&self) -> Result<(), StoreError>;
});

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
