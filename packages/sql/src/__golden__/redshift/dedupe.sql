DROP TABLE IF EXISTS "analytics"."users__stg_842079fadc27db07__dd_e2a0eb9f4c73b824";

CREATE TABLE "analytics"."users__stg_842079fadc27db07__dd_e2a0eb9f4c73b824" (LIKE "analytics"."users__stg_842079fadc27db07");

INSERT INTO "analytics"."users__stg_842079fadc27db07__dd_e2a0eb9f4c73b824" ("user_id", "email", "country", "updated_at")
SELECT "user_id", "email", "country", "updated_at" FROM (
  SELECT "user_id", "email", "country", "updated_at",
    ROW_NUMBER() OVER (PARTITION BY "user_id" ORDER BY "updated_at" DESC NULLS LAST, "email" ASC NULLS LAST, "country" ASC NULLS LAST) AS "__dedupe_rank"
  FROM "analytics"."users__stg_842079fadc27db07"
) AS "ranked"
WHERE "__dedupe_rank" = 1;

DROP TABLE "analytics"."users__stg_842079fadc27db07";

ALTER TABLE "analytics"."users__stg_842079fadc27db07__dd_e2a0eb9f4c73b824" RENAME TO "users__stg_842079fadc27db07";
