"""Rows as CSV lines that load exactly with PostgreSQL's ``COPY … WITH (FORMAT csv)``.

Spark's CSV writer is not used because it cannot meet that contract: it silently drops rows
whose only column is NULL, writes decimals with exponents (``1E-10``), refuses binary columns,
and leaves a lone ``\\.`` unquoted, which COPY reads as end of data. Encoding each field with
Spark SQL expressions keeps the work in the JVM and the rules explicit:

* NULL is an empty unquoted field; every non-NULL string is quoted with ``"`` doubled inside,
  so ``""`` is the empty string and commas, newlines, CR, tabs, backslashes and leading or
  trailing spaces survive untouched.
* Numbers never contain a comma and are written unquoted: integers and booleans as Spark casts
  them, floats in Java's round-trip notation (``1.0E300``, ``NaN``, ``Infinity``), decimals in
  plain notation with exactly their scale.
* Dates ``yyyy-MM-dd``; timestamps with time zone as ISO-8601 with microseconds and offset
  (the session is UTC, so ``Z``); timestamps without time zone the same without offset.
* Binary in PostgreSQL's bytea hex form ``\\x0aff``.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

LINE_COLUMN = "value"
TIMESTAMPTZ_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX"
TIMESTAMP_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSSSS"
DATE_FORMAT = "yyyy-MM-dd"

_CAST_TO_STRING = (T.BooleanType, T.ByteType, T.ShortType, T.IntegerType, T.LongType, T.FloatType, T.DoubleType)


def csv_lines(df: DataFrame) -> DataFrame:
    """A one-column DataFrame (``value``) with one CSV line per row, columns in ``df``'s order."""
    fields = [F.coalesce(encode_field(df[field.name], field.dataType), F.lit("")) for field in df.schema.fields]
    return df.select(F.concat_ws(",", *fields).alias(LINE_COLUMN))


def encode_field(column: Column, data_type: T.DataType) -> Column:
    """The CSV field for one value, NULL for a NULL value."""
    if isinstance(data_type, T.StringType):
        return F.concat(F.lit('"'), F.replace(column, F.lit('"'), F.lit('""')), F.lit('"'))
    if isinstance(data_type, _CAST_TO_STRING):
        return column.cast("string")
    if isinstance(data_type, T.DecimalType):
        # format_number formats the exact BigDecimal (no exponent) with grouping commas.
        return F.replace(F.format_number(column, data_type.scale), F.lit(","), F.lit(""))
    if isinstance(data_type, T.DateType):
        return F.date_format(column, DATE_FORMAT)
    if isinstance(data_type, T.TimestampType):
        return F.date_format(column, TIMESTAMPTZ_FORMAT)
    if isinstance(data_type, T.TimestampNTZType):
        return F.date_format(column, TIMESTAMP_FORMAT)
    if isinstance(data_type, T.BinaryType):
        return F.concat(F.lit("\\x"), F.lower(F.hex(column)))
    raise TypeError(f"no CSV encoding for {data_type.simpleString()}")
