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
import json
import os
import re
import sys
import time
from dataclasses import dataclass
from typing import Any, TextIO

import boto3
import psycopg
from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError, NoCredentialsError, NoRegionError

SECRET_ARN_ENV = "PIPELINE_SECRET_ARN"
SECRET_FIELDS = ("host", "port", "username", "password", "dbname")
CONNECT_TIMEOUT_SECONDS = 10
_ARN_REGION = re.compile(r"arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):")

_SECRET_ADVICE = {
    "ResourceNotFoundException": "not found; check the ARN and the region",
    "AccessDeniedException": "access denied; allow secretsmanager:GetSecretValue on it for this role",
    "UnrecognizedClientException": "AWS rejected the credentials; check the profile or role in use",
    "DecryptionFailure": "cannot be decrypted; allow kms:Decrypt on the secret's key for this role",
}


@dataclass(frozen=True)
class WarehouseSecret:
    engine: str
    host: str
    port: int
    username: str
    password: str
    dbname: str

    def describe(self) -> str:
        return f"{self.username}@{self.host}:{self.port}/{self.dbname}"


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
    match = _ARN_REGION.match(secret_id)
    region = region or (match.group(1) if match else None)
    try:
        client = boto3.client("secretsmanager", region_name=region)
        response = client.get_secret_value(SecretId=secret_id)
    except NoRegionError:
        raise CheckFailed("no AWS region; pass --region or set AWS_REGION") from None
    except NoCredentialsError:
        raise CheckFailed("no AWS credentials; configure a profile or role, or set AWS_ACCESS_KEY_ID") from None
    except EndpointConnectionError as err:
        raise CheckFailed(f"cannot reach Secrets Manager ({err}); check the network or AWS_ENDPOINT_URL_SECRETS_MANAGER") from None
    except ClientError as err:
        code = err.response.get("Error", {}).get("Code", "ClientError")
        raise CheckFailed(_SECRET_ADVICE.get(code, f"{code}: {err.response.get('Error', {}).get('Message', '')}")) from None
    except BotoCoreError as err:
        raise CheckFailed(f"{type(err).__name__}: {err}") from None
    text = response.get("SecretString")
    if text is None:
        raise CheckFailed("holds binary data; store the credentials as JSON text")
    try:
        fields: Any = json.loads(text)
    except json.JSONDecodeError:
        raise CheckFailed(f"is not JSON; store {', '.join(('engine',) + SECRET_FIELDS)} as a JSON object") from None
    if not isinstance(fields, dict):
        raise CheckFailed(f"is not a JSON object; store {', '.join(('engine',) + SECRET_FIELDS)}")
    missing = [name for name in SECRET_FIELDS if fields.get(name) in (None, "")]
    if missing:
        raise CheckFailed(f"lacks {', '.join(missing)}; add them to the secret JSON")
    try:
        port = int(fields["port"])
    except (TypeError, ValueError):
        raise CheckFailed(f"has port {fields['port']!r}; it must be a number such as 5439") from None
    return WarehouseSecret(
        engine=str(fields.get("engine") or "unknown"),
        host=str(fields["host"]),
        port=port,
        username=str(fields["username"]),
        password=str(fields["password"]),
        dbname=str(fields["dbname"]),
    )


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
