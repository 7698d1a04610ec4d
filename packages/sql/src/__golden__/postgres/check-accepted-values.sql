-- check: accepted_values(country)
-- observed
-- params: ["DE","FR","GB"]
SELECT COUNT(*) AS "observed" FROM "analytics"."users" WHERE "country" IS NOT NULL AND "country" NOT IN ($1, $2, $3);
-- sample
-- params: ["DE","FR","GB"]
SELECT "user_id", "country" FROM "analytics"."users"
WHERE "country" IS NOT NULL AND "country" NOT IN ($1, $2, $3)
ORDER BY "user_id", "country"
LIMIT 5;
