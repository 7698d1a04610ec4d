BEGIN;

LOCK "analytics"."users";

DELETE FROM "analytics"."users";

INSERT INTO "analytics"."users" ("user_id", "email", "country", "updated_at")
SELECT "user_id", "email", "country", "updated_at"
FROM "analytics"."users__stg_842079fadc27db07";

COMMIT;
