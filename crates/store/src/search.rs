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

use kaikaku_model::municipality::LocalGovernmentCode;
use kaikaku_model::text::{Snippet, fold_search, is_nothing, is_space};
use kaikaku_model::workflow::{EditionState, Field};
use kaikaku_model::{FiscalYear, Item, ItemNo};

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

    /// The first word of one or two characters, as a query of its own: one index term (or the
    /// prefix of one), the kind of word that may match most items.
    pub(crate) fn short_word(&self) -> Option<SearchQuery> {
        self.words
            .iter()
            .find(|word| word.chars().count() <= 2)
            .map(|word| SearchQuery {
                words: vec![word.clone()],
            })
    }

    /// The first two characters of the first word, as a query of its own (one index term):
    /// every item the query matches holds it. `None` for a query of one one-character word.
    pub(crate) fn leading_bigram(&self) -> Option<SearchQuery> {
        let word = self.words.first()?;
        let mut chars = word.chars();
        let bigram: String = chars.by_ref().take(2).collect();
        (bigram.chars().count() == 2).then(|| SearchQuery {
            words: vec![bigram],
        })
    }

    /// The FTS5 query: each word a quoted phrase of its bigram tokens (a one-character word
    /// the prefix of its own token), ANDed.
    pub(crate) fn fts_expression(&self) -> String {
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

/// What a search is restricted to, beyond its [`SearchScope`]; the default restricts nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SearchFilter {
    /// Only the plans of this municipality (plans imported without one are left out).
    pub municipality: Option<LocalGovernmentCode>,
}

impl SearchFilter {
    /// The plans of one municipality only.
    pub fn municipality(code: LocalGovernmentCode) -> SearchFilter {
        SearchFilter {
            municipality: Some(code),
        }
    }
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
    /// The 全国地方公共団体コード of the plan's municipality; empty when it is not known.
    pub municipality_code: String,
    /// The municipality's name; empty when it is not known.
    pub municipality_name: String,
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
    /// The hits, newest fiscal year first, then by plan name (then municipality code, for
    /// plans of the same name) and item number, newest revision first.
    pub hits: Vec<SearchHit>,
    /// True when more items match than the limit allowed.
    pub more: bool,
}

