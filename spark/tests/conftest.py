"""Shared fixtures: one SparkSession for the whole run, and a real PostgreSQL to read from and COPY into.

``DATABASE_URL`` wins; otherwise the local server the repository's CI runs
(``postgresql://postgres@127.0.0.1:5432/test``).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
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
