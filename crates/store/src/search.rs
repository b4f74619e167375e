//! Full-text search over the texts of every sheet, for Japanese: no word segmentation, but
//! overlapping character bigrams of the folded text ([`kaikaku_model::text::fold_search`]),
//! so that two-character words (研修, 職員) match and full-width/half-width and
//! katakana/hiragana variants find each other.
//!
//! Each item has one row of tokens in the FTS index (see the `0003_search` migration): for
//! every searchable text, each folded character with the next one, and the last character on
//! its own, so no bigram runs from one text into the next. A word of the query is a phrase of
//! its consecutive bigrams (a substring of one text; a one-character word is a prefix query);
//! the words of a query are ANDed over the item. The hit shows the item's text that holds the
//! most words, with a snippet built here from the original text.
//!
//! `index_item` rewrites an item's documents and tokens; every write of item content calls
//! it inside its own transaction, so the index follows every save and a failed save leaves it
//! as it was.

use std::fmt::Write as _;

use kaikaku_model::text::{Snippet, fold_search, is_nothing, is_space, snippet};
use kaikaku_model::workflow::{EditionState, Field};
use kaikaku_model::{FiscalYear, Item, ItemNo};
use sqlx::SqliteConnection;

use crate::codec::{
    decode_edition_state, decode_field, fiscal_year_from_i32, item_no_from_i64, to_i32,
};
use crate::load::{Scope, corrupt, load_items};
use crate::{StoreError, sql};

/// How many characters a snippet shows.
pub const SNIPPET_WIDTH: usize = 40;

/// A parsed search query: its words, folded, in order, without repeats.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchQuery {
    words: Vec<String>,
}

/// Why a query cannot be searched.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// Nothing to search for.
    #[error("検索する語を入力してください。")]
    Empty,
    /// The query is longer than [`SearchQuery::MAX_CHARS`].
    #[error("検索語が長すぎます（{max}文字以内で入力してください）。")]
    TooLong {
        /// The limit.
        max: usize,
    },
    /// The query has more words than [`SearchQuery::MAX_WORDS`].
    #[error("検索語が多すぎます（{max}語以内で入力してください）。")]
    TooManyWords {
        /// The limit.
        max: usize,
    },
}

impl SearchQuery {
    /// The longest query accepted, in characters.
    pub const MAX_CHARS: usize = 100;
    /// The most words a query may have.
    pub const MAX_WORDS: usize = 8;

    /// Reads a query as typed: words separated by spaces (half- or full-width), each folded
    /// with [`fold_search`]; every word must occur (AND).
    pub fn parse(input: &str) -> Result<SearchQuery, QueryError> {
        if input.chars().count() > SearchQuery::MAX_CHARS {
            return Err(QueryError::TooLong {
                max: SearchQuery::MAX_CHARS,
            });
        }
        let mut words: Vec<String> = Vec::new();
        for word in input.split(is_space) {
            let folded = fold_search(word).text;
            if !folded.is_empty() && !words.contains(&folded) {
                words.push(folded);
            }
        }
        if words.is_empty() {
            return Err(QueryError::Empty);
        }
        if words.len() > SearchQuery::MAX_WORDS {
            return Err(QueryError::TooManyWords {
                max: SearchQuery::MAX_WORDS,
            });
        }
        Ok(SearchQuery { words })
    }

    /// The folded words.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.words.iter().map(String::as_str)
    }

    /// The FTS5 query: each word a quoted phrase of its bigram tokens (a one-character word
    /// the prefix of its own token), ANDed.
    fn fts_expression(&self) -> String {
        let mut expression = String::new();
        for (i, word) in self.words.iter().enumerate() {
            if i > 0 {
                expression.push_str(" AND ");
            }
            let chars: Vec<char> = word.chars().collect();
            expression.push('"');
            if let [only] = chars.as_slice() {
                push_token(&mut expression, *only, None);
                expression.push_str("\" *");
                continue;
            }
            for (j, pair) in chars.windows(2).enumerate() {
                if j > 0 {
                    expression.push(' ');
                }
                push_token(&mut expression, pair[0], Some(pair[1]));
            }
            expression.push('"');
        }
        expression
    }
}

/// Which editions a search looks in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchScope {
    /// The latest published revision of each plan and year: what anonymous visitors see.
    Published,
    /// Those, and every edition not published yet (open or locked; a correction in progress
    /// beside the revision it corrects): for logged-in users.
    WithDrafts,
}

/// One item that matches a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchHit {
    /// The edition.
    pub report_id: i64,
    /// The plan.
    pub plan_id: i64,
    /// The plan's name.
    pub plan_name: String,
    /// The report fiscal year of the edition.
    pub fiscal_year: FiscalYear,
    /// The edition's revision.
    pub revision: i32,
    /// The edition's state (drafts only with [`SearchScope::WithDrafts`]).
    pub edition_status: EditionState,
    /// The item number.
    pub no: ItemNo,
    /// The item title.
    pub title: String,
    /// The part of the sheet shown: the one that holds the most words of the query.
    pub field: Field,
    /// Its name on the sheet ([`Field::label_in`]: `取組内容【令和3年度（実績）】`).
    pub field_label: String,
    /// Its whole text, as written.
    pub text: String,
    /// About [`SNIPPET_WIDTH`] characters of `text` around the first match, matches marked.
    pub snippet: Snippet,
}

/// What a search found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchResults {
    /// The hits, newest fiscal year first, then by plan name and item number.
    pub hits: Vec<SearchHit>,
    /// True when more items match than the limit allowed.
    pub more: bool,
}

