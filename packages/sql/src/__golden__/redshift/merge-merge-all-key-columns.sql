BEGIN;

LOCK "analytics"."users";

MERGE INTO "analytics"."users"
USING "analytics"."users__stg_842079fadc27db07" AS "src"
ON "analytics"."users"."user_id" = "src"."user_id" AND "analytics"."users"."country" = "src"."country"
WHEN MATCHED THEN UPDATE SET "user_id" = "src"."user_id"
WHEN NOT MATCHED THEN INSERT ("user_id", "country") VALUES ("src"."user_id", "src"."country");

COMMIT;
