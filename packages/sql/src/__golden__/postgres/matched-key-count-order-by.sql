SELECT COUNT(*) AS "count", COALESCE(SUM("stale"), 0) AS "stale" FROM (
  SELECT "src"."user_id", MAX(CASE WHEN (("tgt"."updated_at" IS NOT NULL AND ("src"."updated_at" IS NULL OR "tgt"."updated_at" > "src"."updated_at")) OR ((("tgt"."updated_at" IS NULL AND "src"."updated_at" IS NULL) OR ("tgt"."updated_at" IS NOT NULL AND "src"."updated_at" IS NOT NULL AND "tgt"."updated_at" = "src"."updated_at")) AND ("tgt"."email" IS NOT NULL AND ("src"."email" IS NULL OR "tgt"."email" > "src"."email")))) THEN 1 ELSE 0 END) AS "stale"
  FROM "analytics"."users__stg_842079fadc27db07" AS "src"
  INNER JOIN "analytics"."users" AS "tgt" ON "tgt"."user_id" = "src"."user_id"
  GROUP BY "src"."user_id"
) AS "matched";
