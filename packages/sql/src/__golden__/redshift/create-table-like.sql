CREATE TABLE "analytics"."users__stg_842079fadc27db07" (LIKE "analytics"."users");
