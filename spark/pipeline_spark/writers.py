"""Writing the load's output: CSV lines for COPY, or Parquet."""

from __future__ import annotations

from pyspark.sql import DataFrame

from pipeline_spark.csv_lines import csv_lines
from pipeline_spark.spec import OutputSpec
from pipeline_spark.storage import to_uri


def write_output(df: DataFrame, output: OutputSpec) -> None:
    """Write ``df`` into ``output.dir``, replacing whatever an earlier attempt left there."""
    target = to_uri(output.dir)
    if output.format == "csv":
        # The lines are complete CSV records already; the text source writes them verbatim.
        csv_lines(df).write.mode("overwrite").text(target)
    else:
        df.write.mode("overwrite").parquet(target)
