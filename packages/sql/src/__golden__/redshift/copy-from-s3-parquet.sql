COPY "analytics"."users__stg_x" ("user_id", "email", "country", "updated_at")
FROM 's3://pipeline-temp/runs/users-2024-03-01/users/'
IAM_ROLE 'arn:aws:iam::123456789012:role/pipeline-copy'
FORMAT AS PARQUET;
