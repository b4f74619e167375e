-- lz4 instead of pglz for the long values of search (kaikaku_store::search; BENCHMARKS.md,
-- "Full-text search" and "Bulk import"): a phrase query rechecks each candidate's whole
-- `tsvector` row, decompressing it (31 µs per row with pglz, most of a phrase query's time),
-- and a bulk import spent about 8 % of the server's time compressing with pglz. lz4 compresses
-- several times faster and decompresses faster still, at a slightly larger size. Values
-- stored before keep pglz (PostgreSQL reads both) until they are rewritten.
--
-- lz4 is in every PostgreSQL built with it (Debian's and most packages since 14); a server
-- without it keeps pglz, and everything works as before.
DO $$
BEGIN
    ALTER TABLE search_index ALTER COLUMN tokens SET COMPRESSION lz4;
    ALTER TABLE search_documents
        ALTER COLUMN text SET COMPRESSION lz4,
        ALTER COLUMN folded SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 is not available: search values stay compressed with pglz';
END
$$;
