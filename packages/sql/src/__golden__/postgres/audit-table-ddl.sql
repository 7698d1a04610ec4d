CREATE SCHEMA IF NOT EXISTS "pipeline_audit";

CREATE TABLE IF NOT EXISTS "pipeline_audit"."load_history" (
  "run_id" varchar(256) NOT NULL,
  "pipeline_id" varchar(256) NOT NULL,
  "load_id" varchar(256) NOT NULL,
  "interval_start" timestamptz,
  "interval_end" timestamptz,
  "strategy" varchar(32) NOT NULL,
  "rows_read" bigint,
  "rows_staged" bigint NOT NULL,
  "rows_inserted" bigint,
  "rows_updated" bigint,
  "rows_deleted" bigint,
  "checks" jsonb,
  "loaded_at" timestamptz NOT NULL DEFAULT now()
);
