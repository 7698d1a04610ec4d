"""Keep one row per key: the latest by the load's ``orderBy``."""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from pipeline_spark.errors import SpecError

_ROW_NUMBER = "__pipeline_row_number"


def keep_latest(df: DataFrame, key: Sequence[str], order_by: Sequence[str]) -> DataFrame:
    """Per ``key``, the row with the greatest ``order_by`` values (NULLs count as oldest).

    Rows that tie on ``order_by`` are ordered by every other column, so a rerun over the same
    input keeps the same row however Spark partitioned it. The warehouse merge refuses a key
    that matches twice, so this is what makes a batch mergeable.
    """
    for field, names in (("dedupe.key", key), ("dedupe.orderBy", order_by)):
        missing = [name for name in names if name not in df.columns]
        if missing:
            raise SpecError(field, f"{', '.join(missing)} not in the output columns ({', '.join(df.columns)})")
    tie_breakers = [F.col(name).asc_nulls_first() for name in df.columns if name not in key and name not in order_by]
    window = Window.partitionBy(*key).orderBy(*(F.col(name).desc_nulls_last() for name in order_by), *tie_breakers)
    return df.withColumn(_ROW_NUMBER, F.row_number().over(window)).where(F.col(_ROW_NUMBER) == 1).drop(_ROW_NUMBER)
