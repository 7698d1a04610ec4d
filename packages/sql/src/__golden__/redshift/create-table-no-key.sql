CREATE TABLE "analytics"."users" (
  "c_string" varchar(65535) NOT NULL,
  "c_boolean" boolean
);
