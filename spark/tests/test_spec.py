from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from pipeline_spark.errors import SpecError
from pipeline_spark.spec import DEFAULT_FETCH_SIZE, JdbcRead, RedshiftRead, parse_spec
from tests.specs import job_spec

REDSHIFT_READ = {
    "kind": "redshift",
    "url": "jdbc:redshift://cluster.example:5439/dev",
    "tempdir": "s3://bucket/tmp/",
    "iamRole": "arn:aws:iam::123456789012:role/redshift-unload",
    "secretArn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:warehouse-AbCdEf",
}


_DELETE = object()


def with_field(path: str, value: Any) -> dict[str, Any]:
    spec = job_spec()
    *parents, last = path.split(".")
    target = spec
    for part in parents:
        target = target[part]
    if value is _DELETE:
        del target[last]
    else:
        target[last] = value
    return spec


def spec_error(raw: Any) -> SpecError:
    with pytest.raises(SpecError) as caught:
        parse_spec(raw)
    return caught.value


def test_parses_the_contract_example() -> None:
    spec = parse_spec(job_spec(params={"country": "US", "limit": 3}, dedupe={"key": ["user_id"], "orderBy": ["updated_at"]}))

    assert spec.run_id == "users-20260101T000000Z"
    assert spec.interval is not None
    assert spec.interval.start == datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert spec.interval.end == datetime(2026, 1, 2, tzinfo=timezone.utc)
    assert spec.source.table == "public.users_raw"
    assert isinstance(spec.read, JdbcRead)
    assert spec.read.driver == "org.postgresql.Driver"
    assert spec.read.fetch_size == 1000
    assert spec.dedupe is not None and spec.dedupe.key == ("user_id",) and spec.dedupe.order_by == ("updated_at",)
    assert dict(spec.params) == {"country": "US", "limit": 3}
    with pytest.raises(TypeError):
        spec.params["country"] = "DE"  # type: ignore[index]


def test_interval_bounds_with_offsets_are_converted_to_utc() -> None:
    spec = parse_spec(job_spec(interval={"start": "2026-01-01T01:00:00+01:00", "end": "2026-01-01T12:00:00.5Z"}))

    assert spec.interval is not None
    assert spec.interval.start == datetime(2026, 1, 1, 0, 0, tzinfo=timezone.utc)
    assert spec.interval.start.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert spec.interval.end == datetime(2026, 1, 1, 12, 0, 0, 500000, tzinfo=timezone.utc)


def test_full_refresh_query_source_and_defaults() -> None:
    raw = job_spec(interval=None, source={"table": None, "query": "select * from users_raw where x > 1 ;\n", "incrementalColumn": None})
    del raw["read"]["fetchSize"]
    del raw["params"]

    spec = parse_spec(raw)

    assert spec.interval is None
    assert spec.source.query == "select * from users_raw where x > 1"
    assert spec.read.fetch_size == DEFAULT_FETCH_SIZE  # type: ignore[union-attr]
    assert dict(spec.params) == {}


def test_redshift_read() -> None:
    spec = parse_spec(job_spec(read=REDSHIFT_READ, output={"dir": "s3://bucket/runs/r1/users/data", "format": "parquet"}))

    assert isinstance(spec.read, RedshiftRead)
    assert spec.read.secret_arn == REDSHIFT_READ["secretArn"]
    assert spec.output.format == "parquet"


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ([], "spec"),
        (with_field("runId", ""), "runId"),
        (with_field("loadId", _DELETE), "loadId"),
        (with_field("manifest_path", "/x"), "manifest_path"),
        (with_field("interval.start", "2026-01-01"), "interval.start"),
        (with_field("interval.start", "yesterday"), "interval.start"),
        (with_field("interval.end", "2025-12-31T00:00:00Z"), "interval.end"),
        (with_field("source.query", "select 1"), "source"),
        (with_field("source.table", None), "source"),
        (with_field("source.table", 'users"; drop table x; --'), "source.table"),
        (with_field("source.table", "Public.Users"), "source.table"),
        (with_field("source.incrementalColumn", "updated at"), "source.incrementalColumn"),
        (with_field("source.incrementalColumn", None), "source.incrementalColumn"),
        (with_field("read.kind", "odbc"), "read.kind"),
        (with_field("read.url", "postgresql://127.0.0.1/test"), "read.url"),
        (with_field("read.url", "jdbc:sqlserver://db:1433"), "read.driver"),
        (with_field("read.fetchSize", 0), "read.fetchSize"),
        (with_field("read.fetchSize", True), "read.fetchSize"),
        (with_field("read.numPartitions", 65), "read.numPartitions"),
        (with_field("read.passwordEnv", "not a name"), "read.passwordEnv"),
        (with_field("read.password", "hunter2"), "read.password"),
        (with_field("transform", {"path": "spark/transforms/users.sql"}), "transform.path"),
        (with_field("params", {"nested": {"a": 1}}), "params.nested"),
        (with_field("dedupe", {"key": []}), "dedupe.key"),
        (with_field("dedupe", {"key": ["user_id", "user_id"]}), "dedupe.key"),
        (with_field("dedupe", {"key": ["user_id"], "orderBy": ["Updated"]}), "dedupe.orderBy.0"),
        (with_field("output.format", "json"), "output.format"),
        (with_field("output.dir", "relative/out"), "output.dir"),
        (with_field("output.dir", "/"), "output.dir"),
        (with_field("output.dir", "s3://bucket/"), "output.dir"),
        (with_field("manifestPath", None), "manifestPath"),
        (job_spec(read={**REDSHIFT_READ, "tempdir": "/tmp/x"}), "read.tempdir"),
        (job_spec(read={**REDSHIFT_READ, "iamRole": "role/x"}), "read.iamRole"),
        (job_spec(read={k: v for k, v in REDSHIFT_READ.items() if k != "secretArn"}), "read.secretArn"),
        (job_spec(read={**REDSHIFT_READ, "user": "etl"}), "read.secretArn"),
    ],
)
def test_rejects_with_the_offending_field(raw: Any, field: str) -> None:
    err = spec_error(raw)

    assert err.field == field
    assert err.code == "E_SPARK_SPEC"
    assert err.exit_code == 2
    assert field in str(err)
