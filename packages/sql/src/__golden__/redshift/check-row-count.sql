-- check: row_count
-- observed
SELECT COUNT(*) AS "observed" FROM "analytics"."users";
