-- The municipality a plan belongs to (全国地方公共団体コード and name), when it is known.
-- Empty strings mean "not given": imports without a municipality leave what was stored.
ALTER TABLE plans ADD COLUMN municipality_code TEXT NOT NULL DEFAULT '';
ALTER TABLE plans ADD COLUMN municipality_name TEXT NOT NULL DEFAULT '';
