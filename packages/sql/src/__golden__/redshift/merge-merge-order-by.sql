BEGIN;

LOCK "analytics"."users";

DELETE FROM "analytics"."users__stg_842079fadc27db07"
USING "analytics"."users"
WHERE "analytics"."users"."user_id" = "analytics"."users__stg_842079fadc27db07"."user_id"
  AND ("analytics"."users"."updated_at" IS NOT NULL AND ("analytics"."users__stg_842079fadc27db07"."updated_at" IS NULL OR "analytics"."users"."updated_at" > "analytics"."users__stg_842079fadc27db07"."updated_at"));

MERGE INTO "analytics"."users"
USING "analytics"."users__stg_842079fadc27db07" AS "src"
ON "analytics"."users"."user_id" = "src"."user_id"
WHEN MATCHED THEN UPDATE SET "email" = "src"."email", "country" = "src"."country", "updated_at" = "src"."updated_at"
WHEN NOT MATCHED THEN INSERT ("user_id", "email", "country", "updated_at") VALUES ("src"."user_id", "src"."email", "src"."country", "src"."updated_at");

COMMIT;
