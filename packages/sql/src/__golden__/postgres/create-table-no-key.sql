CREATE TABLE "analytics"."users" (
  "c_string" text NOT NULL,
  "c_boolean" boolean
);
