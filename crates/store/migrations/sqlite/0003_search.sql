-- Full-text search over the texts of every sheet (kaikaku_store::search).
--
-- `search_documents` holds each searchable text of an item (title, contents, goal, actions,
-- narratives, effects, evaluation) as written, with its field path and Japanese label: what a
-- hit shows and highlights. `search_index` holds ONE row per item (rowid = items.id) whose
-- column is the token stream of all those texts, built in Rust: every text is folded
-- (kaikaku_model::text::fold_search), each character becomes the token of itself and the next
-- one (a bigram), the last character of a text a token of its own, each token written as the
-- hex of its UTF-8 so that the `ascii` tokenizer keeps it whole. A query is a phrase of
-- consecutive bigrams (a substring of one text), several words an AND over the item; a
-- one-character word is a prefix query. Both tables are rewritten by the same function in
-- the same transaction as the item rows.
--
-- PostgreSQL does the same with `tokens tsvector` (to_tsvector('simple', …)) under a GIN index
-- and phrase queries (`<->`); the folding and the tokens stay in Rust.
CREATE TABLE search_documents (
    id       INTEGER PRIMARY KEY,
    item_id  BIGINT  NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    -- Field::path (`title`, `contents.0`, `actions`, `narratives.1` …).
    field    TEXT    NOT NULL,
    -- Field::label_in: the part's name as on the sheet.
    label    TEXT    NOT NULL,
    text     TEXT    NOT NULL,
    UNIQUE (item_id, position)
);

CREATE VIRTUAL TABLE search_index USING fts5 (
    tokens,
    content = '',
    contentless_delete = 1,
    tokenize = 'ascii'
);

-- Items deleted with their report (a re-import) leave the index with them.
CREATE TRIGGER items_leave_search_index AFTER DELETE ON items
BEGIN
    DELETE FROM search_index WHERE rowid = old.id;
END;

-- Editions stored before this migration, indexed by the store when it next opens.
CREATE TABLE search_backlog (
    report_id BIGINT PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE
);

INSERT INTO search_backlog (report_id) SELECT id FROM reports;
