"""Writing the load's output: CSV lines for COPY, or Parquet that Redshift's COPY reads exactly."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from pyspark.sql import DataFrame, SparkSession

from pipeline_spark.csv_lines import csv_lines
from pipeline_spark.spec import OutputSpec
from pipeline_spark.storage import to_uri

# How each Parquet write lays out its values, pinned for the write itself: the session's own
# settings can differ (spark-defaults on a cluster, or a transform that changed them through
# ctx.spark), and Redshift's COPY checks every column's physical layout against the table.
PARQUET_WRITE_CONF: Mapping[str, str] = {
    # INT64 microseconds (TIMESTAMP(MICROS) with isAdjustedToUTC true for timestamp, false for
    # timestamp_ntz) rather than the legacy INT96: the exact precision of Redshift's timestamps.
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
    # Every decimal as FIXED_LEN_BYTE_ARRAY of the minimal length for its precision, annotated
    # DECIMAL(p, s). Without it Spark writes p <= 9 as INT32 and p <= 18 as INT64; Redshift's
    # reader sizes a decimal by the column's precision and rejects another length.
    "spark.sql.parquet.writeLegacyFormat": "true",
    # Proleptic Gregorian dates and timestamps as they are; the rebase exists for Spark 2 and Hive.
    "spark.sql.parquet.datetimeRebaseModeInWrite": "CORRECTED",
}


def write_output(df: DataFrame, output: OutputSpec) -> None:
    """Write ``df`` into ``output.dir``, replacing whatever an earlier attempt left there."""
    target = to_uri(output.dir)
    if output.format == "csv":
        # The lines are complete CSV records already; the text source writes them verbatim.
        csv_lines(df).write.mode("overwrite").text(target)
    else:
        with session_conf(df.sparkSession, PARQUET_WRITE_CONF):
            df.write.mode("overwrite").parquet(target)


@contextmanager
def session_conf(spark: SparkSession, settings: Mapping[str, str]) -> Iterator[None]:
    """``settings`` applied to the session for the duration of the block, then restored.

    Spark's Parquet writer reads these from the session's SQL conf when the write starts; a
    data source option of the same name would be overridden by it.
    """
    previous = {key: spark.conf.get(key, None) for key in settings}
    for key, value in settings.items():
        spark.conf.set(key, value)
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                spark.conf.unset(key)
            else:
                spark.conf.set(key, value)
