-- params: ["1234567"]
SELECT TRIM("filename") AS "file_name", "line_number", TRIM("colname") AS "column_name", TRIM("type") AS "column_type",
  SUBSTRING(TRIM("raw_field_value"), 1, 200) AS "raw_value", "err_code" AS "error_code", TRIM("err_reason") AS "reason"
FROM STL_LOAD_ERRORS
WHERE "query" = $1
ORDER BY "filename", "line_number"
LIMIT 5;
