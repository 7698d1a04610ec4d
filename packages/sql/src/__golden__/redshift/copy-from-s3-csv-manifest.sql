COPY "analytics"."users__stg_x" ("user_id", "email", "country", "updated_at")
FROM 's3://pipeline-temp/runs/o''brien/users.manifest'
IAM_ROLE 'arn:aws-cn:iam::123456789012:role/team/pipeline-copy'
FORMAT AS CSV
MANIFEST
REGION 'cn-north-1';
