SELECT COUNT(*) AS "count" FROM (
  SELECT DISTINCT "src"."user_id"
  FROM "analytics"."users__stg_842079fadc27db07" AS "src"
  INNER JOIN "analytics"."users" AS "tgt" ON "tgt"."user_id" = "src"."user_id"
) AS "matched";
