"""Logical column types of the manifest: the vocabulary the SQL side maps to warehouse DDL."""

from __future__ import annotations

from typing import Any

from pyspark.sql import types as T

from pipeline_spark.errors import OutputSchemaError
from pipeline_spark.identifiers import IDENTIFIER_HINT, is_identifier

_SIMPLE_KINDS: dict[type[T.DataType], str] = {
    T.StringType: "string",
    T.BooleanType: "boolean",
    # Widened: no warehouse has a one-byte integer the SQL side could map ByteType to.
    T.ByteType: "int16",
    T.ShortType: "int16",
    T.IntegerType: "int32",
    T.LongType: "int64",
    T.FloatType: "float32",
    T.DoubleType: "float64",
    T.DateType: "date",
    T.TimestampNTZType: "timestamp",
    T.TimestampType: "timestamptz",
    T.BinaryType: "binary",
}


def logical_type(data_type: T.DataType) -> dict[str, Any] | None:
    """``{"kind": ...}`` for a supported Spark type, None for anything else."""
    if isinstance(data_type, T.DecimalType):
        return {"kind": "decimal", "precision": data_type.precision, "scale": data_type.scale}
    kind = _SIMPLE_KINDS.get(type(data_type))
    return {"kind": kind} if kind else None


def describe_columns(schema: T.StructType) -> list[dict[str, Any]]:
    """The manifest's ``columns``; raises ``OutputSchemaError`` listing every column it cannot describe."""
    problems: list[str] = []
    columns: list[dict[str, Any]] = []
    seen: set[str] = set()
    for field in schema.fields:
        if not is_identifier(field.name):
            problems.append(f"column {field.name!r} is not {IDENTIFIER_HINT}")
        elif field.name in seen:
            problems.append(f"column {field.name!r} appears more than once")
        seen.add(field.name)
        kind = logical_type(field.dataType)
        if kind is None:
            problems.append(
                f"column {field.name!r} has type {field.dataType.simpleString()}, which the warehouse load does not support"
                " (supported: string, boolean, integers, float, double, decimal, date, timestamp, timestamp_ntz, binary)"
            )
        columns.append({"name": field.name, "type": kind, "nullable": field.nullable})
    if problems:
        raise OutputSchemaError(problems)
    return columns
