"""The manifest the job leaves next to its output; the worker reads it to stage the files."""

from __future__ import annotations

import json
from typing import Any

from pyspark.sql import SparkSession

from pipeline_spark.storage import write_text


def build_manifest(
    *, rows_read: int, rows_written: int, fmt: str, files: list[str], columns: list[dict[str, Any]]
) -> dict[str, Any]:
    """``files`` are relative to the output directory, ``columns`` in file order."""
    return {
        "rowsRead": rows_read,
        "rowsWritten": rows_written,
        "format": fmt,
        "files": files,
        "columns": columns,
    }


def write_manifest(spark: SparkSession, location: str, manifest: dict[str, Any]) -> None:
    write_text(spark, location, json.dumps(manifest, indent=2) + "\n")
