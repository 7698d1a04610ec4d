-- check: reconciliation(user_id)
-- observed
SELECT COUNT(*) AS "observed" FROM (
  SELECT DISTINCT "src"."user_id"
  FROM "analytics"."users__stg_842079fadc27db07" AS "src"
  LEFT JOIN "analytics"."users" AS "tgt" ON "tgt"."user_id" = "src"."user_id"
  WHERE "tgt"."user_id" IS NULL
) AS "missing";
-- sample
SELECT DISTINCT "src"."user_id"
FROM "analytics"."users__stg_842079fadc27db07" AS "src"
LEFT JOIN "analytics"."users" AS "tgt" ON "tgt"."user_id" = "src"."user_id"
WHERE "tgt"."user_id" IS NULL
ORDER BY "src"."user_id"
LIMIT 5;
