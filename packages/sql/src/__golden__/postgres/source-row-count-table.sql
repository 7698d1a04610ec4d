SELECT COUNT(*) AS "count" FROM "public"."users_raw";
