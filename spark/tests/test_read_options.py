from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pipeline_spark.errors import SpecError
from pipeline_spark.readers import (
    REDSHIFT_FORMAT,
    jdbc_options,
    jdbc_partition_options,
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


def test_partitioned_read_spans_the_interval() -> None:
    assert jdbc_partition_options("updated_at", "timestamptz", DAY, 4) == {
        "partitionColumn": "updated_at",
        "lowerBound": "2026-01-01 00:00:00.000000",
        "upperBound": "2026-01-02 00:00:00.000000",
        "numPartitions": "4",
    }
    week = Interval(DAY.start, datetime(2026, 1, 8, tzinfo=timezone.utc))
    assert jdbc_partition_options("day", "date", week, 2)["upperBound"] == "2026-01-07"


def test_no_partitioning_where_the_bounds_would_mean_nothing() -> None:
    assert jdbc_partition_options("day", "date", DAY, 4) == {}
    assert jdbc_partition_options("version", "int8", DAY, 4) == {}
    assert jdbc_partition_options("updated_at", None, DAY, 4) == {}


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
