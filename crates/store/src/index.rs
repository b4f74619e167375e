//! The search index's reads and writes (the pure side — queries, tokens, documents — is in
//! [`crate::search`]). The statements that differ between SQLite's FTS5 and PostgreSQL's
//! `tsvector` are the engine's (`engine::DELETE_SEARCH_INDEX`, `INSERT_SEARCH_INDEX` (a multi-row
//! [`sql::Insert`]),
//! `SEARCH_ITEMS`, `SEARCH_WALK`, `COUNT_MATCHES`, `SELECT_BEST_DOCUMENTS`, `index_rows` and
//! the arguments); everything else is shared.
//!
//! Two ways to the same hits. Joining every match to its edition and ordering them
//! (`SEARCH_ITEMS`) costs in proportion to the matches: cheap for a rare word, tens of
//! milliseconds for a word in most items of the national corpus. So a public search whose
//! word is that frequent (counted first, up to what is enough, see [`frequent`]) walks the
//! published editions in the order of the hits instead, a few at a time (`engine::WALK`), each
//! edition's items looked up in the index (`SEARCH_WALK`), and stops with a page of hits; a
//! search within one municipality walks that municipality's few editions. Visibility is the
//! column `reports.latest_published`, kept by [`refresh_latest_published`]; the text a hit is
//! shown by is chosen by the database from the folded texts stored at indexing
//! (`SELECT_BEST_DOCUMENTS`), so that only that text is folded again, for its snippet.

use kaikaku_model::text::{fold_search_text, snippet};
use kaikaku_model::workflow::Field;
use kaikaku_model::{Item, ItemNo};

