//! The PostgreSQL engine: a connection pool over one database, migrated on connect; write
//! transactions are a plain `BEGIN` (READ COMMITTED: the shared writers take the row locks
//! they need, see the crate documentation); search is a `tsvector` column under GIN. Compiled
//! as `engine` inside `on_postgres` (see the crate root): everything else over
//! `PgConnection` is the same code as for SQLite.

use std::str::FromStr;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, Transaction};

use crate::search::{SearchQuery, tsvector_rows};
use crate::sql::Insert;
use crate::{PoolSettings, StoreError};

/// Whether generated multi-row statements ([`crate::sql::Insert`]) number their placeholders:
/// PostgreSQL knows no others.
pub(crate) const NUMBERED_PLACEHOLDERS: bool = true;

/// How many published editions a public search walks (`SEARCH_WALK`), chunk after chunk,
/// before it joins every match instead (`SEARCH_ITEMS`): as on SQLite, and a third chunk for
/// the phrases, whose matches are a few in a hundred items (64 editions hold a page of a
/// phrase in one item in twenty-five).
pub(crate) const WALK: &[i64] = &[4, 12, 48];

/// Whether a phrase may be walked: yes on PostgreSQL, where joining every match rechecks each
/// candidate's whole `tsvector` row (GIN keeps no positions) — 150–250 ms for a phrase in 5 %
/// of the items — while a walked item is one lookup by id and one recheck.
pub(crate) const WALK_PHRASES: bool = true;

/// Reports stored in PostgreSQL.
#[derive(Clone, Debug)]
pub struct PgStore {
    pub(super) pool: PgPool,
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user@host:port/database`) and brings its
    /// schema up to date (concurrent first connections are serialised by sqlx's migration
    /// lock), with the default [`PoolSettings`].
    pub async fn connect(url: &str) -> Result<PgStore, StoreError> {
        PgStore::connect_with(url, &PoolSettings::default()).await
    }

    /// [`PgStore::connect`] with a pool of these settings.
    pub async fn connect_with(url: &str, pool: &PoolSettings) -> Result<PgStore, StoreError> {
        let open_error = |source| StoreError::Open {
            path: redact(url),
            source,
        };
        let options =
            crate::log_slow_statements(PgConnectOptions::from_str(url).map_err(open_error)?);
        let pool = PgPoolOptions::new()
            .max_connections(pool.max_connections)
            .acquire_timeout(pool.acquire_timeout)
            .after_release(|conn, _| Box::pin(crate::reusable(conn)))
            .connect_with(options)
            .await
            .map_err(open_error)?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        let store = PgStore { pool };
        // The work the migrations leave to Rust (see `backlog`).
        store.catch_up().await?;
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

    /// One connection of the pool (`Database::hold_connection`).
    pub(crate) async fn acquire(&self) -> Result<PoolConnection<Postgres>, StoreError> {
        Ok(self.pool.acquire().await?)
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

/// Moves the entries that GIN keeps in its pending list (written fast, searched slowly) into
/// the index proper.
pub(crate) const OPTIMIZE_SEARCH_INDEX: &str =
    "SELECT gin_clean_pending_list('search_index_tokens'::regclass)";

/// The rows of an item: `tsvector` literals with every position within the cap.
pub(crate) fn index_rows(folded_texts: &[String]) -> Vec<String> {
    tsvector_rows(folded_texts)
}

/// What `$1` of [`SEARCH_ITEMS`], [`SEARCH_WALK`] and [`COUNT_MATCHES`] is bound to: one
/// `tsquery` literal per word of a query.
pub(crate) fn search_argument(query: &SearchQuery) -> Vec<String> {
    query.tsquery_words()
}

/// The items of which every word of `$1` (an array of `tsquery` literals, one per word)
/// matches some index row, in the editions in scope (see `sql::search_scope`), in the order of
/// the hits; at most `$3`. Each word is one GIN lookup; an item counts when all its words did.
/// Every match is joined to its edition before the order is known.
pub(crate) const SEARCH_ITEMS: &str = concat!(
    search_columns!(),
    " FROM (SELECT s.item_id FROM unnest($1::text[]) WITH ORDINALITY AS q (query, n) \
         JOIN search_index s ON s.tokens @@ q.query::tsquery \
         GROUP BY s.item_id HAVING COUNT(DISTINCT q.n) = cardinality($1::text[])) m \
     JOIN items i ON i.id = m.item_id \
     JOIN reports r ON r.id = i.report_id \
     JOIN plans p ON p.id = r.plan_id \
     WHERE ",
    search_scope!(),
    search_order!(),
    " LIMIT $3"
);

/// The items matching `$1` in the published editions of `sql::search_walk_editions` (`$3`
/// municipality, `$4` editions after the first `$5`), in the order of the hits; at most `$2`.
/// Each of their items is looked up in the index by its id, every word in its rows, so the
/// cost grows with the editions walked, not with the matches.
pub(crate) const SEARCH_WALK: &str = concat!(
    search_walk_editions!(),
    search_columns!(),
    " FROM e JOIN reports r ON r.id = e.id \
     JOIN plans p ON p.id = r.plan_id \
     JOIN items i ON i.report_id = r.id \
     WHERE NOT EXISTS (SELECT 1 FROM unnest($1::text[]) AS q (query) \
         WHERE NOT EXISTS (SELECT 1 FROM search_index s \
             WHERE s.item_id = i.id AND s.tokens @@ q.query::tsquery))",
    search_order!(),
    " LIMIT $2"
);

/// About how many items match `$1` (as for [`SEARCH_ITEMS`]), counting no further than `$2`:
/// the index rows that hold every word (an item whose words are in two of its rows is not
/// counted; this is an estimate).
pub(crate) const COUNT_MATCHES: &str = "SELECT COUNT(*) FROM (SELECT 1 FROM search_index s \
     WHERE s.tokens @@ (SELECT string_agg('(' || w || ')', ' & ') \
         FROM unnest($1::text[]) AS w)::tsquery LIMIT $2) c";

/// The text each item of `$1` ([`item_ids_argument`]) is shown by: the one that holds the
/// most of the words `$2` ([`words_argument`]) in its folded form, the first in sheet order
/// among equals. Item id, field path, label, text; one row per item that has texts.
pub(crate) const SELECT_BEST_DOCUMENTS: &str = "SELECT item_id, field, label, text FROM \
     (SELECT d.item_id, d.field, d.label, d.text, ROW_NUMBER() OVER (PARTITION BY d.item_id \
         ORDER BY (SELECT COUNT(*) FROM unnest($2::text[]) AS w (word) \
             WHERE strpos(COALESCE(d.folded, d.text), w.word) > 0) DESC, d.position) AS n \
     FROM search_documents d WHERE d.item_id = ANY($1::bigint[])) best \
     WHERE n = 1";

/// What `$1` of [`SELECT_BEST_DOCUMENTS`] is bound to: the item ids.
pub(crate) fn item_ids_argument(ids: &[i64]) -> Vec<i64> {
    ids.to_vec()
}

/// What `$2` of [`SELECT_BEST_DOCUMENTS`] is bound to: the folded words.
pub(crate) fn words_argument(query: &SearchQuery) -> Vec<String> {
    query.words().map(str::to_owned).collect()
}

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
