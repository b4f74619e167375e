//! The work a migration leaves to Rust, done when the store opens ([`Backend::catch_up`], called
//! by the engine's opening functions after the migrations): indexing the editions stored
//! before search existed (`0003_search`) and folding the search documents stored before their
//! folded text was kept (`0005_search_speed`). Both are no-ops on a database that has none.

use kaikaku_model::text::fold_search_text;

use super::index::index_item;
use super::insert::insert_rows;
use super::load::{Scope, load_items};
use super::tx::finish;
use super::{Backend, Conn};
use crate::rows::UnfoldedDocumentRow;
use crate::{StoreError, sql};

impl Backend {
    /// Indexes the backlog of editions in one write transaction, then folds the unfolded
    /// documents ([`fold_all`]).
    pub(super) async fn catch_up(&self) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let result = index_backlog(&mut tx).await;
        finish(tx, result).await?;
        fold_all(self).await
    }
}

/// Indexes the editions stored before search existed (listed by the `0003_search` migration),
/// then empties that list. Runs inside the caller's write transaction.
async fn index_backlog(conn: &mut Conn) -> Result<(), StoreError> {
    let backlog: Vec<i64> = sqlx::query_scalar(sql::SELECT_SEARCH_BACKLOG)
        .fetch_all(&mut *conn)
        .await?;
    for report_id in backlog {
        for (_, item_id, item) in load_items(conn, Scope::reports(report_id, report_id)).await? {
            index_item(conn, item_id, &item).await?;
        }
        sqlx::query(sql::DELETE_SEARCH_BACKLOG)
            .bind(report_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// How many documents [`fold_backlog`] folds per statement.
const FOLD_BATCH: i64 = 2_000;

/// Folds up to `batch` documents stored without their folded text (before the
/// `0005_search_speed` migration) with ids above `after`, inside the caller's transaction;
/// returns the highest id folded, or `None` when none was left.
async fn fold_backlog(conn: &mut Conn, after: i64, batch: i64) -> Result<Option<i64>, StoreError> {
    let unfolded: Vec<UnfoldedDocumentRow> = sqlx::query_as(sql::SELECT_UNFOLDED_DOCUMENTS)
        .bind(after)
        .bind(batch)
        .fetch_all(&mut *conn)
        .await?;
    let Some(last) = unfolded.last().map(|row| row.id) else {
        return Ok(None);
    };
    // The values bound to `sql::UPDATE_FOLDED_DOCUMENTS`, (document id, folded text): written,
    // not read.
    let folded: Vec<(i64, String)> = unfolded
        .into_iter()
        .map(|row| (row.id, fold_search_text(&row.text)))
        .collect();
    insert_rows(
        conn,
        &sql::UPDATE_FOLDED_DOCUMENTS,
        &folded,
        |q, (id, folded)| Ok(q.bind(*id).bind(folded.clone())),
    )
    .await?;
    Ok(Some(last))
}

/// Folds every document stored without its folded text, [`FOLD_BATCH`] per transaction (so
/// that an interrupted run keeps what it did). Run when the store opens.
async fn fold_all(store: &Backend) -> Result<(), StoreError> {
    let mut after = 0;
    loop {
        let mut tx = store.begin_write().await?;
        let result = fold_backlog(&mut tx, after, FOLD_BATCH).await;
        match finish(tx, result).await? {
            Some(last) => after = last,
            None => return Ok(()),
        }
    }
}
