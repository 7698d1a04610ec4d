"""One Parquet file (stdin) as PostgreSQL CSV (stdout), checked the way Redshift's COPY checks it.

    python parquet_to_csv.py --file <url for messages> --columns '<json>'

``--columns`` lists the target columns in COPY order, ``[{"name": …, "type": <format_type>}]``.
Columns are matched by position, as Redshift matches a Parquet file's columns; the counts must
agree. Each file column's Parquet type must be one Redshift reads into the target type.

The CSV follows PostgreSQL's CSV rules exactly: NULL is an unquoted empty field, every string is
quoted (so ``""`` is the empty string), decimals are exact plain text at their scale, timestamps
ISO-8601 with ``+00`` (Redshift reads Parquet timestamps as UTC), booleans ``t``/``f`` and bytes
``\\x``-hex.

Exit status 0: the CSV is on stdout. 3: Redshift would refuse the file; stderr holds one JSON
object ``{"code": …, "context": …}`` worded like Redshift's Spectrum scan errors. Anything else
is a failure of the reader itself.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

# Redshift's Spectrum scan error codes: a file whose schema does not fit the table, and a value
# or physical layout whose size does not fit the column.
INCOMPATIBLE_SCHEMA = 15007
INVALID_LENGTH = 15001
REFUSED = 3

_LENGTH = re.compile(r"\((\d+)\)$")
_DECIMAL = re.compile(r"^numeric\((\d+),(\d+)\)$")
_EPOCH = date(1970, 1, 1)
_MICROS_PER_DAY = 86_400_000_000


class Refused(Exception):
    """Redshift would reject the file: the statement fails with this code and context."""

    def __init__(self, code: int, context: str) -> None:
        super().__init__(context)
        self.code = code
        self.context = context


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", required=True)
    parser.add_argument("--columns", required=True)
    args = parser.parse_args()
    columns = json.loads(args.columns)
    try:
        sys.stdout.buffer.write(convert(sys.stdin.buffer.read(), columns, args.file))
    except Refused as refused:
        sys.stderr.write(json.dumps({"code": refused.code, "context": refused.context}) + "\n")
        return REFUSED
    return 0


def convert(data: bytes, columns: list[dict[str, str]], file: str) -> bytes:
    try:
        # INT96 timestamps read as microseconds, which cover every year a nanosecond count cannot.
        parquet = pq.ParquetFile(pa.BufferReader(data), coerce_int96_timestamp_unit="us")
    except (pa.ArrowException, OSError) as err:
        raise Refused(INCOMPATIBLE_SCHEMA, f"File '{file}' is not a valid Parquet file: {err}") from None
    leaves = [parquet.schema.column(i) for i in range(len(parquet.schema))]
    fields = parquet.schema_arrow
    if len(fields) != len(columns):
        raise Refused(
            INCOMPATIBLE_SCHEMA,
            f"Unmatched number of columns between table and file. Table columns: {len(columns)}, "
            f"Data columns: {len(fields)}, File name: {file}",
        )
    nested = next((f.name for f in fields if pa.types.is_nested(f.type)), None)
    if nested is not None:
        raise Refused(INCOMPATIBLE_SCHEMA, f"File '{file}' column '{nested}' is a nested type; loading it needs SERIALIZETOJSON, which the stand-in does not emulate")
    encoders = [encoder_for(leaf, column, file) for leaf, column in zip(leaves, columns)]
    table = parquet.read()
    encoded = [encode(table.column(i), encoders[i]) for i in range(len(columns))]
    return "".join(",".join(row) + "\n" for row in zip(*encoded)).encode("utf-8")


def encode(values: pa.ChunkedArray, encoder: Callable[[Any], str]) -> list[str]:
    if pa.types.is_timestamp(values.type):
        # Whole numbers in the column's unit: Python's datetime cannot hold nanoseconds.
        unit = values.type.unit
        values = values.cast(pa.int64())
        return ["" if v is None else encoder((v, unit)) for v in values.to_pylist()]
    return ["" if v is None else encoder(v) for v in values.to_pylist()]


def encoder_for(leaf: Any, column: dict[str, str], file: str) -> Callable[[Any], str]:
    """The CSV encoder for one column, or ``Refused`` when Redshift would not load it there."""
    target = column["type"]
    physical = leaf.physical_type
    logical = json.loads(leaf.logical_type.to_json())
    kind = logical.get("Type")

    def incompatible() -> Refused:
        return Refused(
            INCOMPATIBLE_SCHEMA,
            f"File '{file}' has an incompatible Parquet schema for column '{column['name']}'. "
            f"Column type: {target.upper()}, Parquet schema:\n{describe(leaf, logical)}",
        )

    if target == "smallint":
        ok = physical == "INT32" and kind == "Int" and logical["bitWidth"] in (8, 16) and logical["isSigned"]
        return _require(ok, incompatible, _integer)
    if target == "integer":
        ok = physical == "INT32" and (kind == "None" or (kind == "Int" and logical["bitWidth"] == 32 and logical["isSigned"]))
        return _require(ok, incompatible, _integer)
    if target == "bigint":
        ok = physical == "INT64" and (kind == "None" or (kind == "Int" and logical["bitWidth"] == 64 and logical["isSigned"]))
        return _require(ok, incompatible, _integer)
    if target == "real":
        return _require(physical == "FLOAT" and kind == "None", incompatible, _float)
    if target == "double precision":
        return _require(physical == "DOUBLE" and kind == "None", incompatible, _float)
    if target == "boolean":
        return _require(physical == "BOOLEAN", incompatible, lambda v: "t" if v else "f")
    if target == "date":
        return _require(physical == "INT32" and kind == "Date", incompatible, lambda v: v.isoformat())
    if target in ("timestamp without time zone", "timestamp with time zone"):
        ok = physical == "INT96" or (physical == "INT64" and kind == "Timestamp" and logical["timeUnit"] in ("milliseconds", "microseconds"))
        return _require(ok, incompatible, _timestamp)
    if target == "bytea":
        return _require(physical == "BYTE_ARRAY" and kind == "None", incompatible, lambda v: "\\x" + v.hex())
    if target == "text" or target.startswith(("character varying", "character(")):
        if physical != "BYTE_ARRAY" or kind != "String":
            raise incompatible()
        return _string(column["name"], _declared_length(target))
    if target == "numeric" or target.startswith("numeric("):
        return _decimal_encoder(leaf, logical, column, target, file, incompatible)
    raise Refused(INCOMPATIBLE_SCHEMA, f"column '{column['name']}' has type {target}, which the stand-in's Parquet COPY does not load")


def _decimal_encoder(leaf: Any, logical: dict[str, Any], column: dict[str, str], target: str, file: str, incompatible: Callable[[], Refused]):
    # Redshift's NUMERIC without precision is NUMERIC(18, 0).
    match = _DECIMAL.match(target)
    precision, scale = (int(match[1]), int(match[2])) if match else (18, 0)
    if logical.get("Type") != "Decimal" or logical["scale"] != scale:
        raise incompatible()
    if leaf.physical_type != "FIXED_LEN_BYTE_ARRAY":
        raise Refused(
            INCOMPATIBLE_SCHEMA,
            f"File '{file}' column '{column['name']}' holds decimals as {leaf.physical_type}; the stand-in loads only "
            "FIXED_LEN_BYTE_ARRAY decimals, the layout Redshift sizes by the column's precision",
        )
    expected = min_bytes_for_precision(precision)
    if leaf.length != expected:
        raise Refused(
            INVALID_LENGTH,
            f"File '{file}' column '{column['name']}' has an invalid type length. Expecting: {expected} len in file: {leaf.length}",
        )
    # Exact digits at the column's scale, never an exponent (0E-10 is written 0.0000000000).
    return lambda v: format(v, "f")


def min_bytes_for_precision(precision: int) -> int:
    """Bytes of the smallest two's-complement integer holding every unscaled value of ``precision`` digits."""
    size = 1
    while 2 ** (8 * size - 1) < 10**precision:
        size += 1
    return size


