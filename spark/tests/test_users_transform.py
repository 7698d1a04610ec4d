from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from pyspark.sql import SparkSession

from pipeline_spark.transform_loader import TransformContext
from transforms import users

RAW_SCHEMA = (
    "user_id bigint, email string, full_name string, country string, signup_at timestamp, "
    "updated_at timestamp, is_active boolean, lifetime_value decimal(38,10), notes string"
)
SIGNUP = datetime(2025, 5, 1, 8, 30, tzinfo=timezone.utc)
UPDATED = datetime(2026, 1, 1, 12, 0, 0, 123456, tzinfo=timezone.utc)


def column_after(spark: SparkSession, fn, values: list[str | None]) -> list[str | None]:
    df = spark.createDataFrame([(i, v) for i, v in enumerate(values)], "i int, v string")
    return [row.v for row in df.select("i", fn(df.v).alias("v")).orderBy("i").collect()]


def context(spark: SparkSession) -> TransformContext:
    return TransformContext(spark, "users-20260101T000000Z", "users", "users", None, None, {})


def test_emails_are_trimmed_lower_cased_and_blank_becomes_null(spark: SparkSession) -> None:
    values = ["  Alice@Example.COM ", "\tbob@example.com\n", "", "   ", None, "\u00a0carol@x.io\u00a0", "dave+tag@EXAMPLE.org"]

    assert column_after(spark, users.clean_email, values) == [
        "alice@example.com", "bob@example.com", None, None, None, "carol@x.io", "dave+tag@example.org",
    ]


def test_names_are_trimmed_with_inner_whitespace_collapsed(spark: SparkSession) -> None:
    values = ["  Ada   Lovelace ", "Grace\t\tHopper", "Alan\n Turing", "Émilie  du   Châtelet", "", None, "Solo"]

    assert column_after(spark, users.clean_name, values) == [
        "Ada Lovelace", "Grace Hopper", "Alan Turing", "Émilie du Châtelet", "", None, "Solo",
    ]


COUNTRIES = [
    ("us", "US"), ("USA", "US"), ("United States", "US"), ("united  states of america", "US"), ("U.S.A.", "US"),
    (" de ", "DE"), ("Germany", "DE"), ("Deutschland", "DE"),
    ("france", "FR"), ("FR", "FR"), ("India", "IN"), ("brasil", "BR"), ("Brazil", "BR"),
    ("uk", "GB"), ("España", "ES"), ("méxico", "MX"),
    # Unknown spellings stay visible to the accepted_values check, cleaned but not guessed.
    ("Atlantis", "ATLANTIS"), ("  narnia  land ", "NARNIA LAND"), ("xx", "XX"), ("", None), (None, None),
]


def test_country_becomes_iso_alpha2_or_the_cleaned_value(spark: SparkSession) -> None:
    raw = [value for value, _ in COUNTRIES]

    assert list(zip(raw, column_after(spark, users.normalise_country, raw))) == COUNTRIES


def test_transform_cleans_in_place_and_keeps_the_other_columns(spark: SparkSession) -> None:
    raw = spark.createDataFrame(
        [
            (1, " A@B.COM ", " Ada  L ", "usa", SIGNUP, UPDATED, True, Decimal("12.3400000000"), 'has, "quotes"'),
            (2, "", None, None, None, UPDATED, None, None, None),
        ],
        RAW_SCHEMA,
    )

    out = users.transform(raw, context(spark))

    assert out.schema == raw.schema
    rows = {row.user_id: row.asDict() for row in out.collect()}
    assert rows[1] == {
        "user_id": 1, "email": "a@b.com", "full_name": "Ada L", "country": "US",
        "signup_at": SIGNUP.replace(tzinfo=None), "updated_at": UPDATED.replace(tzinfo=None),
        "is_active": True, "lifetime_value": Decimal("12.3400000000"), "notes": 'has, "quotes"',
    }
    assert rows[2]["email"] is None and rows[2]["country"] is None and rows[2]["full_name"] is None
