"""The CSV output must load into PostgreSQL with ``COPY … WITH (FORMAT csv)`` exactly as Spark held it.

Each value is checked twice: reading the files with Python's csv module (and the raw text where
csv cannot tell NULL from an empty string), and COPYing them into a real table and selecting back.
"""

from __future__ import annotations

import csv
import io
import math
import struct
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from itertools import zip_longest
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import types as T

from pipeline_spark.spec import OutputSpec
from pipeline_spark.storage import list_part_files
from pipeline_spark.types import describe_columns
from pipeline_spark.writers import write_output
from tests.conftest import unique_name

STRINGS = [
    "", " ", "  leading", "trailing  ", "a,b", 'q"uote', '"', '""', "tab\there", "new\nline", "carriage\rreturn",
    "crlf\r\nend", "back\\slash", "\\", "\\.", "\\N", "NULL", "a\n\\.\nb", ",", "'single'",
    "unicode é ü ß 中文", "emoji 😀🎉👨‍👩‍👧", "\u00a0no-break\u00a0",
]
INT16 = [0, -32768, 32767]
INT32 = [0, -2147483648, 2147483647]
INT64 = [0, -9223372036854775808, 9223372036854775807, 1]
FLOAT32 = [0.1, 3.4028234663852886e38, 1.401298464324817e-45, -2.5, float("inf"), float("nan")]
FLOAT64 = [0.1, 1e300, 5e-324, -0.0, 1.0e7, 123456789.123456789, float("-inf"), float("nan")]
DECIMALS = [
    Decimal("0"), Decimal("9999999999999999999999999999.9999999999"), Decimal("-9999999999999999999999999999.9999999999"),
    Decimal("0.0000000001"), Decimal("-0.0000000001"), Decimal("12345.5"), Decimal("-0.5"), Decimal("100000000000000000000"),
]
DATES = [date(2026, 2, 28), date(1, 1, 1), date(9999, 12, 31), date(1970, 1, 1)]
TIMESTAMPS = [
    datetime(2026, 1, 1, 0, 0, 0, 1, tzinfo=timezone.utc),
    datetime(2026, 6, 30, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-7))),
    datetime(1970, 1, 1, tzinfo=timezone.utc),
    datetime(2038, 1, 19, 3, 14, 8, tzinfo=timezone.utc),
]
NAIVE_TIMESTAMPS = [datetime(2026, 3, 1, 12, 0, 0, 999999), datetime(1999, 12, 31, 23, 59, 59), datetime(2026, 3, 29, 2, 30)]
BOOLEANS = [True, False]
BINARIES = [b"", b"\x00\xff", b"\\x", b"a,b\n", bytes(range(256))]

SCHEMA = T.StructType([
    T.StructField("id", T.IntegerType(), False),
    T.StructField("s", T.StringType()),
    T.StructField("i16", T.ShortType()),
    T.StructField("i32", T.IntegerType()),
    T.StructField("i64", T.LongType()),
    T.StructField("f32", T.FloatType()),
    T.StructField("f64", T.DoubleType()),
    T.StructField("dec", T.DecimalType(38, 10)),
    T.StructField("d", T.DateType()),
    T.StructField("ts", T.TimestampType()),
    T.StructField("ntz", T.TimestampNTZType()),
    T.StructField("b", T.BooleanType()),
    T.StructField("bin", T.BinaryType()),
])
PG_TYPES = {
    "string": "text", "boolean": "boolean", "int16": "smallint", "int32": "integer", "int64": "bigint",
    "float32": "real", "float64": "double precision", "date": "date", "timestamp": "timestamp",
    "timestamptz": "timestamptz", "binary": "bytea",
}


def build_rows() -> list[tuple[Any, ...]]:
    """Row 1 is all NULL; then every test value appears once in its column, padded with NULLs."""
    columns = [STRINGS, INT16, INT32, INT64, FLOAT32, FLOAT64, DECIMALS, DATES, TIMESTAMPS, NAIVE_TIMESTAMPS, BOOLEANS, BINARIES]
    rows: list[tuple[Any, ...]] = [(1, *([None] * len(columns)))]
    for i, values in enumerate(zip_longest(*columns), start=2):
        rows.append((i, *values))
    return rows


ROWS = build_rows()


def write_csv(spark: SparkSession, df: DataFrame, out: Path) -> list[Path]:
    write_output(df, OutputSpec(dir=str(out), format="csv"))
    return [out / name for name in list_part_files(spark, str(out))]


def copy_into_postgres(pg: psycopg.Connection, table: str, df: DataFrame, files: list[Path]) -> list[tuple[Any, ...]]:
    columns = describe_columns(df.schema)
    ddl = sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(c["name"]), sql.SQL(pg_type(c["type"]))) for c in columns)
    names = sql.SQL(", ").join(sql.Identifier(c["name"]) for c in columns)
    pg.execute(sql.SQL("CREATE TABLE {} ({})").format(sql.Identifier(table), ddl))
    try:
        # A non-UTC session: timestamptz values must carry their offset, zone-less ones must not move.
        pg.execute("SET TIME ZONE 'America/Los_Angeles'")
        with pg.cursor() as cur:
            for file in files:
                with cur.copy(sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv)").format(sql.Identifier(table), names)) as copy:
                    copy.write(file.read_bytes())
        return pg.execute(sql.SQL("SELECT * FROM {} ORDER BY 1").format(sql.Identifier(table))).fetchall()
    finally:
        pg.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(table)))


