"""Shared fixtures: one SparkSession for the whole run, and a real PostgreSQL to read from and COPY into.

``DATABASE_URL`` wins; otherwise the local server the repository's CI runs
(``postgresql://postgres@127.0.0.1:5432/test``).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import sql
from pyspark.sql import SparkSession

from pipeline_spark.session import build_session

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"
SPARK_ROOT = Path(__file__).resolve().parent.parent
JDBC_JAR = os.environ.get("PIPELINE_JDBC_JAR", "/usr/share/java/postgresql.jar")

UTC = timezone.utc
# user_id, email, full_name, country, signup_at, updated_at, is_active, lifetime_value, notes
USERS = [
    (1, " Ann@Example.com ", "Ann  Lee", "usa", datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC), True, Decimal("10.5"), None),
    (2, "bo@example.com", "Bo", "de", None, datetime(2026, 1, 1, 12, tzinfo=UTC), True, Decimal("0.0000000001"), 'a,"b"\nc'),
    (2, "bo-old@example.com", "Bo", "de", None, datetime(2026, 1, 1, 6, tzinfo=UTC), True, None, ""),
    (3, "cy@example.com", "Cy", "France", None, datetime(2026, 1, 2, tzinfo=UTC), False, None, None),
    (4, "di@example.com", "Di", "India", None, datetime(2025, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), True, None, None),
    (5, "ed@example.com", "Ed", "brasil", None, None, True, None, None),
    (2, "bo-null@example.com", "Bo", "de", None, None, False, None, None),
    (6, "b@example.com", "Fay", "us", None, datetime(2025, 6, 1, tzinfo=UTC), True, None, None),
    (6, "a@example.com", "Fay", "us", None, datetime(2025, 6, 1, tzinfo=UTC), True, None, None),
]
# User ids updated within INTERVAL: 2026-01-01T00:00 (the start is inclusive), 12:00 and 06:00;
# 2026-01-02T00:00 (the end) is excluded.
IN_INTERVAL = [1, 2, 2]


def unique_name(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(4)}"


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    session = build_session("pipeline-spark-tests", master="local[2]", jars=[JDBC_JAR])
    yield session
    session.stop()


@pytest.fixture(scope="session")
def database_url() -> str:
    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    try:
        with psycopg.connect(url, connect_timeout=5):
            pass
    except psycopg.OperationalError as err:
        pytest.fail(
            f"PostgreSQL is not reachable at {url} ({err}). Start it (the repository's .ci/run does) "
            "or point DATABASE_URL at one."
        )
    return url


@pytest.fixture(scope="session")
def jdbc(database_url: str) -> dict[str, str | None]:
    """The JDBC url, user and password matching ``DATABASE_URL``."""
    parts = urlsplit(database_url)
    return {
        "url": f"jdbc:postgresql://{parts.hostname}:{parts.port or 5432}{parts.path}",
        "user": parts.username,
        "password": parts.password,
    }


@pytest.fixture
def pg(database_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        yield conn


@pytest.fixture
def schema(pg: psycopg.Connection) -> Iterator[str]:
    """A schema of this test's own, dropped with everything in it afterwards."""
    name = unique_name("t")
    pg.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
    yield name
    pg.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))


@pytest.fixture
def users_raw(pg: psycopg.Connection, schema: str) -> str:
    """``<schema>.users_raw`` shaped like the demo source, holding ``USERS``."""
    table = f"{schema}.users_raw"
    pg.execute(
        sql.SQL(
            "CREATE TABLE {} (user_id bigint, email text, full_name text, country text, signup_at timestamptz,"
            " updated_at timestamptz, is_active boolean, lifetime_value numeric(38,10), notes text)"
        ).format(sql.Identifier(schema, "users_raw"))
    )
    with pg.cursor() as cur:
        cur.executemany(
            sql.SQL("INSERT INTO {} VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)").format(sql.Identifier(schema, "users_raw")),
            USERS,
        )
    return table
