-- A plan is named within its municipality (see migrations/sqlite/0004_plan_key.sql): the key
-- of `plans` becomes (municipality_code, name).
ALTER TABLE plans DROP CONSTRAINT plans_name_key;
ALTER TABLE plans ADD CONSTRAINT plans_municipality_code_name_key UNIQUE (municipality_code, name);
CREATE INDEX plans_by_name ON plans (name);
