SELECT COUNT(*) AS "count" FROM (
select * from public.users_raw where country is not null
) AS "src";
