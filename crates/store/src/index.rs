//! The search index's reads and writes (the pure side — queries, tokens, documents — is in
//! [`crate::search`]). The statements that differ between SQLite's FTS5 and PostgreSQL's
//! `tsvector` are the engine's (`engine::DELETE_SEARCH_INDEX`, `INSERT_SEARCH_INDEX` (a multi-row
//! [`sql::Insert`]),
//! `SEARCH_ITEMS`, `index_rows`, `search_argument`); everything else is shared.

use kaikaku_model::text::{fold_search, snippet};
use kaikaku_model::workflow::Field;
use kaikaku_model::{Item, ItemNo};

use super::load::{Scope, corrupt, load_items};
use super::save::insert_rows;
use super::{Conn, engine};
use crate::codec::{
    decode_edition_state, decode_field, fiscal_year_from_i32, item_no_from_i64, to_i32,
};
use crate::search::{SNIPPET_WIDTH, SearchHit, SearchQuery, SearchResults, SearchScope, documents};
use crate::{StoreError, sql};

/// (Re)indexes one item inside the caller's transaction: replaces its search documents and
/// its row of tokens with those of `item`. Called by every write of item content.
pub(crate) async fn index_item(
    conn: &mut Conn,
    item_id: i64,
    item: &Item,
) -> Result<(), StoreError> {
    sqlx::query(sql::DELETE_SEARCH_DOCUMENTS)
        .bind(item_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(engine::DELETE_SEARCH_INDEX)
        .bind(item_id)
        .execute(&mut *conn)
        .await?;
    index_new_items(conn, &[(item_id, item)]).await
}

/// Indexes items (item id, item) that have no search documents or index rows yet (items just
/// inserted: deleting an item deletes its documents and index rows, see the migrations), inside
/// the caller's transaction: one multi-row INSERT for the documents, one for the index rows.
pub(crate) async fn index_new_items(
    conn: &mut Conn,
    items: &[(i64, &Item)],
) -> Result<(), StoreError> {
    let mut texts = Vec::new();
    let mut index_rows = Vec::new();
    let mut rows = Vec::new();
    for &(item_id, item) in items {
        texts.clear();
        for (position, (field, text)) in documents(item).into_iter().enumerate() {
            rows.push((item_id, position, field, item, text));
            texts.push(fold_search(text).text);
        }
        index_rows.extend(
            engine::index_rows(&texts)
                .into_iter()
                .map(|tokens| (item_id, tokens)),
        );
    }
    insert_rows(
        conn,
        &sql::INSERT_SEARCH_DOCUMENTS,
        &rows,
        |q, &(item_id, position, field, item, text)| {
            Ok(q.bind(item_id)
                .bind(to_i32(position, "position")?)
                .bind(field.path())
                .bind(field.label_in(item))
                .bind(text))
        },
    )
    .await?;
    insert_rows(
        conn,
        &engine::INSERT_SEARCH_INDEX,
        &index_rows,
        |q, (item_id, tokens)| Ok(q.bind(*item_id).bind(tokens.as_str())),
    )
    .await?;
    Ok(())
}

/// Indexes the editions stored before search existed (listed by the `0003_search` migration),
/// then empties that list. Runs inside the caller's write transaction.
pub(crate) async fn index_backlog(conn: &mut Conn) -> Result<(), StoreError> {
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

pub(crate) async fn search(
    conn: &mut Conn,
    query: &SearchQuery,
    scope: SearchScope,
    limit: u32,
) -> Result<SearchResults, StoreError> {
    type Row = (i64, i64, i64, String, i32, i32, String, i64, String);
    let rows: Vec<Row> = sqlx::query_as(engine::SEARCH_ITEMS)
        .bind(engine::search_argument(query))
        .bind(scope == SearchScope::WithDrafts)
        .bind(i64::from(limit) + 1)
        .fetch_all(&mut *conn)
        .await?;
    let more = rows.len() > limit as usize;
    let words: Vec<&str> = query.words().collect();
    let mut hits = Vec::with_capacity(rows.len().min(limit as usize));
    for (item_id, report_id, plan_id, plan_name, year, revision, status, no, title) in
        rows.into_iter().take(limit as usize)
    {
        let documents: Vec<(String, String, String)> = sqlx::query_as(sql::SELECT_SEARCH_DOCUMENTS)
            .bind(item_id)
            .fetch_all(&mut *conn)
            .await?;
        // The text holding the most words; the first in sheet order among equals.
        let best = documents
            .into_iter()
            .map(|document| {
                let folded = fold_search(&document.2).text;
                let held = words.iter().filter(|w| folded.contains(**w)).count();
                (held, document)
            })
            .reduce(|best, next| if next.0 > best.0 { next } else { best })
            .map(|(_, document)| document);
        let bad = corrupt("search_documents", item_id);
        let (field, field_label, text) = match best {
            Some((path, label, text)) => (decode_field(&path).map_err(&bad)?, label, text),
            None => (Field::Title, Field::Title.label(), title.clone()),
        };
        let bad = corrupt("items", item_id);
        hits.push(SearchHit {
            report_id,
            plan_id,
            plan_name,
            fiscal_year: fiscal_year_from_i32(year).map_err(&bad)?,
            revision,
            edition_status: decode_edition_state(&status).map_err(&bad)?,
            no: ItemNo(item_no_from_i64(no).map_err(&bad)?),
            title,
            field,
            field_label,
            snippet: snippet(&text, &words, SNIPPET_WIDTH),
            text,
        });
    }
    Ok(SearchResults { hits, more })
}
