"""Can this machine read the warehouse secret and reach the warehouse with it?

    python spark/jobs/connectivity_check.py [--secret-arn ARN] [--region REGION]

The secret is the Redshift secret JSON (engine, host, port, username, password, dbname) in AWS
Secrets Manager; ``--secret-arn`` defaults to ``PIPELINE_SECRET_ARN``. The region defaults to the
one in the ARN, then to boto3's own resolution (``AWS_REGION``…); boto3 also honours
``AWS_ENDPOINT_URL_SECRETS_MANAGER`` (moto, LocalStack, VPC endpoints).

Prints one line per check, ``ok …`` or ``FAIL … : what to do``, and exits 0 when all pass, 1
otherwise. The password is never printed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TextIO

if __package__ in (None, ""):
    # Run as a script from a checkout: make the sibling pipeline_spark package importable.
    # Under spark-submit on a cluster it comes from the --py-files zip instead.
    _SPARK_ROOT = Path(__file__).resolve().parent.parent
    if (_SPARK_ROOT / "pipeline_spark").is_dir() and str(_SPARK_ROOT) not in sys.path:
        sys.path.insert(0, str(_SPARK_ROOT))

import psycopg

from pipeline_spark.warehouse_secret import SecretReadError, WarehouseSecret, read_warehouse_secret

SECRET_ARN_ENV = "PIPELINE_SECRET_ARN"
CONNECT_TIMEOUT_SECONDS = 10


class CheckFailed(Exception):
    """A check failed; the message is the line to print after ``FAIL <check> <subject>: ``."""


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = _parse_args(argv)
    secret_id = args.secret_arn or os.environ.get(SECRET_ARN_ENV)
    if not secret_id:
        print(f"FAIL secret: no secret given; pass --secret-arn or set {SECRET_ARN_ENV}", file=out)
        print("FAIL warehouse: not checked, it needs the secret", file=out)
        return 1
    try:
        secret = read_secret(secret_id, args.region)
    except CheckFailed as failure:
        print(f"FAIL secret {secret_id}: {failure}", file=out)
        print("FAIL warehouse: not checked, it needs the secret", file=out)
        return 1
    print(
        f"ok secret {secret_id}: engine={secret.engine} host={secret.host} port={secret.port}"
        f" dbname={secret.dbname} username={secret.username}",
        file=out,
    )
    try:
        elapsed_ms = select_one(secret)
    except CheckFailed as failure:
        print(f"FAIL warehouse {secret.describe()}: {_scrub(str(failure), secret.password)}", file=out)
        return 1
    print(f"ok warehouse {secret.describe()}: select 1 answered in {elapsed_ms} ms", file=out)
    return 0


def read_secret(secret_id: str, region: str | None) -> WarehouseSecret:
    try:
        return read_warehouse_secret(secret_id, region)
    except SecretReadError as err:
        raise CheckFailed(err.reason) from None


def select_one(secret: WarehouseSecret) -> int:
    """Connect and run ``select 1``; returns the round trip in milliseconds."""
    started = time.monotonic()
    try:
        with psycopg.connect(
            host=secret.host,
            port=secret.port,
            user=secret.username,
            password=secret.password,
            dbname=secret.dbname,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            application_name="pipeline-connectivity-check",
        ) as conn:
            row = conn.execute("select 1").fetchone()
    except psycopg.Error as err:
        reason = " ".join(str(err).split())
        raise CheckFailed(
            f"{reason}; check that the host is reachable from here (VPC, security group, port) and the secret's credentials"
        ) from None
    if row != (1,):
        raise CheckFailed(f"select 1 returned {row!r}; the endpoint is not a working PostgreSQL/Redshift server")
    return round((time.monotonic() - started) * 1000)


def _scrub(text: str, password: str) -> str:
    return text.replace(password, "[redacted]") if password else text


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Check the warehouse secret and a connection with it.")
    parser.add_argument("--secret-arn", help=f"secret ARN or name (default: ${SECRET_ARN_ENV})")
    parser.add_argument("--region", help="AWS region (default: the ARN's, then AWS_REGION)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
