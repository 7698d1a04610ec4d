"""Reading a load's source: Spark's JDBC source locally, the Redshift connector on EMR.

Both read the same SELECT (``source_sql``), so the interval filter runs in the database either
way. Passwords come from the environment variable the spec names, or for a JDBC read with
``secretArn`` from Secrets Manager, and go only into the reader's options, which are never logged.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from pyspark.sql import DataFrame, SparkSession

from pipeline_spark.errors import SpecError
from pipeline_spark.identifiers import quote_identifier
from pipeline_spark.log import JobLogger
from pipeline_spark.source_sql import as_relation, source_select, timestamptz_literal
from pipeline_spark.spec import Interval, JdbcRead, JobSpec, RedshiftRead
from pipeline_spark.warehouse_secret import read_warehouse_secret

REDSHIFT_FORMAT = "io.github.spark_redshift_community.spark.redshift"

# JDBC type names (PostgreSQL and Redshift spell them alike) of columns a read can be split on.
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
        if read.secret_arn is not None:
            # Read here rather than through the connector's ``secret.id``, which needs the
            # Secrets Manager JDBC wrapper on the cluster's classpath: one way for every reader.
            secret = read_warehouse_secret(read.secret_arn)
            log.redact(secret.password)
            log.info("read the warehouse credentials", secret=read.secret_arn, user=secret.username)
            read, password = dataclasses.replace(read, user=secret.username, secret_arn=None), secret.password
        log.info("reading source", reader="redshift", source=_describe(spec))
        return spark.read.format(REDSHIFT_FORMAT).options(**redshift_options(read, select, password)).load()
    if read.secret_arn is not None:
        # The Redshift secret JSON holds the user too; the URL still names host and database.
        secret = read_warehouse_secret(read.secret_arn)
        log.redact(secret.password)
        log.info("read the warehouse credentials", secret=read.secret_arn, user=secret.username)
        read, password = dataclasses.replace(read, user=secret.username), secret.password
    return _read_jdbc(spark, spec, read, jdbc_options(read, select, password), log)


def _read_jdbc(spark: SparkSession, spec: JobSpec, read: JdbcRead, options: dict[str, str], log: JobLogger) -> DataFrame:
    types = jdbc_column_types(spark, read, options)
    timestamp_columns = [name for name, type_name in types.items() if type_name == "timestamp"]
    if timestamp_columns:
        options["customSchema"] = ", ".join(f"{_backquote(name)} TIMESTAMP_NTZ" for name in timestamp_columns)
    column = spec.source.incremental_column
    partitions = read.num_partitions or min(spark.sparkContext.defaultParallelism, DEFAULT_JDBC_PARTITIONS)
    predicates = (
        jdbc_partition_predicates(column, types.get(column), spec.interval, partitions)
        if spec.interval is not None and column is not None
        else []
    )
    log.info(
        "reading source",
        reader="jdbc",
        source=_describe(spec),
        partitions=max(len(predicates), 1),
        timestamp_ntz_columns=timestamp_columns,
    )
    if not predicates:
        return spark.read.format("jdbc").options(**options).load()
    properties = {key: value for key, value in options.items() if key not in ("url", "dbtable")}
    return spark.read.jdbc(options["url"], options["dbtable"], predicates=predicates, properties=properties)


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
        # Comparing a zone-less column with the interval's bounds converts it in the session's
        # time zone; UTC keeps that independent of the server's or role's default.
        options["sessionInitStatement"] = "SET TIME ZONE 'UTC'"
    return options


def jdbc_partition_predicates(column: str, type_name: str | None, interval: Interval, partitions: int) -> list[str]:
    """WHERE clauses splitting the interval into ``partitions`` contiguous ranges of ``column``.

    Each range is read by its own task over its own connection, so every core decodes and
    writes rows. The ranges are half-open and share their bounds, so together they cover the
    interval exactly once; the interval filter in the SELECT still decides which rows exist.
    Spark's own ``partitionColumn`` cannot split on a zone-less timestamp and renders its bounds
    without a zone, hence these predicates with the same typed literals as the interval filter.
    Returns no predicates for one partition or a column of another type.
    """
    if partitions < 2 or type_name not in _PARTITIONABLE_TYPES:
        return []
    quoted = quote_identifier(column)
    step = (interval.end - interval.start) / partitions
    bounds = [interval.start + step * i for i in range(partitions)] + [interval.end]
    return [
        f"{quoted} >= {timestamptz_literal(lower)} AND {quoted} < {timestamptz_literal(upper)}"
        for lower, upper in zip(bounds, bounds[1:])
        if lower < upper
    ]


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


def _describe(spec: JobSpec) -> str:
    return spec.source.table or "query"


def _backquote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"
