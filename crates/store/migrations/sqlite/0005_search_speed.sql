-- Search without per-hit folding and without a visibility subquery per match
-- (kaikaku_store::search; see migrations/postgres/0003_search_speed.sql for PostgreSQL).
--
-- `reports.latest_published` is TRUE on the latest published revision of each plan and year
-- (what anonymous visitors see) and FALSE on every other edition. The store keeps it in the
-- transactions that change it (kaikaku_store index::refresh_latest_published: an import, the
-- publication of an edition); set here for the editions stored before.
ALTER TABLE reports ADD COLUMN latest_published BOOLEAN NOT NULL DEFAULT FALSE;

UPDATE reports SET latest_published = TRUE
WHERE status = 'published'
  AND revision = (SELECT MAX(l.revision) FROM reports l
                  WHERE l.plan_id = reports.plan_id
                    AND l.report_fiscal_year = reports.report_fiscal_year
                    AND l.status = 'published');

-- A public search walks the latest published editions newest year first (index::search).
CREATE INDEX reports_latest_published_by_year ON reports (report_fiscal_year)
    WHERE latest_published;

-- `search_documents.folded` is the text as the index saw it (kaikaku_model::text::fold_search),
-- so that a hit chooses the text to show without folding every text of its item. Folding is
-- Rust's (NFKC, katakana → hiragana), not SQL's: the documents stored before this migration are
-- left NULL here and folded by the store when it next opens (index::fold_backlog, in batches,
-- found through the partial index below, which is empty once they are done); a search meanwhile
-- folds a NULL text itself.
ALTER TABLE search_documents ADD COLUMN folded TEXT;

CREATE INDEX search_documents_unfolded ON search_documents (id) WHERE folded IS NULL;

-- The FTS5 index of a bulk import is many segments (one per report, merged four at a time),
-- and a query looks a term up in each: merged into one, the national corpus's index answers
-- a phrase in half the time (BENCHMARKS.md, "Full-text search"). A few seconds, once; later
-- writes add segments again, which FTS5 merges as usual.
INSERT INTO search_index (search_index) VALUES ('optimize');
