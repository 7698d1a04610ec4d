-- check: freshness(updated_at)
-- observed
-- params: ["2024-03-01T12:00:00.000Z"]
SELECT CAST(FLOOR(EXTRACT(EPOCH FROM (CAST($1 AS timestamptz) - MAX("updated_at")))) AS bigint) AS "observed" FROM "analytics"."users";
