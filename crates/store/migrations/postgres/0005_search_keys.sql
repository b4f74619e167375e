-- The search tables without foreign keys (BENCHMARKS.md, "Bulk import").
--
-- A foreign key checks every inserted row with a query of its own, and a bulk import writes
-- about 17 search documents per item: those checks were a fifth of the server's time. The
-- search tables are derived from the items and written only by the store, in the
-- transaction that writes their item (kaikaku_store index::index_item), so the keys added no
-- safety there; what they did besides — leave with the item — is done by the trigger below,
-- as on SQLite (migrations/sqlite/0003_search.sql), once per statement.
ALTER TABLE search_index DROP CONSTRAINT search_index_item_id_fkey;
ALTER TABLE search_documents DROP CONSTRAINT search_documents_item_id_fkey;

CREATE FUNCTION items_leave_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_index WHERE item_id IN (SELECT id FROM gone);
    DELETE FROM search_documents WHERE item_id IN (SELECT id FROM gone);
    RETURN NULL;
END
$$;

CREATE TRIGGER items_leave_search AFTER DELETE ON items
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION items_leave_search();
