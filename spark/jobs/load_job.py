"""The extract-transform phase of a load: read the source, transform, write files and a manifest.

    spark-submit [--master local[2]] spark/jobs/load_job.py --spec <spec.json>
    spark-submit --deploy-mode cluster --py-files pipeline_spark.zip load_job.py --spec-json '<json>'
    spark-submit --deploy-mode cluster --py-files pipeline_spark.zip load_job.py --spec s3://bucket/spec.json

A spec too long for the step's arguments (EMR allows 10,240 characters in all) travels as an S3
object instead, read with boto3 before Spark starts.

Exit codes: 0 success, 2 unusable spec (the message names the field), 1 any other failure.
Progress and failures go to stderr as JSON lines (spark-submit's stderr when run under it).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

if __package__ in (None, ""):
    # Run as a script from a checkout: make the sibling pipeline_spark package importable.
    # On a cluster it comes from the --py-files zip and this directory has no copy of it.
    _SPARK_ROOT = Path(__file__).resolve().parent.parent
    if (_SPARK_ROOT / "pipeline_spark").is_dir() and str(_SPARK_ROOT) not in sys.path:
        sys.path.insert(0, str(_SPARK_ROOT))

from py4j.protocol import Py4JJavaError
from pyspark import SparkContext
from pyspark.sql import DataFrame, SparkSession

from pipeline_spark.counting import count_source, observe_rows
from pipeline_spark.dedupe import keep_latest
from pipeline_spark.errors import JdbcJarError, JobError, SpecError, first_line
from pipeline_spark.log import JobLogger, JvmStderr
from pipeline_spark.manifest import build_manifest, write_manifest
from pipeline_spark.readers import read_source
from pipeline_spark.session import build_session
from pipeline_spark.spec import JobSpec, parse_spec
from pipeline_spark.storage import delete_file, list_part_files
from pipeline_spark.transform_loader import Transform, TransformContext, apply_transform, load_transform
from pipeline_spark.types import describe_columns
from pipeline_spark.writers import write_output

JDBC_JAR_ENV = "PIPELINE_JDBC_JAR"
DEFAULT_JDBC_JAR = "/usr/share/java/postgresql.jar"


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    log = JobLogger(_log_stream(env))
    try:
        spec = parse_spec(_load_spec(_parse_args(argv)))
    except JobError as err:
        _report(log, err)
        return err.exit_code
    log = log.bind(run_id=spec.run_id, pipeline_id=spec.pipeline_id, load_id=spec.load_id)
    spark: SparkSession | None = None
    try:
        spark = build_session(f"pipeline {spec.pipeline_id}/{spec.load_id} {spec.run_id}", jars=jdbc_jars(spec, env))
        run(spec, spark, env=env, log=log)
        return 0
    except JobError as err:
        _report(log, err)
        return err.exit_code
    except Exception as err:
        log.error("load failed", code=JobError.code, error=type(err).__name__, detail=_describe_error(err))
        return 1
    finally:
        if spark is not None:
            spark.stop()


def run(
    spec: JobSpec | Mapping[str, Any],
    spark: SparkSession,
    *,
    env: Mapping[str, str] | None = None,
    log: JobLogger | None = None,
) -> dict[str, Any]:
    """Extract, transform and load one spec with ``spark``; returns the manifest it wrote."""
    spec = spec if isinstance(spec, JobSpec) else parse_spec(dict(spec))
    env = os.environ if env is None else env
    log = log or JobLogger(run_id=spec.run_id, pipeline_id=spec.pipeline_id, load_id=spec.load_id)
    started = time.monotonic()
    log.info(
        "load started",
        source=spec.source.table or "query",
        interval=[spec.interval.start.isoformat(), spec.interval.end.isoformat()] if spec.interval else None,
        transform=spec.transform.path if spec.transform else None,
        output=spec.output.dir,
        format=spec.output.format,
    )
    # The manifest marks a finished write. One left by an earlier attempt must not outlive the
    # files this attempt is about to replace.
    delete_file(spark, spec.manifest_path)
    user_transform = load_transform(spec.transform.path) if spec.transform else None

    source, rows_read = count_source(extract(spark, spec, env=env, log=log), consumed_once=user_transform is None)
    try:
        df = transform(source, spec, _context(spark, spec), user_transform)
        columns = describe_columns(df.schema)
        files, rows_written = load(spark, df, spec)
        manifest = build_manifest(
            rows_read=rows_read(), rows_written=rows_written, fmt=spec.output.format, files=files, columns=columns
        )
        write_manifest(spark, spec.manifest_path, manifest)
    finally:
        source.unpersist()
    log.info(
        "load finished",
        rows_read=manifest["rowsRead"],
        rows_written=rows_written,
        files=len(files),
        manifest=spec.manifest_path,
        duration_ms=round((time.monotonic() - started) * 1000),
    )
    return manifest


def extract(spark: SparkSession, spec: JobSpec, *, env: Mapping[str, str], log: JobLogger) -> DataFrame:
    return read_source(spark, spec, env=env, log=log)


def transform(df: DataFrame, spec: JobSpec, ctx: TransformContext, user_transform: Transform | None) -> DataFrame:
    """The load's transform, if any, then its dedupe, if any."""
    if user_transform is not None and spec.transform is not None:
        df = apply_transform(user_transform, df, ctx, spec.transform.path)
    if spec.dedupe is not None:
        df = keep_latest(df, spec.dedupe.key, spec.dedupe.order_by)
    return df


