"""The whole job, in process with the shared session, against a real PostgreSQL source table."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from pyspark.sql import SparkSession

from jobs.load_job import main, run
from pipeline_spark.errors import OutputSchemaError, SpecError, TransformError
from pipeline_spark.log import JobLogger
from tests.conftest import IN_INTERVAL, SPARK_ROOT, USERS
from tests.specs import job_spec

@pytest.fixture
def spec_for(tmp_path: Path, jdbc: dict[str, Any], users_raw: str):
    def build(source: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
        spec = job_spec(out=tmp_path / "run", jdbc=jdbc, **overrides)
        spec["source"] = {**spec["source"], "table": users_raw, **(source or {})}
        return spec

    return build


def output_records(spec: dict[str, Any], manifest: dict[str, Any]) -> list[list[str]]:
    data = Path(spec["output"]["dir"])
    text = "".join((data / name).read_bytes().decode("utf-8") for name in manifest["files"])
    return list(csv.reader(io.StringIO(text, newline="")))


def ids(records: list[list[str]]) -> list[int]:
    return sorted(int(record[0]) for record in records)


def test_interval_run_writes_the_interval_rows_and_the_manifest(spark: SparkSession, spec_for) -> None:
    spec = spec_for()

    manifest = run(spec, spark)

    assert json.loads(Path(spec["manifestPath"]).read_text()) == manifest
    assert manifest["rowsRead"] == 3 and manifest["rowsWritten"] == 3 and manifest["format"] == "csv"
    data = Path(spec["output"]["dir"])
    assert manifest["files"] and all((data / name).is_file() for name in manifest["files"])
    assert sorted(p.name for p in data.glob("part-*")) == manifest["files"]
    assert manifest["columns"] == [
        {"name": "user_id", "type": {"kind": "int64"}, "nullable": True},
        {"name": "email", "type": {"kind": "string"}, "nullable": True},
        {"name": "full_name", "type": {"kind": "string"}, "nullable": True},
        {"name": "country", "type": {"kind": "string"}, "nullable": True},
        {"name": "signup_at", "type": {"kind": "timestamptz"}, "nullable": True},
        {"name": "updated_at", "type": {"kind": "timestamptz"}, "nullable": True},
        {"name": "is_active", "type": {"kind": "boolean"}, "nullable": True},
        {"name": "lifetime_value", "type": {"kind": "decimal", "precision": 38, "scale": 10}, "nullable": True},
        {"name": "notes", "type": {"kind": "string"}, "nullable": True},
    ]
    records = output_records(spec, manifest)
    assert ids(records) == IN_INTERVAL
    first = next(r for r in records if r[0] == "1")
    assert first == ["1", " Ann@Example.com ", "Ann  Lee", "usa", "2025-01-01T00:00:00.000000Z", "2026-01-01T00:00:00.000000Z", "true", "10.5000000000", ""]
    latest_bo = next(r for r in records if r[1] == "bo@example.com")
    assert latest_bo[7] == "0.0000000001" and latest_bo[8] == 'a,"b"\nc'


def test_full_refresh_reads_every_row_and_can_write_parquet(spark: SparkSession, spec_for) -> None:
    spec = spec_for(interval=None)
    spec["output"]["format"] = "parquet"

    manifest = run(spec, spark)

    assert manifest["rowsRead"] == manifest["rowsWritten"] == len(USERS)
    assert manifest["format"] == "parquet" and all(name.endswith(".parquet") for name in manifest["files"])
    back = spark.read.parquet(spec["output"]["dir"])
    assert sorted(row.user_id for row in back.collect()) == sorted(u[0] for u in USERS)


def test_query_source_is_filtered_to_the_interval_too(spark: SparkSession, spec_for, users_raw: str) -> None:
    query = f"select user_id, email, updated_at from {users_raw} where is_active -- active users only;"
    spec = spec_for(source={"table": None, "query": query})

    manifest = run(spec, spark)

    assert [c["name"] for c in manifest["columns"]] == ["user_id", "email", "updated_at"]
    assert ids(output_records(spec, manifest)) == IN_INTERVAL


def test_partitioned_read_neither_loses_nor_repeats_rows(spark: SparkSession, spec_for) -> None:
    spec = spec_for(interval={"start": "2025-01-01T00:00:00Z", "end": "2027-01-01T00:00:00Z"})
    spec["read"]["numPartitions"] = 5

    manifest = run(spec, spark)

    with_timestamp = sorted(u[0] for u in USERS if u[5] is not None)
    assert ids(output_records(spec, manifest)) == with_timestamp
    assert manifest["rowsRead"] == len(with_timestamp) and len(manifest["files"]) > 1


def test_dedupe_keeps_the_latest_row_per_key_deterministically(spark: SparkSession, spec_for) -> None:
    results = []
    for partitions in (1, 3):
        spec = spec_for(interval=None, dedupe={"key": ["user_id"], "orderBy": ["updated_at"]})
        spec["output"]["dir"] += f"-{partitions}"
        manifest = run(spec, spark)
        results.append(sorted(output_records(spec, manifest)))
        assert manifest["rowsRead"] == len(USERS) and manifest["rowsWritten"] == 6

    assert results[0] == results[1]
    emails = {int(r[0]): r[1] for r in results[0]}
    # Latest wins and NULL counts as oldest; Fay's two rows tie on updated_at and the smaller email wins.
    assert emails[2] == "bo@example.com" and emails[5] == "ed@example.com" and emails[6] == "a@example.com"


def test_users_transform_by_relative_path(spark: SparkSession, spec_for, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SPARK_ROOT)
    spec = spec_for(transform={"path": "transforms/users.py"}, dedupe={"key": ["user_id"], "orderBy": ["updated_at"]})

    manifest = run(spec, spark)

    assert manifest["rowsRead"] == 3 and manifest["rowsWritten"] == 2
    records = {int(r[0]): r for r in output_records(spec, manifest)}
    assert records[1][1:4] == ["ann@example.com", "Ann Lee", "US"]
    assert records[2][1:4] == ["bo@example.com", "Bo", "DE"]


def test_transform_gets_its_context_and_may_use_its_input_twice(spark: SparkSession, spec_for, tmp_path: Path) -> None:
    module = tmp_path / "tagging.py"
    module.write_text(textwrap.dedent(
        """
        from pyspark.sql import functions as F, types as T

        SUFFIX = "!"

        @F.udf(T.StringType())
        def shout(value):
            return None if value is None else value.upper() + SUFFIX

        def transform(df, ctx):
            tagged = df.select(
                "user_id",
                shout("full_name").alias("name"),
                F.lit(ctx.run_id).alias("run_id"),
                F.lit(ctx.params["label"]).alias("label"),
                F.lit(ctx.interval_start).alias("interval_start"),
            )
            return tagged.unionByName(tagged)
        """
    ))
    spec = spec_for(transform={"path": str(module)}, params={"label": "batch-7"})

    manifest = run(spec, spark)

    assert manifest["rowsRead"] == 3 and manifest["rowsWritten"] == 6
    records = output_records(spec, manifest)
    assert {tuple(r[1:]) for r in records} == {
        ("ANN  LEE!", spec["runId"], "batch-7", "2026-01-01T00:00:00.000000Z"),
        ("BO!", spec["runId"], "batch-7", "2026-01-01T00:00:00.000000Z"),
    }


def test_a_rerun_replaces_the_output_and_the_manifest(spark: SparkSession, spec_for) -> None:
    spec = spec_for()
    data = Path(spec["output"]["dir"])
    data.mkdir(parents=True)
    (data / "part-00000-stale.csv").write_text("999,stale\n")
    Path(spec["manifestPath"]).write_text('{"stale": true}')

    manifest = run(spec, spark)

    assert not (data / "part-00000-stale.csv").exists()
    assert json.loads(Path(spec["manifestPath"]).read_text()) == manifest


def test_a_failed_run_leaves_no_manifest_behind(spark: SparkSession, spec_for, schema: str) -> None:
    spec = spec_for(source={"table": f"{schema}.no_such_table"})
    Path(spec["manifestPath"]).parent.mkdir(parents=True)
    Path(spec["manifestPath"]).write_text('{"rowsRead": 1}')

    with pytest.raises(Exception, match="no_such_table"):
        run(spec, spark)

    assert not Path(spec["manifestPath"]).exists()


def test_timestamp_without_time_zone_stays_zone_less(spark: SparkSession, pg: psycopg.Connection, schema: str, tmp_path: Path, jdbc: dict[str, Any]) -> None:
    pg.execute(sql.SQL("CREATE TABLE {} (id int, seen_at timestamp, at timestamptz)").format(sql.Identifier(schema, "events")))
    pg.execute(
        sql.SQL("INSERT INTO {} VALUES (1, '2026-01-01 10:00:00.5', '2026-01-01 10:00:00.5+02'), (2, '2026-01-01 23:00', null)").format(
            sql.Identifier(schema, "events")
        )
    )
    spec = job_spec(out=tmp_path / "run", jdbc=jdbc, source={"table": f"{schema}.events", "query": None, "incrementalColumn": "seen_at"})
    spec["read"]["numPartitions"] = 2

    manifest = run(spec, spark)

    assert [c["type"]["kind"] for c in manifest["columns"]] == ["int32", "timestamp", "timestamptz"]
    assert sorted(output_records(spec, manifest)) == [
        ["1", "2026-01-01T10:00:00.500000", "2026-01-01T08:00:00.500000Z"],
        ["2", "2026-01-01T23:00:00.000000", ""],
    ]


def test_password_from_the_named_variable_is_used_and_never_logged(spark: SparkSession, spec_for) -> None:
    spec = spec_for()
    spec["read"]["passwordEnv"] = "PIPELINE_TEST_JDBC_PASSWORD"
    password = "pw-" + "x7Q!k2" * 3
    stream = io.StringIO()

    run(spec, spark, env={"PIPELINE_TEST_JDBC_PASSWORD": password}, log=JobLogger(stream, run_id=spec["runId"]))

    assert '"msg": "load finished"' in stream.getvalue()
    assert password not in stream.getvalue()
    with pytest.raises(SpecError) as caught:
        run(spec, spark, env={})
    assert caught.value.field == "read.passwordEnv"


def write_module(tmp_path: Path, body: str) -> str:
    module = tmp_path / "bad_transform.py"
    module.write_text(textwrap.dedent(body))
    return str(module)


@pytest.mark.parametrize(
    ("body", "error", "detail"),
    [
        (None, SpecError, "transform.path"),
        ("VALUE = 1\n", SpecError, "transform.path"),
        ("raise ImportError('boom')\n", TransformError, "import failed"),
        ("def transform(df, ctx):\n    return df.select('no_such_column')\n", TransformError, "no_such_column"),
        ("def transform(df, ctx):\n    return df.count()\n", TransformError, "must return a DataFrame"),
        (
            "from pyspark.sql import functions as F\ndef transform(df, ctx):\n    return df.select('user_id', F.array('email').alias('Emails'))\n",
            OutputSchemaError,
            "'Emails'",
        ),
    ],
)
def test_transform_problems_fail_with_a_clear_error(spark: SparkSession, spec_for, tmp_path: Path, body: str | None, error: type, detail: str) -> None:
    path = str(tmp_path / "missing.py") if body is None else write_module(tmp_path, body)
    spec = spec_for(transform={"path": path})

    with pytest.raises(error) as caught:
        run(spec, spark)

    assert detail in str(caught.value)
    assert not Path(spec["manifestPath"]).exists()


def test_dedupe_on_a_column_the_output_lacks_is_a_spec_error(spark: SparkSession, spec_for) -> None:
    spec = spec_for(dedupe={"key": ["user_id"], "orderBy": ["changed_at"]})

    with pytest.raises(SpecError) as caught:
        run(spec, spark)

    assert caught.value.field == "dedupe.orderBy" and "changed_at" in str(caught.value)


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["--spec", "/nonexistent/spec.json"], "--spec"),
        (["--spec-json", "{not json"], "--spec-json"),
        (["--spec-json", json.dumps(job_spec(output={"dir": "out", "format": "csv"}))], "output.dir"),
    ],
)
def test_main_exits_2_on_a_bad_spec_naming_the_field(argv: list[str], field: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv, env={}) == 2

    (line,) = capsys.readouterr().err.strip().splitlines()
    record = json.loads(line)
    assert record["level"] == "error" and record["code"] == "E_SPARK_SPEC" and record["field"] == field
    assert field in record["msg"]
