-- params: ["2024-03-01T00:00:00.000Z","2024-03-02T00:00:00.000Z"]
SELECT COUNT(*) AS "count" FROM "public"."users_raw"
WHERE "updated_at" >= $1 AND "updated_at" < $2;
