-- check: no_orders_over_limit
-- observed
-- params: ["DE",1000]
SELECT COUNT(*) AS "observed" FROM (
SELECT order_id FROM "analytics"."users" WHERE country = $1 AND total > $2
) AS "failing";
-- sample
-- params: ["DE",1000]
SELECT * FROM (
SELECT order_id FROM "analytics"."users" WHERE country = $1 AND total > $2
) AS "failing"
LIMIT 5;
