SELECT COUNT(*) AS "count" FROM (
  SELECT "user_id", "country" FROM "analytics"."users__stg_842079fadc27db07"
  GROUP BY "user_id", "country"
  HAVING COUNT(*) > 1
) AS "duplicates";
