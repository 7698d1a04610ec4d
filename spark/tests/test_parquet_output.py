"""The Parquet output must be what Redshift's ``COPY … FORMAT AS PARQUET`` reads exactly.

The job's own write path (``load``: the writer, then the listing that becomes the manifest's
``files``) writes a frame holding every logical type; pyarrow, an independent reader, then checks
each column's physical and logical Parquet type and every value.
"""

from __future__ import annotations

import json
import math
import struct
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from itertools import zip_longest
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import types as T

from jobs.load_job import load
from pipeline_spark.spec import parse_spec
from tests.specs import job_spec

UTC = timezone.utc
STRINGS = ["", " ", "unicode é ü ß 中文", "emoji 😀👨‍👩‍👧", 'q"uote,comma', "new\nline", "\\N", "NULL", "\u00a0"]
INT16 = [0, -32768, 32767]
INT32 = [0, -2147483648, 2147483647]
# Past 2^53, where a double (or JSON number) would round them.
INT64 = [-9223372036854775808, 9223372036854775807, 2**53 + 1, -(2**53) - 1]
FLOAT32 = [0.1, -2.5, float("inf"), float("nan")]
FLOAT64 = [0.1, 1e300, 5e-324, -0.0, float("-inf"), float("nan")]
DEC38 = [
    Decimal("9999999999999999999999999999.9999999999"),
    Decimal("-9999999999999999999999999999.9999999999"),
    Decimal("0.0000000001"),
    Decimal("-0.0000000001"),
    Decimal("0E-10"),
]
DEC18 = [Decimal("99999999999999.9999"), Decimal("-0.0001")]
DEC9 = [Decimal("9999999.99"), Decimal("-0.01")]
DATES = [date(1, 1, 1), date(1582, 10, 4), date(9999, 12, 31), date(2026, 2, 28)]
TIMESTAMPS = [
    datetime(2026, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
    datetime(2026, 6, 30, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-7))),
    datetime(1, 1, 1, tzinfo=UTC),
    datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
]
NAIVE_TIMESTAMPS = [datetime(2026, 3, 29, 2, 30, 0, 123456), datetime(1000, 1, 1), datetime(9999, 12, 31, 23, 59, 59, 999999)]
BOOLEANS = [True, False]
BINARIES = [b"", b"\x00\xff", bytes(range(256))]

SCHEMA = T.StructType([
    T.StructField("id", T.IntegerType(), False),
    T.StructField("s", T.StringType()),
    T.StructField("i16", T.ShortType()),
    T.StructField("i32", T.IntegerType()),
    T.StructField("i64", T.LongType()),
    T.StructField("f32", T.FloatType()),
    T.StructField("f64", T.DoubleType()),
    T.StructField("dec38", T.DecimalType(38, 10)),
    T.StructField("dec18", T.DecimalType(18, 4)),
    T.StructField("dec9", T.DecimalType(9, 2)),
    T.StructField("d", T.DateType()),
    T.StructField("ts", T.TimestampType()),
    T.StructField("ntz", T.TimestampNTZType()),
    T.StructField("b", T.BooleanType()),
    T.StructField("bin", T.BinaryType()),
])
COLUMNS = [STRINGS, INT16, INT32, INT64, FLOAT32, FLOAT64, DEC38, DEC18, DEC9, DATES, TIMESTAMPS, NAIVE_TIMESTAMPS, BOOLEANS, BINARIES]
# Row 1 is all NULL; then each value appears once in its column, padded with NULLs.
ROWS = [(1, *([None] * len(COLUMNS)))] + [(i, *values) for i, values in enumerate(zip_longest(*COLUMNS), start=2)]

# What Redshift's COPY needs of each column: (physical type, logical type JSON, fixed length).
INT64_MICROS_UTC = {"Type": "Timestamp", "isAdjustedToUTC": True, "timeUnit": "microseconds"}
EXPECTED_TYPES = {
    "id": ("INT32", {"Type": "None"}, None),
    "s": ("BYTE_ARRAY", {"Type": "String"}, None),
    "i16": ("INT32", {"Type": "Int", "bitWidth": 16, "isSigned": True}, None),
    "i32": ("INT32", {"Type": "None"}, None),
    "i64": ("INT64", {"Type": "None"}, None),
    "f32": ("FLOAT", {"Type": "None"}, None),
    "f64": ("DOUBLE", {"Type": "None"}, None),
    "dec38": ("FIXED_LEN_BYTE_ARRAY", {"Type": "Decimal", "precision": 38, "scale": 10}, 16),
    "dec18": ("FIXED_LEN_BYTE_ARRAY", {"Type": "Decimal", "precision": 18, "scale": 4}, 8),
    "dec9": ("FIXED_LEN_BYTE_ARRAY", {"Type": "Decimal", "precision": 9, "scale": 2}, 4),
    "d": ("INT32", {"Type": "Date"}, None),
    "ts": ("INT64", INT64_MICROS_UTC, None),
    "ntz": ("INT64", {**INT64_MICROS_UTC, "isAdjustedToUTC": False}, None),
    "b": ("BOOLEAN", {"Type": "None"}, None),
    "bin": ("BYTE_ARRAY", {"Type": "None"}, None),
}