use super::insert::insert_rows;
use super::{Conn, engine};
use crate::codec::{
    corrupt, decode_edition_state, decode_field, fiscal_year_from_i32, item_no_from_i64, to_i32,
};
use crate::rows::{BestDocumentRow, HitRow};
use crate::search::{
    SNIPPET_WIDTH, SearchFilter, SearchHit, SearchQuery, SearchResults, SearchScope, documents,
};
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
        let first = rows.len();
        for (position, (field, text)) in documents(item).into_iter().enumerate() {
            rows.push((item_id, position, field, item, text, fold_search_text(text)));
        }
        texts.clear();
        texts.extend(rows[first..].iter().map(|row| row.5.clone()));
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
        |q, (item_id, position, field, item, text, folded)| {
            Ok(q.bind(*item_id)
                .bind(to_i32(*position, "position")?)
                .bind(field.path())
                .bind(field.label_in(item))
                .bind(*text)
                .bind(folded.clone()))
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

/// Sets which edition of the plan and year of edition `report_id` is the latest published
/// (`reports.latest_published`, what a public search looks in), inside the caller's
/// transaction. Called by every write that changes it: an import, a publication.
pub(crate) async fn refresh_latest_published(
    conn: &mut Conn,
    report_id: i64,
) -> Result<(), StoreError> {
    sqlx::query(sql::REFRESH_LATEST_PUBLISHED)
        .bind(report_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Merges the engine's index into as few pieces as it keeps (`engine::OPTIMIZE_SEARCH_INDEX`),
/// inside the caller's transaction.
pub(crate) async fn optimize(conn: &mut Conn) -> Result<(), StoreError> {
    sqlx::query(engine::OPTIMIZE_SEARCH_INDEX)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Whether `query` may match so many items that the editions a walk covers
/// (`engine::WALK`) hold `wanted` hits on average: then walking finds a page of hits sooner
/// than joining every match. What is counted is one index term, which the index answers
/// without looking at the rows: a word of one or two characters (a term, or a prefix), or —
/// where the engine walks phrases (`engine::WALK_PHRASES`) — the first two characters of the
/// first word, an upper bound of the phrase's matches. The rest of the query is not counted:
/// when it makes the matches rare, the walk finds too few and the search joins every match
/// after all (the walk's cost is the waste).
async fn frequent(conn: &mut Conn, query: &SearchQuery, wanted: i64) -> Result<bool, StoreError> {
    let Some(word) = query.short_word().or_else(|| {
        engine::WALK_PHRASES
            .then(|| query.leading_bigram())
            .flatten()
    }) else {
        return Ok(false);
    };
    let editions: i64 = sqlx::query_scalar(sql::COUNT_LATEST_PUBLISHED)
        .fetch_one(&mut *conn)
        .await?;
    let walked: i64 = engine::WALK.iter().sum();
    let enough = wanted
        .saturating_mul(editions.max(1))
        .saturating_add(walked - 1)
        / walked;
    let matches: i64 = sqlx::query_scalar(engine::COUNT_MATCHES)
        .bind(engine::search_argument(&word))
        .bind(enough)
        .fetch_one(&mut *conn)
        .await?;
    Ok(matches >= enough)
}

pub(crate) async fn search(
    conn: &mut Conn,
    query: &SearchQuery,
    scope: SearchScope,
    filter: &SearchFilter,
    limit: u32,
) -> Result<SearchResults, StoreError> {
    let argument = engine::search_argument(query);
    let municipality = filter
        .municipality
        .map(|code| code.to_string())
        .unwrap_or_default();
    let wanted = i64::from(limit) + 1;
    // Published editions only: there each plan and year is one edition, so that a chunk of
    // editions holds whole runs of hits. One municipality's editions are few: one chunk.
    let mut rows: Vec<HitRow> = Vec::new();
    let mut complete = false;
    if scope == SearchScope::Published
        && (filter.municipality.is_some() || frequent(conn, query, wanted).await?)
    {
        let chunks: &[i64] = if filter.municipality.is_some() {
            &[i64::MAX]
        } else {
            engine::WALK
        };
        let mut walked: i64 = 0;
        for &editions in chunks {
            let found: Vec<HitRow> = sqlx::query_as(engine::SEARCH_WALK)
                .bind(argument.clone())
                .bind(wanted - rows.len() as i64)
                .bind(municipality.as_str())
                .bind(editions)
                .bind(walked)
                .fetch_all(&mut *conn)
                .await?;
            rows.extend(found);
            walked = walked.saturating_add(editions);
            if rows.len() as i64 >= wanted {
                break;
            }
            // At the rate found so far, would the whole walk hold a page? If not, the words
            // are rarer than the count said (the other words of the query, or the rest of a
            // phrase): joining every match now costs less than walking on.
            let budget: i64 = chunks.iter().sum();
            if (rows.len() as i64).saturating_mul(budget) < wanted.saturating_mul(walked) {
                break;
            }
        }
        complete = rows.len() as i64 >= wanted || filter.municipality.is_some();
    }
    if !complete {
        rows = sqlx::query_as(engine::SEARCH_ITEMS)
            .bind(argument)
            .bind(scope == SearchScope::WithDrafts)
            .bind(wanted)
            .bind(municipality.as_str())
            .fetch_all(&mut *conn)
            .await?;
    }
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);

    // The text each hit is shown by, chosen by the database from the stored folded texts.
    let ids: Vec<i64> = rows.iter().map(|row| row.item_id).collect();
    let best: Vec<BestDocumentRow> = if ids.is_empty() {
        Vec::new()
    } else {
        sqlx::query_as(engine::SELECT_BEST_DOCUMENTS)
            .bind(engine::item_ids_argument(&ids))
            .bind(engine::words_argument(query))
            .fetch_all(&mut *conn)
            .await?
    };
    let mut best: std::collections::HashMap<i64, BestDocumentRow> =
        best.into_iter().map(|row| (row.item_id, row)).collect();

    let words: Vec<&str> = query.words().collect();
    let mut hits = Vec::with_capacity(rows.len());
    for row in rows {
        let item_id = row.item_id;
        let title = row.title;
        let best = best.remove(&item_id);
        let bad = corrupt("search_documents", item_id);
        let (field, field_label, text) = match best {
            Some(best) => (
                decode_field(&best.field).map_err(&bad)?,
                best.label,
                best.text,
            ),
            None => (Field::Title, Field::Title.label(), title.clone()),
        };
        let bad = corrupt("items", item_id);
        hits.push(SearchHit {
            report_id: row.report_id,
            plan_id: row.plan_id,
            plan_name: row.plan_name,
            municipality_code: row.municipality_code,
            municipality_name: row.municipality_name,
            fiscal_year: fiscal_year_from_i32(row.report_fiscal_year).map_err(&bad)?,
            revision: row.revision,
            edition_status: decode_edition_state(&row.status).map_err(&bad)?,
            no: ItemNo(item_no_from_i64(row.item_no).map_err(&bad)?),
            title,
            field,
            field_label,
            snippet: snippet(&text, &words, SNIPPET_WIDTH),
            text,
        });
    }
    Ok(SearchResults { hits, more })
}
