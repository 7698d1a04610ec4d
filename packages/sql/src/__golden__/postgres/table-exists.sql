-- params: ["analytics","users"]
SELECT COUNT(*) > 0 AS "exists"
FROM information_schema.tables
WHERE table_schema = $1 AND table_name = $2;
