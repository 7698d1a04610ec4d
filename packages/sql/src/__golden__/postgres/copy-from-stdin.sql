COPY "analytics"."users__stg_x" ("user_id", "email", "country", "updated_at") FROM STDIN WITH (FORMAT csv);
