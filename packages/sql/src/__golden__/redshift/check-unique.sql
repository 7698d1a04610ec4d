-- check: unique(user_id)
-- observed
SELECT COUNT(*) AS "observed" FROM (
  SELECT "user_id", COUNT(*) AS "occurrences" FROM "analytics"."users"
  WHERE "user_id" IS NOT NULL
  GROUP BY "user_id"
  HAVING COUNT(*) > 1
) AS "duplicates";
-- sample
SELECT "user_id", COUNT(*) AS "occurrences" FROM "analytics"."users"
WHERE "user_id" IS NOT NULL
GROUP BY "user_id"
HAVING COUNT(*) > 1
ORDER BY "user_id"
LIMIT 5;
