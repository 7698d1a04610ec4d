"""The SELECT that reads a load's source, filtered to the run's interval in the database."""

from __future__ import annotations

from datetime import datetime, timezone

from pipeline_spark.identifiers import quote_identifier, quote_table
from pipeline_spark.spec import Interval, SourceSpec

SOURCE_ALIAS = quote_identifier("pipeline_source")
_QUERY_ALIAS = quote_identifier("pipeline_query")


def source_select(source: SourceSpec, interval: Interval | None) -> str:
    """``SELECT * FROM <table or (query)> [WHERE column >= start AND column < end]``.

    The filter is part of the SQL sent to the database so only the interval's rows leave it.
    """
    if source.table is not None:
        relation = quote_table(source.table)
    else:
        # Newlines keep a trailing "-- comment" in the query from swallowing the closing paren.
        relation = f"(\n{source.query}\n) AS {_QUERY_ALIAS}"
    select = f"SELECT * FROM {relation}"
    if interval is None:
        return select
    column = quote_identifier(source.incremental_column or "")
    return (
        f"{select} WHERE {column} >= {timestamptz_literal(interval.start)}"
        f" AND {column} < {timestamptz_literal(interval.end)}"
    )


def as_relation(select: str) -> str:
    """The SELECT as a derived table, for readers that take a relation (JDBC ``dbtable``)."""
    return f"({select}) AS {SOURCE_ALIAS}"


def timestamptz_literal(instant: datetime) -> str:
    """A typed literal for an aware datetime, valid on PostgreSQL and Redshift.

    Neither Spark's JDBC source nor the Redshift connector can bind parameters, so the value is
    rendered here from a parsed datetime, never from the caller's string: the output can only
    contain digits and fixed separators, which rules out injection by construction.
    """
    if instant.tzinfo is None:
        raise ValueError("an interval bound must be timezone-aware")
    utc = instant.astimezone(timezone.utc)
    return f"CAST('{utc.isoformat(sep=' ', timespec='microseconds')}' AS TIMESTAMPTZ)"