/// Writes the hex of the UTF-8 of `first` (and `second`) to `out`: one token that the
/// `ascii` tokenizer keeps whole. UTF-8 is a prefix code, so the token of a character alone
/// is a prefix of exactly the bigram tokens that start with it.
fn push_token(out: &mut String, first: char, second: Option<char>) {
    let mut buffer = [0u8; 4];
    for c in std::iter::once(first).chain(second) {
        for byte in c.encode_utf8(&mut buffer).bytes() {
            // Writing to a String cannot fail.
            let _ = write!(out, "{byte:02x}");
        }
    }
}

/// Appends the tokens of one folded text to `out`, separated by spaces: each character with
/// the next one, the last character alone.
fn push_text_tokens(out: &mut String, folded: &str) {
    let mut chars = folded.chars().peekable();
    while let Some(c) = chars.next() {
        if !out.is_empty() {
            out.push(' ');
        }
        push_token(out, c, chars.peek().copied());
    }
}

/// The searchable texts of an item in sheet order, with their fields: title, contents, goal,
/// actions (one text each), narratives, effects rows, evaluation. Texts that say nothing
/// (`—`, empty) are left out.
fn documents(item: &Item) -> Vec<(Field, &str)> {
    let mut documents = vec![(Field::Title, item.title.as_str())];
    documents.extend(
        item.contents
            .iter()
            .enumerate()
            .map(|(i, row)| (Field::Content(i), row.text.as_str())),
    );
    documents.extend(item.goal.as_deref().map(|goal| (Field::Goal, goal)));
    documents.extend(
        item.actions
            .iter()
            .map(|action| (Field::Actions, action.text.as_str())),
    );
    documents.extend(
        item.narratives
            .iter()
            .enumerate()
            .map(|(i, narrative)| (Field::Narrative(i), narrative.text.as_str())),
    );
    documents.extend(
        item.effects
            .iter()
            .enumerate()
            .map(|(i, row)| (Field::Effect(i), row.text.as_str())),
    );
    documents.extend(
        item.evaluation
            .as_ref()
            .map(|evaluation| (Field::Evaluation, evaluation.text.as_str())),
    );
    documents.retain(|(_, text)| !is_nothing(text));
    documents
}

/// (Re)indexes one item inside the caller's transaction: replaces its search documents and
/// its row of tokens with those of `item`. Called by every write of item content.
pub(crate) async fn index_item(
    conn: &mut SqliteConnection,
    item_id: i64,
    item: &Item,
) -> Result<(), StoreError> {
    sqlx::query(sql::DELETE_SEARCH_DOCUMENTS)
        .bind(item_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(sql::DELETE_SEARCH_INDEX)
        .bind(item_id)
        .execute(&mut *conn)
        .await?;
    let mut tokens = String::new();
    for (position, (field, text)) in documents(item).into_iter().enumerate() {
        sqlx::query(sql::INSERT_SEARCH_DOCUMENT)
            .bind(item_id)
            .bind(to_i32(position, "position")?)
            .bind(field.path())
            .bind(field.label_in(item))
            .bind(text)
            .execute(&mut *conn)
            .await?;
        push_text_tokens(&mut tokens, &fold_search(text).text);
    }
    sqlx::query(sql::INSERT_SEARCH_INDEX)
        .bind(item_id)
        .bind(tokens)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Indexes the editions stored before search existed (listed by the `0003_search` migration),
/// then empties that list. Runs inside the caller's write transaction.
pub(crate) async fn index_backlog(conn: &mut SqliteConnection) -> Result<(), StoreError> {
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
    conn: &mut SqliteConnection,
    query: &SearchQuery,
    scope: SearchScope,
    limit: u32,
) -> Result<SearchResults, StoreError> {
    type Row = (i64, i64, i64, String, i32, i32, String, i64, String);
    let rows: Vec<Row> = sqlx::query_as(sql::SEARCH_ITEMS)
        .bind(query.fts_expression())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_split_on_spaces_and_fold() {
        let query = SearchQuery::parse(" ＤＸ　ﾏｲﾅﾝﾊﾞｰ dx ").expect("valid");
        assert_eq!(query.words().collect::<Vec<_>>(), ["dx", "まいなんばー"]);
        assert_eq!(SearchQuery::parse(" 　 "), Err(QueryError::Empty));
        assert_eq!(
            SearchQuery::parse(&"あ".repeat(101)),
            Err(QueryError::TooLong { max: 100 })
        );
        assert_eq!(
            SearchQuery::parse("a b c d e f g h i"),
            Err(QueryError::TooManyWords { max: 8 })
        );
    }

    #[test]
    fn words_become_phrases_of_bigrams() {
        // 研 = e7a094, 修 = e4bfae, 職 = e881b7; d = 64, x = 78.
        let query = SearchQuery::parse("研修 Dx 職").expect("valid");
        assert_eq!(
            query.fts_expression(),
            r#""e7a094e4bfae" AND "6478" AND "e881b7" *"#
        );
        let three = SearchQuery::parse("研修職").expect("valid");
        assert_eq!(three.fts_expression(), r#""e7a094e4bfae e4bfaee881b7""#);
    }

    #[test]
    fn each_text_ends_with_a_token_of_its_own() {
        let mut tokens = String::new();
        push_text_tokens(&mut tokens, "ab");
        push_text_tokens(&mut tokens, "c");
        assert_eq!(tokens, "6162 62 63");
    }
}
