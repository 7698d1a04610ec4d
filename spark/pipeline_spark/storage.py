"""Paths and small files on local disk or any Hadoop file system (S3 through EMRFS on EMR)."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from pyspark.sql import SparkSession

_URI = re.compile(r"[a-z][a-z0-9+.-]*://")
PART_FILE_PREFIX = "part-"


def is_local(location: str) -> bool:
    return not _URI.match(location) or location.startswith("file://")


def to_uri(location: str) -> str:
    """A URI Spark resolves the same way on every cluster: plain paths become ``file://`` URIs.

    Left as a bare path, Spark would resolve it against the cluster's default file system
    (HDFS on EMR), not the local disk the caller meant.
    """
    return Path(location).as_uri() if not _URI.match(location) else location


def list_part_files(spark: SparkSession, directory: str) -> list[str]:
    """Names of the data files Spark wrote into ``directory``, sorted; markers and checksums left out."""
    fs, path = _file_system(spark, directory)
    names = [status.getPath().getName() for status in fs.listStatus(path) if status.isFile()]
    return sorted(name for name in names if name.startswith(PART_FILE_PREFIX) and not name.endswith(".crc"))


def write_text(spark: SparkSession, location: str, text: str) -> None:
    """Write a small file whole: readers see the old file or the new one, never a partial one."""
    if is_local(location):
        target = Path(_local_path(location))
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent, delete=False) as tmp:
            tmp.write(text)
        os.replace(tmp.name, target)
        return
    # Object stores publish an object only when its upload completes.
    fs, path = _file_system(spark, location)
    stream = fs.create(path, True)
    try:
        stream.write(bytearray(text.encode("utf-8")))
    finally:
        stream.close()


def delete_file(spark: SparkSession, location: str) -> None:
    if is_local(location):
        Path(_local_path(location)).unlink(missing_ok=True)
        return
    fs, path = _file_system(spark, location)
    fs.delete(path, False)


def _local_path(location: str) -> str:
    return location[len("file://"):] if location.startswith("file://") else location


def _file_system(spark: SparkSession, location: str):
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(to_uri(location))
    return path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), path
