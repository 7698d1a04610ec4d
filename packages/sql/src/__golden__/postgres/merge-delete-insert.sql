BEGIN;

LOCK TABLE "analytics"."users" IN SHARE ROW EXCLUSIVE MODE;

DELETE FROM "analytics"."users"
USING "analytics"."users__stg_842079fadc27db07"
WHERE "analytics"."users"."user_id" = "analytics"."users__stg_842079fadc27db07"."user_id";

INSERT INTO "analytics"."users" ("user_id", "email", "country", "updated_at")
SELECT "user_id", "email", "country", "updated_at"
FROM "analytics"."users__stg_842079fadc27db07";

COMMIT;
