"""Reading a load's source: Spark's JDBC source locally, the Redshift connector on EMR.

Both read the same SELECT (``source_sql``), so the interval filter runs in the database either
way. Passwords come from the environment variable the spec names and go only into the reader's
options, which are never logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone

from pyspark.sql import DataFrame, SparkSession

from pipeline_spark.errors import SpecError
from pipeline_spark.log import JobLogger
from pipeline_spark.source_sql import as_relation, source_select
from pipeline_spark.spec import Interval, JdbcRead, JobSpec, RedshiftRead

REDSHIFT_FORMAT = "io.github.spark_redshift_community.spark.redshift"

# JDBC type names (PostgreSQL and Redshift spell them alike) of columns Spark can split a read on.
_PARTITIONABLE_TYPES = ("timestamptz", "timestamp", "date")
_UTC_SESSION_URLS = ("jdbc:postgresql:", "jdbc:redshift:")
# Without read.numPartitions: one connection per core, but no more than a source database
# comfortably serves to a single load.
DEFAULT_JDBC_PARTITIONS = 8


def read_source(spark: SparkSession, spec: JobSpec, *, env: Mapping[str, str], log: JobLogger) -> DataFrame:
    select = source_select(spec.source, spec.interval)
    read = spec.read
    password = resolve_password(read.password_env, env)
    if password is not None:
        log.redact(password)
    if isinstance(read, RedshiftRead):
        log.info("reading source", reader="redshift", source=_describe(spec))
        return spark.read.format(REDSHIFT_FORMAT).options(**redshift_options(read, select, password)).load()

    options = jdbc_options(read, select, password)
    types = jdbc_column_types(spark, read, options)
    timestamp_columns = [name for name, type_name in types.items() if type_name == "timestamp"]
    if timestamp_columns:
        options["customSchema"] = ", ".join(f"{_backquote(name)} TIMESTAMP_NTZ" for name in timestamp_columns)
    column = spec.source.incremental_column
    partitions = read.num_partitions or min(spark.sparkContext.defaultParallelism, DEFAULT_JDBC_PARTITIONS)
    if spec.interval is not None and column is not None and partitions > 1:
        options.update(jdbc_partition_options(column, types.get(column), spec.interval, partitions))
    log.info(
        "reading source",
        reader="jdbc",
        source=_describe(spec),
        partitions=int(options.get("numPartitions", 1)),
        timestamp_ntz_columns=timestamp_columns,
    )
    return spark.read.format("jdbc").options(**options).load()


def resolve_password(password_env: str | None, env: Mapping[str, str]) -> str | None:
    if password_env is None:
        return None
    if password_env not in env:
        raise SpecError(
            "read.passwordEnv",
            f"names {password_env}, which is not set in the job's environment; set it or drop passwordEnv",
        )
    return env[password_env]


def jdbc_options(read: JdbcRead, select: str, password: str | None) -> dict[str, str]:
    options = {
        "url": read.url,
        "driver": read.driver,
        "dbtable": as_relation(select),
        "fetchsize": str(read.fetch_size),
    }
    if read.user is not None:
        options["user"] = read.user
    if password is not None:
        options["password"] = password
    if read.url.startswith(_UTC_SESSION_URLS):
        # Spark renders partition bounds as zone-less literals; a UTC session reads them as UTC
        # whatever the server's or role's default time zone.
        options["sessionInitStatement"] = "SET TIME ZONE 'UTC'"
    return options


def jdbc_partition_options(
    column: str, type_name: str | None, interval: Interval, partitions: int
) -> dict[str, str]:
    """Options that split the read into ``partitions`` ranges of ``column`` across the interval.

    Parallel reads let every core decode and write rows; the ranges only divide the work, the
    interval filter in the SELECT still decides which rows are read. Returns no options for a
    column of another type, where splitting on the interval's bounds would mean nothing.
    """
    if type_name in ("timestamptz", "timestamp"):
        lower, upper = _timestamp_bound(interval.start), _timestamp_bound(interval.end)
    elif type_name == "date":
        lower = interval.start.date().isoformat()
        upper = (interval.end - timedelta(microseconds=1)).date().isoformat()
        if lower >= upper:
            return {}
    else:
        return {}
    return {
        "partitionColumn": column,
        "lowerBound": lower,
        "upperBound": upper,
        "numPartitions": str(partitions),
    }


def jdbc_column_types(spark: SparkSession, read: JdbcRead, options: Mapping[str, str]) -> dict[str, str]:
    """Database type name per column of the source relation, from the JDBC metadata.

    Spark maps ``timestamp`` and ``timestamptz`` alike (both arrive as java.sql.Types.TIMESTAMP),
    so it cannot tell a zone-less column from a zoned one; the type names can.
    """
    sc = spark.sparkContext
    jvm, gateway = sc._jvm, sc._gateway
    loader = jvm.java.lang.Thread.currentThread().getContextClassLoader()
    driver_class = jvm.java.lang.Class.forName(read.driver, True, loader)
    driver = driver_class.getConstructor(gateway.new_array(jvm.java.lang.Class, 0)).newInstance(
        gateway.new_array(jvm.java.lang.Object, 0)
    )
    props = jvm.java.util.Properties()
    for key in ("user", "password"):
        if key in options:
            props.setProperty(key, options[key])
    connection = driver.connect(read.url, props)
    try:
        statement = connection.prepareStatement(f"SELECT * FROM {options['dbtable']} WHERE 1 = 0")
        meta = statement.getMetaData()
        return {meta.getColumnLabel(i): meta.getColumnTypeName(i).lower() for i in range(1, meta.getColumnCount() + 1)}
    finally:
        connection.close()


def redshift_options(read: RedshiftRead, select: str, password: str | None) -> dict[str, str]:
    """Options for the Redshift connector EMR ships: UNLOAD to ``tempdir`` as Parquet, read back."""
    options = {
        "url": read.url,
        "query": select,
        "tempdir": read.tempdir,
        "aws_iam_role": read.iam_role,
        # The connector's read path; ``tempformat`` only applies when writing to Redshift.
        "unload_s3_format": "PARQUET",
    }
    if read.secret_arn is not None:
        options["secret.id"] = read.secret_arn
    if read.user is not None:
        options["user"] = read.user
    if password is not None:
        options["password"] = password
    if read.tempdir_region is not None:
        options["tempdir_region"] = read.tempdir_region
    return options


def _timestamp_bound(instant: datetime) -> str:
    # Zone-less, read by Spark in the session time zone, which is UTC like the interval.
    return instant.astimezone(timezone.utc).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _describe(spec: JobSpec) -> str:
    return spec.source.table or "query"


def _backquote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"
