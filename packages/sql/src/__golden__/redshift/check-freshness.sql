-- check: freshness(updated_at)
-- observed
-- params: ["2024-03-01T12:00:00.000Z"]
SELECT DATEDIFF(second, MAX("updated_at"), CAST($1 AS timestamptz)) AS "observed" FROM "analytics"."users";
