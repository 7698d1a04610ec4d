"""The job spec: the JSON contract between the TypeScript worker and the load job.

``parse_spec`` turns the decoded JSON into frozen dataclasses or raises ``SpecError`` naming the
first offending field by its dotted path (``source.table``, ``read.fetchSize``…). Field names are
the contract and match the worker's; unknown fields are rejected so a typo cannot pass silently.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any, Literal

from pipeline_spark.errors import SpecError
from pipeline_spark.identifiers import IDENTIFIER_HINT, is_identifier, quote_table

OutputFormat = Literal["csv", "parquet"]

DEFAULT_FETCH_SIZE = 10_000
# One JDBC connection per partition: bounded so a spec cannot open more sessions than a
# warehouse is sized for.
MAX_JDBC_PARTITIONS = 64

_JDBC_DRIVERS = {
    "jdbc:postgresql:": "org.postgresql.Driver",
    "jdbc:redshift:": "com.amazon.redshift.jdbc42.Driver",
}
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_URI = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*)://(?P<rest>.*)", re.DOTALL)
_S3_SCHEMES = ("s3", "s3a", "s3n")
_IAM_ROLE = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/\S+")


@dataclass(frozen=True)
class Interval:
    """Half-open data interval ``[start, end)`` in UTC."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class SourceSpec:
    table: str | None
    query: str | None
    incremental_column: str | None


@dataclass(frozen=True)
class JdbcRead:
    url: str
    user: str | None
    password_env: str | None
    fetch_size: int
    num_partitions: int | None
    driver: str
    secret_arn: str | None = None
    kind: Literal["jdbc"] = "jdbc"


@dataclass(frozen=True)
class RedshiftRead:
    url: str
    tempdir: str
    iam_role: str
    secret_arn: str | None
    user: str | None
    password_env: str | None
    tempdir_region: str | None
    kind: Literal["redshift"] = "redshift"


@dataclass(frozen=True)
class TransformSpec:
    path: str


@dataclass(frozen=True)
class DedupeSpec:
    key: tuple[str, ...]
    order_by: tuple[str, ...]


@dataclass(frozen=True)
class OutputSpec:
    dir: str
    format: OutputFormat


@dataclass(frozen=True)
class JobSpec:
    run_id: str
    pipeline_id: str
    load_id: str
    interval: Interval | None
    source: SourceSpec
    read: JdbcRead | RedshiftRead
    transform: TransformSpec | None
    params: Mapping[str, Any]
    dedupe: DedupeSpec | None
    output: OutputSpec
    manifest_path: str


def parse_spec(raw: object) -> JobSpec:
    spec = _object(raw, "spec")
    _known(spec, "", {
        "runId", "pipelineId", "loadId", "interval", "source", "read", "transform", "params",
        "dedupe", "output", "manifestPath",
    })
    run_id, pipeline_id, load_id = (_name(spec, key, "") for key in ("runId", "pipelineId", "loadId"))
    interval = _interval(spec.get("interval"), "interval")
    source = _source(spec.get("source"), "source")
    if interval is not None and source.incremental_column is None:
        raise SpecError(
            "source.incrementalColumn",
            "a run with an interval needs the column to filter on; set it, or send interval null for a full refresh",
        )
    return JobSpec(
        run_id=run_id,
        pipeline_id=pipeline_id,
        load_id=load_id,
        interval=interval,
        source=source,
        read=_read(spec.get("read"), "read"),
        transform=_transform(spec.get("transform"), "transform"),
        params=_params(spec.get("params"), "params"),
        dedupe=_dedupe(spec.get("dedupe"), "dedupe"),
        output=_output(spec.get("output"), "output"),
        manifest_path=_location(spec.get("manifestPath"), "manifestPath"),
    )


def _interval(value: object, field: str) -> Interval | None:
    if value is None:
        return None
    obj = _object(value, field)
    _known(obj, field, {"start", "end"})
    start = _instant(obj.get("start"), f"{field}.start")
    end = _instant(obj.get("end"), f"{field}.end")
    if start >= end:
        raise SpecError(f"{field}.end", f"must be after interval.start ({obj['start']}), got {obj['end']}")
    return Interval(start, end)


def _source(value: object, field: str) -> SourceSpec:
    obj = _object(value, field)
    _known(obj, field, {"table", "query", "incrementalColumn"})
    table, query = obj.get("table"), obj.get("query")
    if (table is None) == (query is None):
        raise SpecError(field, 'give exactly one of "table" or "query" (the other null)')
    if table is not None:
        try:
            quote_table(table)
        except ValueError:
            raise SpecError(f"{field}.table", f'must be a lower-case table name such as "analytics.users", got {table!r}') from None
    if query is not None and (not isinstance(query, str) or not _strip_statement(query)):
        raise SpecError(f"{field}.query", "must be a non-empty SELECT statement")
    column = obj.get("incrementalColumn")
    if column is not None and not is_identifier(column):
        raise SpecError(f"{field}.incrementalColumn", f"must be {IDENTIFIER_HINT}, got {column!r}")
    return SourceSpec(table=table, query=_strip_statement(query) if query is not None else None, incremental_column=column)


