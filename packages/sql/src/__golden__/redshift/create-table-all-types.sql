CREATE TABLE "analytics"."all_types" (
  "c_string" varchar(65535) NOT NULL,
  "c_boolean" boolean,
  "c_int16" smallint,
  "c_int32" integer,
  "c_int64" bigint NOT NULL,
  "c_float32" real,
  "c_float64" double precision,
  "c_decimal" numeric(38,10),
  "c_date" date,
  "c_timestamp" timestamp,
  "c_timestamptz" timestamptz,
  "c_binary" varbyte(1024000),
  PRIMARY KEY ("c_string", "c_int64")
);
