BEGIN;

LOCK TABLE "analytics"."users" IN SHARE ROW EXCLUSIVE MODE;

-- params: ["2024-03-01T00:00:00.000Z","2024-03-02T00:00:00.000Z"]
DELETE FROM "analytics"."users"
WHERE "updated_at" >= $1 AND "updated_at" < $2;

INSERT INTO "analytics"."users" ("user_id", "email", "country", "updated_at")
SELECT "user_id", "email", "country", "updated_at"
FROM "analytics"."users__stg_842079fadc27db07";

COMMIT;
