SELECT COUNT(*) AS "count" FROM "analytics"."users__stg_842079fadc27db07";
