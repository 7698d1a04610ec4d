-- check: no_future_updates
-- observed
SELECT COUNT(*) AS "observed" FROM (
SELECT user_id FROM "analytics"."users" WHERE updated_at > now()
) AS "failing";
-- sample
SELECT * FROM (
SELECT user_id FROM "analytics"."users" WHERE updated_at > now()
) AS "failing"
LIMIT 5;
