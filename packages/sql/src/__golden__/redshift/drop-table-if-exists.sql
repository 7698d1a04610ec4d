DROP TABLE IF EXISTS "analytics"."users__stg_842079fadc27db07";
