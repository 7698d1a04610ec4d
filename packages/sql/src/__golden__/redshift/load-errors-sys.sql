-- params: ["1234567"]
SELECT TRIM("file_name") AS "file_name", "line_number", TRIM("column_name") AS "column_name", TRIM("column_type") AS "column_type",
  CAST(NULL AS varchar) AS "raw_value", "error_code", TRIM("error_message") AS "reason"
FROM SYS_LOAD_ERROR_DETAIL
WHERE "query_id" = $1
ORDER BY "file_name", "line_number"
LIMIT 5;
