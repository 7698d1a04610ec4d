"""The one place a SparkSession is built: UTC everywhere, quiet logs, same code locally and on EMR."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

from pyspark import SparkConf, SparkContext
from pyspark.sql import SparkSession

_UTC_JAVA_OPTION = "-Duser.timezone=UTC"


def build_session(app_name: str, *, master: str | None = None, jars: Sequence[str] = ()) -> SparkSession:
    """Start (or attach to) Spark pinned to UTC.

    ``master`` is for callers that start Spark themselves (tests, scripts); under spark-submit it
    stays None and the submit command decides. ``jars`` are added to the driver and executors.
    """
    # Python-side datetimes (collect, Python UDFs in transforms) must agree with the JVM's.
    os.environ["TZ"] = "UTC"
    time.tzset()

    jvm = _driver_jvm(master)
    # Under spark-submit the driver JVM started before this code ran, so its -D options are
    # already fixed: pin its default zone (JDBC drivers convert zone-less timestamps with it)
    # and quiet its logging before the SparkContext starts and logs at INFO.
    jvm.java.util.TimeZone.setDefault(jvm.java.util.TimeZone.getTimeZone("UTC"))
    jvm.org.apache.logging.log4j.core.config.Configurator.setRootLevel(jvm.org.apache.logging.log4j.Level.WARN)

    # Backed by the running JVM, so it already holds spark-submit's and spark-defaults' settings
    # (EMR puts its own JVM flags there); the time zone flag is added to those, not swapped in.
    conf = SparkConf().setAppName(app_name)
    conf.set("spark.sql.session.timeZone", "UTC")
    for key in ("spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions"):
        conf.set(key, _with_java_option(conf.get(key, ""), _UTC_JAVA_OPTION))
    conf.set("spark.executorEnv.TZ", "UTC")
    conf.set("spark.ui.showConsoleProgress", "false")
    conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
    # Readers of the output (Redshift COPY, Spark 3+) use the proleptic Gregorian calendar;
    # the legacy rebase exists for Spark 2 and Hive, and the default refuses to write old dates.
    conf.set("spark.sql.parquet.datetimeRebaseModeInWrite", "CORRECTED")
    if conf.get("spark.master", "").startswith("local"):
        # Local jobs share one machine; a web UI per job only contends for ports.
        conf.set("spark.ui.enabled", "false")
        # The default 200 shuffle partitions suit a cluster; a few cores want a handful.
        conf.set("spark.sql.shuffle.partitions", "8")

    spark = SparkSession.builder.config(conf=conf).getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    submitted = {Path(entry.removeprefix("file:")) for entry in conf.get("spark.jars", "").split(",") if entry}
    for jar in jars:
        if Path(jar) in submitted:
            continue
        # spark.jars would reach the executors but not a driver JVM that spark-submit already
        # started; ADD JAR puts the jar on both.
        if "'" in jar:
            raise ValueError(f"jar path must not contain a quote: {jar!r}")
        spark.sql(f"ADD JAR '{jar}'")
    return spark


def _driver_jvm(master: str | None):
    """The driver JVM: the one spark-submit started, or a new one started here in UTC."""
    launch = SparkConf()
    if master is not None:
        launch.setMaster(master)
    launch.set("spark.driver.extraJavaOptions", _UTC_JAVA_OPTION)
    SparkContext._ensure_initialized(conf=launch)
    return SparkContext._jvm


def _with_java_option(options: str, option: str) -> str:
    """``options`` with ``option`` set, replacing an earlier value of the same property."""
    name = option.split("=", 1)[0]
    kept = [part for part in options.split() if part.split("=", 1)[0] != name]
    return " ".join([*kept, option])
