-- Search without per-hit folding and without a visibility subquery per match: the same
-- columns as migrations/sqlite/0005_search_speed.sql (see there), backfilled the same way.
ALTER TABLE reports ADD COLUMN latest_published BOOLEAN NOT NULL DEFAULT FALSE;

UPDATE reports SET latest_published = TRUE
WHERE status = 'published'
  AND revision = (SELECT MAX(l.revision) FROM reports l
                  WHERE l.plan_id = reports.plan_id
                    AND l.report_fiscal_year = reports.report_fiscal_year
                    AND l.status = 'published');

CREATE INDEX reports_latest_published_by_year ON reports (report_fiscal_year)
    WHERE latest_published;

ALTER TABLE search_documents ADD COLUMN folded TEXT;

CREATE INDEX search_documents_unfolded ON search_documents (id) WHERE folded IS NULL;
