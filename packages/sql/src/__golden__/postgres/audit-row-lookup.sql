-- params: ["users-2024-03-01","users"]
SELECT "rows_staged", "rows_inserted", "rows_updated", "rows_deleted", "loaded_at" FROM "pipeline_audit"."load_history" WHERE "run_id" = $1 AND "load_id" = $2;