def describe(leaf: Any, logical: dict[str, Any]) -> str:
    """The column as Parquet's schema printer shows it, e.g. ``optional int64 l_orderkey``."""
    physical = leaf.physical_type.lower()
    if leaf.physical_type == "FIXED_LEN_BYTE_ARRAY":
        physical = f"fixed_len_byte_array({leaf.length})"
    repetition = "optional" if leaf.max_definition_level > 0 else "required"
    annotation = "" if logical.get("Type") == "None" else f" ({leaf.logical_type})"
    return f"{repetition} {physical} {leaf.name}{annotation}"


def _require(ok: bool, incompatible: Callable[[], Refused], encoder: Callable[[Any], str]) -> Callable[[Any], str]:
    if not ok:
        raise incompatible()
    return encoder


def _integer(value: int) -> str:
    return str(value)


def _float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    # repr is the shortest text that reads back as the same double; a float32 value widened to
    # double reads back into real as the same float32.
    return repr(value)


def _timestamp(value: tuple[int, str]) -> str:
    count, unit = value
    micros = {"s": count * 1_000_000, "ms": count * 1000, "us": count, "ns": count // 1000}[unit]
    days, rest = divmod(micros, _MICROS_PER_DAY)
    day = _EPOCH + timedelta(days=days)
    seconds, fraction = divmod(rest, 1_000_000)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    return f"{day.isoformat()} {hours:02d}:{minutes:02d}:{seconds:02d}.{fraction:06d}+00"


def _declared_length(target: str) -> int | None:
    match = _LENGTH.search(target)
    return int(match[1]) if match else None


def _string(name: str, limit: int | None) -> Callable[[str], str]:
    def encode_string(value: str) -> str:
        # Redshift's VARCHAR(n) and CHAR(n) count bytes of UTF-8, not characters.
        if limit is not None and len(value.encode("utf-8")) > limit:
            size = len(value.encode("utf-8"))
            raise Refused(
                INVALID_LENGTH,
                f"The length of the data column {name} is longer than the length defined in the table. Table: {limit}, Data: {size}",
            )
        return '"' + value.replace('"', '""') + '"'

    return encode_string


if __name__ == "__main__":
    sys.exit(main())