def _read(value: object, field: str) -> JdbcRead | RedshiftRead:
    obj = _object(value, field)
    kind = obj.get("kind")
    if kind == "jdbc":
        return _jdbc_read(obj, field)
    if kind == "redshift":
        return _redshift_read(obj, field)
    raise SpecError(f"{field}.kind", f'must be "jdbc" or "redshift", got {kind!r}')


def _jdbc_read(obj: dict[str, Any], field: str) -> JdbcRead:
    _known(obj, field, {"kind", "url", "user", "passwordEnv", "secretArn", "fetchSize", "numPartitions", "driver"})
    url = _required_str(obj, "url", field)
    if not url.startswith("jdbc:"):
        raise SpecError(f"{field}.url", "must be a JDBC URL such as jdbc:postgresql://host:5432/db")
    driver = _optional_str(obj, "driver", field) or next(
        (cls for prefix, cls in _JDBC_DRIVERS.items() if url.startswith(prefix)), None
    )
    if driver is None:
        raise SpecError(f"{field}.driver", "cannot be inferred from this URL; give the JDBC driver class name")
    secret_arn = _optional_str(obj, "secretArn", field)
    user = _optional_str(obj, "user", field)
    password_env = _env_name(obj, "passwordEnv", field)
    if secret_arn is not None and (user is not None or password_env is not None):
        raise SpecError(f"{field}.secretArn", "give either secretArn (the secret holds the user) or user/passwordEnv, not both")
    return JdbcRead(
        url=url,
        user=user,
        password_env=password_env,
        secret_arn=secret_arn,
        fetch_size=_int(obj, "fetchSize", field, default=DEFAULT_FETCH_SIZE, low=1, high=1_000_000),
        num_partitions=_int(obj, "numPartitions", field, default=None, low=1, high=MAX_JDBC_PARTITIONS),
        driver=driver,
    )


def _redshift_read(obj: dict[str, Any], field: str) -> RedshiftRead:
    _known(obj, field, {"kind", "url", "tempdir", "iamRole", "secretArn", "user", "passwordEnv", "tempdirRegion"})
    url = _required_str(obj, "url", field)
    if not url.startswith("jdbc:redshift:"):
        raise SpecError(f"{field}.url", "must be a Redshift JDBC URL such as jdbc:redshift://cluster.example:5439/dev")
    tempdir = _required_str(obj, "tempdir", field)
    match = _URI.fullmatch(tempdir)
    if match is None or match["scheme"] not in _S3_SCHEMES or not match["rest"].strip("/"):
        raise SpecError(f"{field}.tempdir", f"must be an S3 location such as s3://bucket/tmp/, got {tempdir!r}")
    iam_role = _required_str(obj, "iamRole", field)
    if not _IAM_ROLE.fullmatch(iam_role):
        raise SpecError(f"{field}.iamRole", "must be an IAM role ARN such as arn:aws:iam::123456789012:role/redshift-unload")
    secret_arn = _optional_str(obj, "secretArn", field)
    user = _optional_str(obj, "user", field)
    password_env = _env_name(obj, "passwordEnv", field)
    if secret_arn is not None and (user is not None or password_env is not None):
        raise SpecError(f"{field}.secretArn", "give either secretArn or user/passwordEnv, not both")
    if secret_arn is None and user is None and not url.startswith("jdbc:redshift:iam:"):
        raise SpecError(f"{field}.secretArn", "give the Secrets Manager ARN holding the credentials (or user and passwordEnv)")
    return RedshiftRead(
        url=url,
        tempdir=tempdir,
        iam_role=iam_role,
        secret_arn=secret_arn,
        user=user,
        password_env=password_env,
        tempdir_region=_optional_str(obj, "tempdirRegion", field),
    )


def _transform(value: object, field: str) -> TransformSpec | None:
    if value is None:
        return None
    obj = _object(value, field)
    _known(obj, field, {"path"})
    path = _required_str(obj, "path", field)
    if not path.endswith(".py"):
        raise SpecError(f"{field}.path", f"must be a path to a Python module ending in .py, got {path!r}")
    return TransformSpec(path)


def _params(value: object, field: str) -> Mapping[str, Any]:
    obj = _object({} if value is None else value, field)
    for key, item in obj.items():
        if item is not None and not isinstance(item, (str, int, float, bool)):
            raise SpecError(f"{field}.{key}", "must be a string, number, boolean or null")
    return MappingProxyType(dict(obj))


