"""The seed's connectivity check against moto's Secrets Manager and the real PostgreSQL."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest

from jobs import connectivity_check
from tests.conftest import SPARK_ROOT, unique_name

REGION = "eu-west-1"
PASSWORD = "pw-" + "Vq3!x" * 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto server did not start on port {port}") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def aws(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    for name, value in {
        "AWS_ENDPOINT_URL_SECRETS_MANAGER": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv(connectivity_check.SECRET_ARN_ENV, raising=False)
    return boto3.client("secretsmanager", region_name=REGION)


def create_secret(client: Any, value: dict[str, Any] | str) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return client.create_secret(Name=unique_name("warehouse"), SecretString=text)["ARN"]


def warehouse_secret(database_url: str, **overrides: Any) -> dict[str, Any]:
    parts = urlsplit(database_url)
    secret = {
        "engine": "postgres",
        "host": parts.hostname,
        "port": parts.port or 5432,
        "username": parts.username,
        # Trust authentication ignores it; the check must still never print it.
        "password": parts.password or PASSWORD,
        "dbname": parts.path.lstrip("/"),
    }
    secret.update(overrides)
    return secret


def check(*argv: str) -> tuple[int, list[str]]:
    out = io.StringIO()
    code = connectivity_check.main(list(argv), out=out)
    return code, out.getvalue().splitlines()


def test_reads_the_secret_and_runs_select_1(aws: Any, database_url: str) -> None:
    arn = create_secret(aws, warehouse_secret(database_url))

    code, lines = check("--secret-arn", arn)

    assert code == 0
    assert [line.split(" ")[:2] for line in lines] == [["ok", "secret"], ["ok", "warehouse"]]
    assert "select 1 answered" in lines[1]
    assert all(PASSWORD not in line for line in lines)


def test_secret_arn_from_the_environment_and_region_from_the_arn(aws: Any, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv(connectivity_check.SECRET_ARN_ENV, create_secret(aws, warehouse_secret(database_url)))

    code, lines = check()

    assert code == 0 and lines[0].startswith("ok secret arn:aws:secretsmanager:eu-west-1:")


def test_unreachable_warehouse_fails_with_advice_and_no_password(aws: Any, database_url: str) -> None:
    arn = create_secret(aws, warehouse_secret(database_url, host="127.0.0.1", port=free_port()))

    code, lines = check("--secret-arn", arn)

    assert code == 1
    assert lines[0].startswith("ok secret")
    assert lines[1].startswith("FAIL warehouse ") and "check that the host is reachable" in lines[1]
    assert all(PASSWORD not in line for line in lines)


@pytest.mark.parametrize(
    ("secret", "reason"),
    [
        (None, "not found"),
        ("not json", "is not JSON"),
        ({"engine": "redshift", "host": "h", "port": 5439}, "lacks username, password, dbname"),
        ({"host": "h", "port": "x", "username": "u", "password": PASSWORD, "dbname": "d"}, "it must be a number"),
    ],
)
def test_bad_secrets_fail_before_the_warehouse_check(aws: Any, secret: Any, reason: str) -> None:
    arn = f"arn:aws:secretsmanager:{REGION}:123456789012:secret:missing-AbCdEf" if secret is None else create_secret(aws, secret)

    code, lines = check("--secret-arn", arn)

    assert code == 1
    assert lines[0].startswith(f"FAIL secret {arn}: ") and reason in lines[0]
    assert lines[1].startswith("FAIL warehouse: not checked")
    assert all(PASSWORD not in line for line in lines)


def test_no_secret_given(aws: Any) -> None:
    code, lines = check()

    assert code == 1 and lines[0] == f"FAIL secret: no secret given; pass --secret-arn or set {connectivity_check.SECRET_ARN_ENV}"


def test_command_line(aws: Any, database_url: str) -> None:
    arn = create_secret(aws, warehouse_secret(database_url))

    done = subprocess.run(
        [sys.executable, str(SPARK_ROOT / "jobs" / "connectivity_check.py"), "--secret-arn", arn, "--region", REGION],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("ok secret ") and "\nok warehouse " in done.stdout
    assert PASSWORD not in done.stdout + done.stderr
