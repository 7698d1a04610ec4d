from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pipeline_spark.errors import SpecError
from pipeline_spark.readers import (
    REDSHIFT_FORMAT,
    jdbc_options,
    jdbc_partition_predicates,
    redshift_options,
    resolve_password,
)
from pipeline_spark.spec import Interval, JdbcRead, RedshiftRead

SELECT = 'SELECT * FROM "public"."users_raw"'
DAY = Interval(datetime(2026, 1, 1, tzinfo=timezone.utc), datetime(2026, 1, 2, tzinfo=timezone.utc))


def jdbc_read(**overrides: object) -> JdbcRead:
    values: dict[str, object] = {
        "url": "jdbc:postgresql://127.0.0.1:5432/test",
        "user": "etl",
        "password_env": "PIPELINE_JDBC_PASSWORD",
        "fetch_size": 10_000,
        "num_partitions": None,
        "driver": "org.postgresql.Driver",
    }
    values.update(overrides)
    return JdbcRead(**values)  # type: ignore[arg-type]


def redshift_read(**overrides: object) -> RedshiftRead:
    values: dict[str, object] = {
        "url": "jdbc:redshift://cluster.example:5439/dev",
        "tempdir": "s3://bucket/tmp/",
        "iam_role": "arn:aws:iam::123456789012:role/redshift-unload",
        "secret_arn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:warehouse",
        "user": None,
        "password_env": None,
        "tempdir_region": None,
    }
    values.update(overrides)
    return RedshiftRead(**values)  # type: ignore[arg-type]


def test_jdbc_options() -> None:
    options = jdbc_options(jdbc_read(), SELECT, "s3cret")

    assert options == {
        "url": "jdbc:postgresql://127.0.0.1:5432/test",
        "driver": "org.postgresql.Driver",
        "dbtable": '(SELECT * FROM "public"."users_raw") AS "pipeline_source"',
        "fetchsize": "10000",
        "user": "etl",
        "password": "s3cret",
        "sessionInitStatement": "SET TIME ZONE 'UTC'",
    }


def test_jdbc_options_without_credentials_for_other_databases() -> None:
    options = jdbc_options(jdbc_read(url="jdbc:sqlserver://db:1433", user=None, driver="com.example.Driver"), SELECT, None)

    assert "user" not in options and "password" not in options and "sessionInitStatement" not in options


def test_partitions_are_contiguous_ranges_covering_the_interval() -> None:
    predicates = jdbc_partition_predicates("updated_at", "timestamptz", DAY, 4)

    assert predicates == [
        "\"updated_at\" >= CAST('2026-01-01 00:00:00.000000+00:00' AS TIMESTAMPTZ)"
        " AND \"updated_at\" < CAST('2026-01-01 06:00:00.000000+00:00' AS TIMESTAMPTZ)",
        "\"updated_at\" >= CAST('2026-01-01 06:00:00.000000+00:00' AS TIMESTAMPTZ)"
        " AND \"updated_at\" < CAST('2026-01-01 12:00:00.000000+00:00' AS TIMESTAMPTZ)",
        "\"updated_at\" >= CAST('2026-01-01 12:00:00.000000+00:00' AS TIMESTAMPTZ)"
        " AND \"updated_at\" < CAST('2026-01-01 18:00:00.000000+00:00' AS TIMESTAMPTZ)",
        "\"updated_at\" >= CAST('2026-01-01 18:00:00.000000+00:00' AS TIMESTAMPTZ)"
        " AND \"updated_at\" < CAST('2026-01-02 00:00:00.000000+00:00' AS TIMESTAMPTZ)",
    ]


def test_uneven_splits_still_share_their_bounds() -> None:
    odd = Interval(DAY.start, DAY.start + timedelta(microseconds=10))

    predicates = jdbc_partition_predicates("day", "date", odd, 3)

    assert len(predicates) == 3
    uppers = [p.split(" < ")[1] for p in predicates]
    lowers = [p.split(" >= ")[1].split(" AND ")[0] for p in predicates]
    assert lowers[1:] == uppers[:-1]
    assert lowers[0].startswith("CAST('2026-01-01 00:00:00.000000") and uppers[-1].startswith("CAST('2026-01-01 00:00:00.000010")


def test_no_partitions_for_one_partition_or_other_types() -> None:
    assert jdbc_partition_predicates("updated_at", "timestamptz", DAY, 1) == []
    assert jdbc_partition_predicates("version", "int8", DAY, 4) == []
    assert jdbc_partition_predicates("updated_at", None, DAY, 4) == []


def test_redshift_options_unload_parquet_with_the_iam_role_and_secret() -> None:
    assert REDSHIFT_FORMAT == "io.github.spark_redshift_community.spark.redshift"
    assert redshift_options(redshift_read(tempdir_region="eu-west-1"), SELECT, None) == {
        "url": "jdbc:redshift://cluster.example:5439/dev",
        "query": SELECT,
        "tempdir": "s3://bucket/tmp/",
        "aws_iam_role": "arn:aws:iam::123456789012:role/redshift-unload",
        "unload_s3_format": "PARQUET",
        "secret.id": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:warehouse",
        "tempdir_region": "eu-west-1",
    }


def test_redshift_options_with_user_and_password() -> None:
    options = redshift_options(redshift_read(secret_arn=None, user="etl", password_env="PW"), SELECT, "s3cret")

    assert options["user"] == "etl" and options["password"] == "s3cret" and "secret.id" not in options


def test_password_comes_from_the_named_environment_variable() -> None:
    assert resolve_password(None, {"PW": "x"}) is None
    assert resolve_password("PW", {"PW": "x"}) == "x"
    with pytest.raises(SpecError) as caught:
        resolve_password("PW", {})
    assert caught.value.field == "read.passwordEnv"



def test_the_redshift_read_takes_user_and_password_from_the_secret_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """The connector gets plain credentials read from Secrets Manager, and the password never reaches the log."""
    import io
    import types

    from pipeline_spark import readers
    from pipeline_spark.log import JobLogger
    from pipeline_spark.spec import SourceSpec
    from pipeline_spark.warehouse_secret import WarehouseSecret

    secret = WarehouseSecret(engine="redshift", host="h", port=5439, username="etl", password="from-the-secret", dbname="dev")
    monkeypatch.setattr(readers, "read_warehouse_secret", lambda arn: secret)
    given: dict[str, object] = {}

    def fmt(name: str) -> types.SimpleNamespace:
        given["format"] = name
        return types.SimpleNamespace(options=lambda **options: (given.update(options=options), types.SimpleNamespace(load=lambda: "frame"))[1])

    # The Redshift connector is not installed here; a stand-in for spark.read notes what it is given.
    spark = types.SimpleNamespace(read=types.SimpleNamespace(format=fmt))
    spec = types.SimpleNamespace(read=redshift_read(), source=SourceSpec(table="public.users_raw", query=None, incremental_column=None), interval=None)
    log_stream = io.StringIO()
    assert readers.read_source(spark, spec, env={}, log=JobLogger(stream=log_stream)) == "frame"  # type: ignore[arg-type]
    options = given["options"]
    assert given["format"] == REDSHIFT_FORMAT
    assert isinstance(options, dict) and options["user"] == "etl" and options["password"] == "from-the-secret"
    assert "secret.id" not in options
    assert "from-the-secret" not in log_stream.getvalue()