def _dedupe(value: object, field: str) -> DedupeSpec | None:
    if value is None:
        return None
    obj = _object(value, field)
    _known(obj, field, {"key", "orderBy"})
    key = _columns(obj.get("key"), f"{field}.key", allow_empty=False)
    order_by = _columns(obj.get("orderBy", []), f"{field}.orderBy", allow_empty=True)
    return DedupeSpec(key=key, order_by=order_by)


def _output(value: object, field: str) -> OutputSpec:
    obj = _object(value, field)
    _known(obj, field, {"dir", "format"})
    fmt = obj.get("format")
    if fmt not in ("csv", "parquet"):
        raise SpecError(f"{field}.format", f'must be "csv" or "parquet", got {fmt!r}')
    return OutputSpec(dir=_location(obj.get("dir"), f"{field}.dir"), format=fmt)


def _columns(value: object, field: str, *, allow_empty: bool) -> tuple[str, ...]:
    if not isinstance(value, list) or (not value and not allow_empty):
        raise SpecError(field, "must be a list of column names" + ("" if allow_empty else " with at least one entry"))
    for i, name in enumerate(value):
        if not is_identifier(name):
            raise SpecError(f"{field}.{i}", f"must be {IDENTIFIER_HINT}, got {name!r}")
    if len(set(value)) != len(value):
        raise SpecError(field, "lists a column more than once")
    return tuple(value)


def _location(value: object, field: str) -> str:
    """An absolute local path or a URI; never the root of a file system or bucket."""
    hint = "an absolute path or a URI such as s3://bucket/prefix"
    if not isinstance(value, str) or not value:
        raise SpecError(field, f"must be {hint}")
    match = _URI.fullmatch(value)
    if match is None:
        if not value.startswith("/"):
            raise SpecError(field, f"must be {hint}, got {value!r}")
        path = value
    elif match["scheme"] == "file":
        path = match["rest"]
    else:
        bucket, _, path = match["rest"].partition("/")
        if not bucket:
            raise SpecError(field, f"must be {hint}, got {value!r}")
    if not path.strip("/"):
        raise SpecError(field, f"must not be the root of a file system or bucket, got {value!r}")
    return value


def _instant(value: object, field: str) -> datetime:
    hint = "an ISO-8601 timestamp with a time zone, e.g. 2026-01-01T00:00:00Z"
    if not isinstance(value, str):
        raise SpecError(field, f"must be {hint}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise SpecError(field, f"must be {hint}, got {value!r}") from None
    if parsed.tzinfo is None:
        raise SpecError(field, f"must carry a time zone offset (Z or +hh:mm), got {value!r}")
    return parsed.astimezone(timezone.utc)


def _strip_statement(query: str) -> str:
    # A trailing semicolon is harmless on its own but breaks the query once it is wrapped as a
    # subquery to apply the interval filter.
    return query.strip().rstrip(";").strip()


def _object(value: object, field: str) -> dict[str, Any]:
    if value is None:
        raise SpecError(field, "is required and must be an object")
    if not isinstance(value, dict):
        raise SpecError(field, f"must be an object, got {type(value).__name__}")
    return value


def _known(obj: dict[str, Any], field: str, names: set[str]) -> None:
    unknown = sorted(set(obj) - names)
    if unknown:
        where = f"{field}.{unknown[0]}" if field else unknown[0]
        raise SpecError(where, f"unknown field; expected one of {', '.join(sorted(names))}")


def _name(obj: dict[str, Any], key: str, field: str) -> str:
    value = _required_str(obj, key, field)
    if len(value) > 255 or not value.isprintable():
        raise SpecError(_path(field, key), "must be at most 255 printable characters")
    return value


def _required_str(obj: dict[str, Any], key: str, field: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise SpecError(_path(field, key), "is required and must be a non-empty string")
    return value


def _optional_str(obj: dict[str, Any], key: str, field: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise SpecError(_path(field, key), "must be a non-empty string or null")
    return value


def _env_name(obj: dict[str, Any], key: str, field: str) -> str | None:
    value = _optional_str(obj, key, field)
    if value is not None and not _ENV_NAME.fullmatch(value):
        raise SpecError(_path(field, key), f"must name an environment variable such as PIPELINE_JDBC_PASSWORD, got {value!r}")
    return value


def _int(obj: dict[str, Any], key: str, field: str, *, default: int | None, low: int, high: int) -> int | None:
    value = obj.get(key)
    if value is None:
        return default
    if type(value) is not int or not low <= value <= high:
        raise SpecError(_path(field, key), f"must be a whole number from {low} to {high}, got {value!r}")
    return value


def _path(field: str, key: str) -> str:
    return f"{field}.{key}" if field else key