def pg_type(logical: dict[str, Any]) -> str:
    if logical["kind"] == "decimal":
        return f"numeric({logical['precision']},{logical['scale']})"
    return PG_TYPES[logical["kind"]]


def read_verbatim(file: Path) -> str:
    """The file's text with CR and CRLF left as written (read_text would turn them into LF)."""
    return file.read_bytes().decode("utf-8")


def as_float32(value: float) -> float:
    return struct.unpack("f", struct.pack("f", value))[0]


def same(actual: Any, expected: Any) -> bool:
    if isinstance(expected, float) and isinstance(actual, float):
        if math.isnan(expected):
            return math.isnan(actual)
        return actual == expected and math.copysign(1, actual) == math.copysign(1, expected)
    return actual == expected


@pytest.fixture(scope="module")
def frame(spark: SparkSession) -> DataFrame:
    return spark.createDataFrame(ROWS, SCHEMA).repartition(3)


def test_copy_into_postgres_returns_every_value_exactly(spark: SparkSession, frame: DataFrame, pg: psycopg.Connection, tmp_path: Path) -> None:
    files = write_csv(spark, frame, tmp_path / "out")

    loaded = copy_into_postgres(pg, unique_name("roundtrip"), frame, files)

    assert len(loaded) == len(ROWS)
    for expected, actual in zip(ROWS, loaded):
        expected = list(expected)
        actual = list(actual)
        # real: compare at float32 precision; psycopg widens the server's shortest text form.
        expected[5], actual[5] = (None if v is None else as_float32(v) for v in (expected[5], actual[5]))
        actual[12] = None if actual[12] is None else bytes(actual[12])
        mismatches = [(SCHEMA.names[i], e, a) for i, (e, a) in enumerate(zip(expected, actual)) if not same(a, e)]
        assert not mismatches, f"row {expected[0]}: {mismatches}"


def test_python_csv_reader_sees_the_same_fields(spark: SparkSession, frame: DataFrame, tmp_path: Path) -> None:
    files = write_csv(spark, frame, tmp_path / "out")
    text = "".join(read_verbatim(file) for file in files)

    records = {int(fields[0]): fields for fields in csv.reader(io.StringIO(text, newline=""), strict=True)}

    assert sorted(records) == [row[0] for row in ROWS]
    for row in ROWS[1:]:
        fields = records[row[0]]
        assert len(fields) == len(SCHEMA.names)
        if row[1] is not None:
            assert fields[1] == row[1]
        if row[4] is not None:
            assert int(fields[4]) == row[4]
        if row[7] is not None:
            assert "E" not in fields[7] and Decimal(fields[7]) == row[7]
            assert fields[7].count(".") == 1 and len(fields[7].split(".")[1]) == 10
        if row[9] is not None:
            assert datetime.fromisoformat(fields[9]) == row[9]
            assert fields[9].endswith("Z") and len(fields[9].split(".")[1]) == len("000000Z")
        if row[10] is not None:
            assert datetime.fromisoformat(fields[10]) == row[10]
        if row[11] is not None:
            assert fields[11] == ("true" if row[11] else "false")
        if row[12] is not None:
            assert fields[12] == "\\x" + row[12].hex()


def test_null_is_an_empty_unquoted_field_and_the_empty_string_is_quoted(spark: SparkSession, frame: DataFrame, tmp_path: Path) -> None:
    files = write_csv(spark, frame, tmp_path / "out")
    lines = "".join(read_verbatim(file) for file in files).split("\n")

    assert "1" + "," * (len(SCHEMA.names) - 1) in lines
    empty_string_row = next(line for line in lines if line.startswith("2,"))
    assert empty_string_row.startswith('2,"",')


def test_single_column_keeps_null_rows_and_a_lone_backslash_dot(spark: SparkSession, pg: psycopg.Connection, tmp_path: Path) -> None:
    values = [None, "", "\\.", "x", None]
    df = spark.createDataFrame([(v,) for v in values], "s string").coalesce(1)
    files = write_csv(spark, df, tmp_path / "out")

    loaded = copy_into_postgres(pg, unique_name("single"), df, files)

    assert sorted(loaded, key=repr) == sorted([(v,) for v in values], key=repr)


def test_parquet_output_reads_back_unchanged(spark: SparkSession, frame: DataFrame, tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_output(frame, OutputSpec(dir=str(out), format="parquet"))

    files = list_part_files(spark, str(out))
    back = spark.read.parquet(str(out))

    assert files and all(name.endswith(".parquet") for name in files)
    assert [(f.name, f.dataType) for f in back.schema] == [(f.name, f.dataType) for f in frame.schema]
    assert back.exceptAll(frame).count() == 0 and frame.exceptAll(back).count() == 0
