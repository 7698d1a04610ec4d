BEGIN;

LOCK TABLE "analytics"."users" IN SHARE ROW EXCLUSIVE MODE;

DELETE FROM "analytics"."users__stg_842079fadc27db07"
USING "analytics"."users"
WHERE "analytics"."users"."user_id" = "analytics"."users__stg_842079fadc27db07"."user_id"
  AND (("analytics"."users"."updated_at" IS NOT NULL AND ("analytics"."users__stg_842079fadc27db07"."updated_at" IS NULL OR "analytics"."users"."updated_at" > "analytics"."users__stg_842079fadc27db07"."updated_at")) OR ((("analytics"."users"."updated_at" IS NULL AND "analytics"."users__stg_842079fadc27db07"."updated_at" IS NULL) OR ("analytics"."users"."updated_at" IS NOT NULL AND "analytics"."users__stg_842079fadc27db07"."updated_at" IS NOT NULL AND "analytics"."users"."updated_at" = "analytics"."users__stg_842079fadc27db07"."updated_at")) AND ("analytics"."users"."email" IS NOT NULL AND ("analytics"."users__stg_842079fadc27db07"."email" IS NULL OR "analytics"."users"."email" > "analytics"."users__stg_842079fadc27db07"."email"))));

DELETE FROM "analytics"."users"
USING "analytics"."users__stg_842079fadc27db07"
WHERE "analytics"."users"."user_id" = "analytics"."users__stg_842079fadc27db07"."user_id";

INSERT INTO "analytics"."users" ("user_id", "email", "country", "updated_at")
SELECT "user_id", "email", "country", "updated_at"
FROM "analytics"."users__stg_842079fadc27db07";

COMMIT;
