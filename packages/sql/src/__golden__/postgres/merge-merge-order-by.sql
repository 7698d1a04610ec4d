BEGIN;

LOCK TABLE "analytics"."users" IN SHARE ROW EXCLUSIVE MODE;

MERGE INTO "analytics"."users"
USING "analytics"."users__stg_842079fadc27db07" AS "src"
ON "analytics"."users"."user_id" = "src"."user_id"
WHEN MATCHED AND NOT ("analytics"."users"."updated_at" IS NOT NULL AND ("src"."updated_at" IS NULL OR "analytics"."users"."updated_at" > "src"."updated_at")) THEN UPDATE SET "email" = "src"."email", "country" = "src"."country", "updated_at" = "src"."updated_at"
WHEN NOT MATCHED THEN INSERT ("user_id", "email", "country", "updated_at") VALUES ("src"."user_id", "src"."email", "src"."country", "src"."updated_at");

COMMIT;
