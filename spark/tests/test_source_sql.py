from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pipeline_spark.identifiers import quote_identifier, quote_table
from pipeline_spark.source_sql import as_relation, source_select, timestamptz_literal
from pipeline_spark.spec import Interval, SourceSpec

DAY = Interval(datetime(2026, 1, 1, tzinfo=timezone.utc), datetime(2026, 1, 2, tzinfo=timezone.utc))


def test_table_with_interval() -> None:
    sql = source_select(SourceSpec("public.users_raw", None, "updated_at"), DAY)

    assert sql == (
        'SELECT * FROM "public"."users_raw" WHERE "updated_at" >= '
        "CAST('2026-01-01 00:00:00.000000+00:00' AS TIMESTAMPTZ) AND \"updated_at\" < "
        "CAST('2026-01-02 00:00:00.000000+00:00' AS TIMESTAMPTZ)"
    )


def test_full_refresh_reads_everything() -> None:
    assert source_select(SourceSpec("users_raw", None, "updated_at"), None) == 'SELECT * FROM "users_raw"'


def test_query_is_wrapped_so_a_trailing_comment_cannot_swallow_the_filter() -> None:
    sql = source_select(SourceSpec(None, "select * from users_raw -- all of them", "updated_at"), DAY)

    assert sql.startswith('SELECT * FROM (\nselect * from users_raw -- all of them\n) AS "pipeline_query" WHERE "updated_at" >= ')


def test_as_relation() -> None:
    assert as_relation('SELECT * FROM "t"') == '(SELECT * FROM "t") AS "pipeline_source"'


def test_literal_is_rendered_from_the_datetime_in_utc() -> None:
    berlin = timezone(timedelta(hours=1))

    assert timestamptz_literal(datetime(2026, 1, 1, 1, 0, 0, 5, tzinfo=berlin)) == (
        "CAST('2026-01-01 00:00:00.000005+00:00' AS TIMESTAMPTZ)"
    )
    assert timestamptz_literal(datetime(5, 1, 1, tzinfo=timezone.utc)) == "CAST('0005-01-01 00:00:00.000000+00:00' AS TIMESTAMPTZ)"
    with pytest.raises(ValueError):
        timestamptz_literal(datetime(2026, 1, 1))


def test_identifiers_are_validated_before_quoting() -> None:
    assert quote_identifier("updated_at") == '"updated_at"'
    assert quote_table("analytics.users") == '"analytics"."users"'
    for bad in ('a"b', "Upper", "1abc", "", "a.b.c", "x y"):
        with pytest.raises(ValueError):
            quote_table(bad) if "." in bad else quote_identifier(bad)
