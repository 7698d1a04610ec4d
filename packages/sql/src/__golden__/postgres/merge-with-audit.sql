BEGIN;

LOCK TABLE "analytics"."users" IN SHARE ROW EXCLUSIVE MODE;

MERGE INTO "analytics"."users"
USING "analytics"."users__stg_842079fadc27db07" AS "src"
ON "analytics"."users"."user_id" = "src"."user_id"
WHEN MATCHED THEN UPDATE SET "email" = "src"."email", "country" = "src"."country", "updated_at" = "src"."updated_at"
WHEN NOT MATCHED THEN INSERT ("user_id", "email", "country", "updated_at") VALUES ("src"."user_id", "src"."email", "src"."country", "src"."updated_at");

LOCK TABLE "pipeline_audit"."load_history" IN SHARE ROW EXCLUSIVE MODE;

-- params: ["users-2024-03-01","users"]
SELECT 1 / (CASE WHEN EXISTS (SELECT 1 FROM "pipeline_audit"."load_history" WHERE "run_id" = $1 AND "load_id" = $2) THEN 0 ELSE 1 END) AS "not_yet_merged";

-- params: ["users-2024-03-01","users","users","2024-03-01T00:00:00.000Z","2024-03-02T00:00:00.000Z","merge",10,9,4,5,null,"[{\"name\":\"unique(user_id)\",\"passed\":true,\"observed\":0}]"]
INSERT INTO "pipeline_audit"."load_history" ("run_id", "pipeline_id", "load_id", "interval_start", "interval_end", "strategy", "rows_read", "rows_staged", "rows_inserted", "rows_updated", "rows_deleted", "checks")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, CAST($12 AS jsonb));

COMMIT;