@pytest.fixture(scope="module")
def frame(spark: SparkSession) -> DataFrame:
    return spark.createDataFrame(ROWS, SCHEMA).repartition(3)


@pytest.fixture
def written(spark: SparkSession, frame: DataFrame, tmp_path: Path) -> tuple[Path, list[str]]:
    """The job's load step run on ``frame``: its output folder and the files its manifest lists."""
    spec = parse_spec(job_spec(out=tmp_path, output={"dir": str(tmp_path / "data"), "format": "parquet"}))
    files, rows = load(spark, frame, spec)
    assert rows == len(ROWS)
    return tmp_path / "data", files


@pytest.fixture
def legacy_session(spark: SparkSession):
    """The session set up the way a cluster's defaults might be: INT96 and int-backed decimals."""
    keys = ("spark.sql.parquet.outputTimestampType", "spark.sql.parquet.writeLegacyFormat")
    before = {key: spark.conf.get(key) for key in keys}
    spark.conf.set("spark.sql.parquet.outputTimestampType", "INT96")
    spark.conf.set("spark.sql.parquet.writeLegacyFormat", "false")
    yield spark
    for key, value in before.items():
        spark.conf.set(key, value)


def parquet_types(file: Path) -> dict[str, tuple[str, dict[str, Any], int | None]]:
    schema = pq.ParquetFile(file).schema
    types = {}
    for i in range(len(schema)):
        column = schema.column(i)
        logical = json.loads(column.logical_type.to_json())
        for key in ("is_from_converted_type", "force_set_converted_type"):
            logical.pop(key, None)
        length = column.length if column.physical_type == "FIXED_LEN_BYTE_ARRAY" else None
        types[column.name] = (column.physical_type, logical, length)
    return types


def as_float32(value: float) -> float:
    return struct.unpack("f", struct.pack("f", value))[0]


def same(actual: Any, expected: Any) -> bool:
    """Equal and of the same type; NaN equals NaN, and -0.0 differs from 0.0."""
    if isinstance(expected, float):
        if math.isnan(expected):
            return isinstance(actual, float) and math.isnan(actual)
        return actual == expected and math.copysign(1, actual) == math.copysign(1, expected)
    return type(actual) is type(expected) and actual == expected


def test_manifest_files_are_exactly_the_data_files(written: tuple[Path, list[str]]) -> None:
    data, files = written
    on_disk = sorted(p.name for p in data.iterdir())

    # The folder also holds Spark's commit marker and the local file system's checksums.
    assert "_SUCCESS" in on_disk and any(name.endswith(".crc") for name in on_disk)
    assert files == sorted(name for name in on_disk if name.endswith(".parquet") and not name.startswith((".", "_")))
    for name in files:
        pq.ParquetFile(data / name)


def test_every_column_has_the_parquet_type_redshift_reads(written: tuple[Path, list[str]]) -> None:
    data, files = written

    for name in files:
        assert parquet_types(data / name) == EXPECTED_TYPES


def test_values_read_back_exactly(written: tuple[Path, list[str]]) -> None:
    data, files = written

    rows = sorted((row for name in files for row in pq.read_table(data / name).to_pylist()), key=lambda r: r["id"])

    assert [r["id"] for r in rows] == [row[0] for row in ROWS]
    assert all(value is None for key, value in rows[0].items() if key != "id")
    for expected, actual in zip(ROWS, rows):
        for field, value in zip(SCHEMA.fields, expected):
            got, where = actual[field.name], (expected[0], field.name)
            if value is None:
                assert got is None, where
            elif isinstance(field.dataType, T.FloatType):
                assert same(got, as_float32(value)), (where, got)
            elif isinstance(field.dataType, T.DecimalType):
                # The value, at the column's scale: 0E-10 comes back as 0.0000000000.
                assert got == value and got.as_tuple().exponent == -field.dataType.scale, (where, got)
            elif isinstance(field.dataType, T.TimestampType):
                assert got == value and got.utcoffset() == timedelta(0), (where, got)
            else:
                assert same(got, value), (where, got)


def test_types_hold_whatever_the_session_was_set_to_and_the_session_is_restored(
    legacy_session: SparkSession, frame: DataFrame, tmp_path: Path
) -> None:
    spec = parse_spec(job_spec(out=tmp_path, output={"dir": str(tmp_path / "data"), "format": "parquet"}))

    files, _ = load(legacy_session, frame, spec)

    assert all(parquet_types(tmp_path / "data" / name) == EXPECTED_TYPES for name in files)
    assert legacy_session.conf.get("spark.sql.parquet.outputTimestampType") == "INT96"
    assert legacy_session.conf.get("spark.sql.parquet.writeLegacyFormat") == "false"
