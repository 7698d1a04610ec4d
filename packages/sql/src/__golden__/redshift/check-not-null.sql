-- check: not_null(user_id, email)
-- observed
SELECT COUNT(*) AS "observed" FROM "analytics"."users" WHERE "user_id" IS NULL OR "email" IS NULL;
-- sample
SELECT "user_id", "email" FROM "analytics"."users"
WHERE "user_id" IS NULL OR "email" IS NULL
ORDER BY "user_id", "email"
LIMIT 5;