/// Writes the hex of the UTF-8 of `first` (and `second`) to `out`: one token that the
/// `ascii` tokenizer keeps whole. UTF-8 is a prefix code, so the token of a character alone
/// is a prefix of exactly the bigram tokens that start with it.
fn push_token(out: &mut String, first: char, second: Option<char>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut buffer = [0u8; 4];
    for c in std::iter::once(first).chain(second) {
        for &byte in c.encode_utf8(&mut buffer).as_bytes() {
            // Formatting machinery here was a fifth of a bulk import's writer thread.
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
}

/// Appends the tokens of one folded text to `out`, separated by spaces: each character with
/// the next one, the last character alone.
pub(crate) fn push_text_tokens(out: &mut String, folded: &str) {
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
pub(crate) fn documents(item: &Item) -> Vec<(Field, &str)> {
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

/// The tokens of an item for SQLite's FTS5 row: every text's tokens, space-separated.
pub(crate) fn fts_tokens(folded_texts: &[String]) -> String {
    let mut tokens = String::new();
    for text in folded_texts {
        push_text_tokens(&mut tokens, text);
    }
    tokens
}

/// The highest position a PostgreSQL `tsvector` keeps (later ones are clamped to it, which
/// would break phrases).
pub(crate) const MAX_TSVECTOR_POSITION: usize = 16_383;

/// The tokens of an item for PostgreSQL: `tsvector` literals (`'6162':1 '62':2 …`) over the
/// same tokens as [`fts_tokens`], at consecutive positions, cut into as many rows as it takes
/// to keep every position at or below [`MAX_TSVECTOR_POSITION`]. Texts are kept whole in a row
/// when they fit; a text longer than one row is cut into windows that overlap by
/// [`SearchQuery::MAX_CHARS`] tokens, so that every word a query can hold lies whole in one
/// window. Always at least one row (empty for an item without text), like the FTS5 row.
pub(crate) fn tsvector_rows(folded_texts: &[String]) -> Vec<String> {
    tsvector_rows_within(folded_texts, MAX_TSVECTOR_POSITION)
}

fn tsvector_rows_within(folded_texts: &[String], max: usize) -> Vec<String> {
    let overlap = SearchQuery::MAX_CHARS.min(max / 2);
    let mut rows: Vec<Vec<String>> = vec![Vec::new()];
    for text in folded_texts {
        let mut tokens = String::new();
        push_text_tokens(&mut tokens, text);
        let tokens: Vec<String> = tokens
            .split(' ')
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        if tokens.is_empty() {
            continue;
        }
        let current = rows.last().map_or(0, Vec::len);
        if current + tokens.len() <= max {
            if let Some(row) = rows.last_mut() {
                row.extend(tokens);
            }
            continue;
        }
        if current > 0 {
            rows.push(Vec::new());
        }
        if tokens.len() <= max {
            if let Some(row) = rows.last_mut() {
                row.extend(tokens);
            }
            continue;
        }
        // One text longer than a row: overlapping windows, each a row of its own.
        let mut start = 0;
        loop {
            let end = (start + max).min(tokens.len());
            let window = tokens[start..end].to_vec();
            match rows.last_mut() {
                Some(row) if row.is_empty() => *row = window,
                _ => rows.push(window),
            }
            if end == tokens.len() {
                break;
            }
            start = end - overlap;
        }
        rows.push(Vec::new());
    }
    if rows.len() > 1 && rows.last().is_some_and(Vec::is_empty) {
        rows.pop();
    }
    rows.into_iter()
        .map(|row| {
            let mut literal = String::new();
            for (i, token) in row.iter().enumerate() {
                if i > 0 {
                    literal.push(' ');
                }
                // Tokens are hex digits: nothing to quote.
                let _ = write!(literal, "'{token}':{}", i + 1);
            }
            literal
        })
        .collect()
}

impl SearchQuery {
    /// The PostgreSQL query: one `tsquery` literal per word, each a phrase of its bigram
    /// tokens (`'6162' <-> '6263'`; a one-character word the prefix of its token, `'61':*`);
    /// the store requires every word to match a row of the item.
    pub(crate) fn tsquery_words(&self) -> Vec<String> {
        self.words
            .iter()
            .map(|word| {
                let chars: Vec<char> = word.chars().collect();
                let mut query = String::new();
                if let [only] = chars.as_slice() {
                    query.push('\'');
                    push_token(&mut query, *only, None);
                    query.push_str("':*");
                    return query;
                }
                for (j, pair) in chars.windows(2).enumerate() {
                    if j > 0 {
                        query.push_str(" <-> ");
                    }
                    query.push('\'');
                    push_token(&mut query, pair[0], Some(pair[1]));
                    query.push('\'');
                }
                query
            })
            .collect()
    }
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

    #[test]
    fn postgres_queries_are_phrases_per_word() {
        let query = SearchQuery::parse("研修職 Dx 職").expect("valid");
        assert_eq!(
            query.tsquery_words(),
            ["'e7a094e4bfae' <-> 'e4bfaee881b7'", "'6478'", "'e881b7':*"]
        );
    }

    #[test]
    fn postgres_rows_keep_positions_within_the_cap() {
        let texts = vec!["ab".to_owned(), "c".to_owned()];
        assert_eq!(tsvector_rows(&texts), ["'6162':1 '62':2 '63':3"]);
        assert_eq!(tsvector_rows(&[]), [""]);
        // With a cap of 4: "ab" and "c" share a row, "defg" (4 tokens) starts the next.
        let texts = vec!["ab".to_owned(), "c".to_owned(), "defg".to_owned()];
        assert_eq!(
            tsvector_rows_within(&texts, 4),
            [
                "'6162':1 '62':2 '63':3",
                "'6465':1 '6566':2 '6667':3 '67':4"
            ]
        );
        // A text longer than a row is cut into windows overlapping by half the cap.
        let texts = vec!["abcdef".to_owned()];
        assert_eq!(
            tsvector_rows_within(&texts, 4),
            [
                "'6162':1 '6263':2 '6364':3 '6465':4",
                "'6364':1 '6465':2 '6566':3 '66':4"
            ]
        );
    }
}