def load(spark: SparkSession, df: DataFrame, spec: JobSpec) -> tuple[list[str], int]:
    """Write ``df``; returns the part files written and the number of rows in them."""
    observed, rows_written = observe_rows(df, "rows_written")
    write_output(observed, spec.output)
    return list_part_files(spark, spec.output.dir), rows_written()


def jdbc_jars(spec: JobSpec, env: Mapping[str, str]) -> list[str]:
    """The JDBC driver jar for a ``jdbc`` read: ``PIPELINE_JDBC_JAR``, else Debian's PostgreSQL driver.

    The default is skipped when absent (the driver may come with ``--jars``); a jar named
    explicitly must exist.
    """
    if spec.read.kind != "jdbc":
        return []
    named = env.get(JDBC_JAR_ENV)
    if named:
        if not Path(named).is_file():
            raise JdbcJarError(named)
        return [named]
    return [DEFAULT_JDBC_JAR] if Path(DEFAULT_JDBC_JAR).is_file() else []


def _context(spark: SparkSession, spec: JobSpec) -> TransformContext:
    return TransformContext(
        spark=spark,
        run_id=spec.run_id,
        pipeline_id=spec.pipeline_id,
        load_id=spec.load_id,
        interval_start=spec.interval.start if spec.interval else None,
        interval_end=spec.interval.end if spec.interval else None,
        params=spec.params,
    )


def _log_stream(env: Mapping[str, str]) -> TextIO | JvmStderr:
    """This process's stderr, or spark-submit's when running under it (see ``JvmStderr``)."""
    if "PYSPARK_GATEWAY_PORT" not in env:
        return sys.stderr
    # Attaches to the JVM spark-submit started; a no-op once a SparkContext exists.
    SparkContext._ensure_initialized()
    return JvmStderr(SparkContext._jvm)


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Read a load's source, transform it, write files and a manifest.")
    given = parser.add_mutually_exclusive_group(required=True)
    given.add_argument("--spec", help="the job spec JSON file: a path, a file:// URI or an s3:// URI")
    given.add_argument("--spec-json", help="the job spec as a JSON string")
    return parser.parse_args(argv)


def _load_spec(args: argparse.Namespace) -> object:
    if args.spec_json is not None:
        text, origin = args.spec_json, "--spec-json"
    else:
        text, origin = _read_spec_file(args.spec), "--spec"
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise SpecError(origin, f"not valid JSON: {err}") from err


def _read_spec_file(location: str) -> str:
    if location.startswith(("s3://", "s3a://", "s3n://")):
        return _read_s3_text(location)
    path = location[len("file://"):] if location.startswith("file://") else location
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise SpecError("--spec", f"cannot read {location}: {err.strerror}") from err


def _read_s3_text(location: str) -> str:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    bucket, _, key = location.split("://", 1)[1].partition("/")
    try:
        body = boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError as err:
        code = err.response.get("Error", {}).get("Code", "ClientError")
        if code in ("NoSuchKey", "NoSuchBucket", "404"):
            raise SpecError("--spec", f"no object at {location}") from err
        raise JobError(f"cannot read the spec from {location}: {code}") from err
    except BotoCoreError as err:
        raise JobError(f"cannot read the spec from {location}: {type(err).__name__}: {err}") from err
    return body.decode("utf-8")


def _report(log: JobLogger, err: JobError) -> None:
    fields: dict[str, Any] = {"code": err.code, "error": type(err).__name__}
    if isinstance(err, SpecError):
        fields["field"] = err.field
    log.error(str(err), **fields)


def _describe_error(err: Exception) -> str:
    if isinstance(err, Py4JJavaError):
        return first_line(str(err.java_exception.toString()))
    return first_line(str(err))


if __name__ == "__main__":
    sys.exit(main())
