//! The PostgreSQL engine: a connection pool over one database, migrated on connect; write
//! transactions are a plain `BEGIN` (READ COMMITTED: the shared writers take the row locks
//! they need, see the crate documentation); search is a `tsvector` column under GIN. Compiled
//! as `engine` inside `on_postgres` (see the crate root): everything else over
//! `PgConnection` is the same code as for SQLite.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, Transaction};

use super::backend::finish;
use super::index;
use crate::StoreError;
use crate::search::{SearchQuery, tsvector_rows};
use crate::sql::Insert;

/// Whether generated multi-row statements ([`crate::sql::Insert`]) number their placeholders:
/// PostgreSQL knows no others.
pub(crate) const NUMBERED_PLACEHOLDERS: bool = true;

/// How long a request waits for a free connection before giving up.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);

/// Reports stored in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgStore {
    pub(super) pool: PgPool,
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user@host:port/database`) and brings its
    /// schema up to date (concurrent first connections are serialised by sqlx's migration
    /// lock).
    pub async fn connect(url: &str) -> Result<PgStore, StoreError> {
        let open_error = |source| StoreError::Open {
            path: redact(url),
            source,
        };
        let options = PgConnectOptions::from_str(url).map_err(open_error)?;
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(open_error)?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        let store = PgStore { pool };
        let mut tx = store.begin_write().await?;
        let result = index::index_backlog(&mut tx).await;
        finish(tx, result).await?;
        Ok(store)
    }

    /// Closes every connection of the pool (so that the database can be dropped).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Begins a write transaction: a plain `BEGIN`, READ COMMITTED. Writers serialise on the
    /// rows they update first (the edition, the plan, the sheet's version).
    pub(super) async fn begin_write(&self) -> Result<Transaction<'static, Postgres>, StoreError> {
        Ok(self.pool.begin().await?)
    }

    /// Begins a read transaction that sees one snapshot for all its queries, as SQLite's
    /// read transactions do (READ COMMITTED would take a new one per statement).
    pub(super) async fn begin_read(&self) -> Result<Transaction<'static, Postgres>, StoreError> {
        Ok(self
            .pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await?)
    }
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Full-text search: `search_index` rows of `tsvector` under GIN (migrations/postgres), one or
// more per item (see `search::tsvector_rows`).

/// `$1` item id.
pub(crate) const DELETE_SEARCH_INDEX: &str = "DELETE FROM search_index WHERE item_id = $1";

/// Item id, a `tsvector` literal.
pub(crate) const INSERT_SEARCH_INDEX: Insert = Insert {
    head: "INSERT INTO search_index (item_id, tokens) VALUES",
    casts: &["", "::tsvector"],
    tail: "",
};

/// The rows of an item: `tsvector` literals with every position within the cap.
pub(crate) fn index_rows(folded_texts: &[String]) -> Vec<String> {
    tsvector_rows(folded_texts)
}

/// What `$1` of [`SEARCH_ITEMS`] is bound to: one `tsquery` literal per word.
pub(crate) fn search_argument(query: &SearchQuery) -> Vec<String> {
    query.tsquery_words()
}

/// The items of which every word of `$1` (an array of `tsquery` literals, one per word)
/// matches some index row, in the editions of `$2` (drafts too when true), ordered as on
/// SQLite; at most `$3`. Each word is one GIN lookup; an item counts when all its words did.
pub(crate) const SEARCH_ITEMS: &str = concat!(
    "SELECT i.id, r.id, p.id, p.name, \
     r.report_fiscal_year, r.revision, r.status, i.item_no, i.title \
     FROM (SELECT s.item_id FROM unnest($1::text[]) WITH ORDINALITY AS q (query, n) \
         JOIN search_index s ON s.tokens @@ q.query::tsquery \
         GROUP BY s.item_id HAVING COUNT(DISTINCT q.n) = cardinality($1::text[])) m \
     JOIN items i ON i.id = m.item_id \
     JOIN reports r ON r.id = i.report_id \
     JOIN plans p ON p.id = r.plan_id \
     WHERE ",
    search_scope!(),
    " ORDER BY r.report_fiscal_year DESC, p.name, i.item_no, r.revision DESC LIMIT $3"
);

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(
            redact("postgres://kaikaku:secret@db:5432/kaikaku"),
            "postgres://kaikaku:***@db:5432/kaikaku"
        );
        assert_eq!(
            redact("postgres://postgres@127.0.0.1:5432/x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
    }
}
