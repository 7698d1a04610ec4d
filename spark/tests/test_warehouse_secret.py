"""The job reads the warehouse credentials from Secrets Manager itself (moto), as it does on EMR."""

from __future__ import annotations

import io
import json
from typing import Any

import boto3
import pytest
from pyspark.sql import SparkSession

from jobs.load_job import run
from pipeline_spark.errors import JobError, SpecError
from pipeline_spark.log import JobLogger
from pipeline_spark.spec import parse_spec
from pipeline_spark.warehouse_secret import SecretReadError, parse_warehouse_secret, read_warehouse_secret
from tests.aws_fixtures import REGION, aws_env, moto_endpoint  # noqa: F401  (fixtures)
from tests.conftest import IN_INTERVAL, unique_name
from tests.specs import job_spec

PASSWORD = "pw-" + "Hq7!z" * 4


def create_secret(value: dict[str, Any] | str) -> str:
    client = boto3.client("secretsmanager", region_name=REGION)
    text = value if isinstance(value, str) else json.dumps(value)
    return client.create_secret(Name=unique_name("warehouse"), SecretString=text)["ARN"]


def secret_for(jdbc: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    secret = {"engine": "postgres", "host": "127.0.0.1", "port": "5432", "username": jdbc["user"], "password": jdbc["password"] or PASSWORD, "dbname": "test"}
    secret.update(overrides)
    return secret


def test_reads_the_redshift_secret_json(aws_env: str) -> None:
    arn = create_secret({"engine": "redshift", "host": "wh.example", "port": 5439, "username": "etl", "password": PASSWORD, "dbname": "dev"})

    secret = read_warehouse_secret(arn)

    assert (secret.host, secret.port, secret.username, secret.password, secret.dbname) == ("wh.example", 5439, "etl", PASSWORD, "dev")
    assert PASSWORD not in repr(secret)


def test_a_missing_secret_is_not_worth_retrying(aws_env: str) -> None:
    arn = f"arn:aws:secretsmanager:{REGION}:123456789012:secret:missing-AbCdEf"

    with pytest.raises(SecretReadError) as caught:
        read_warehouse_secret(arn)

    assert caught.value.exit_code == 2 and caught.value.code == "E_SPARK_SECRET" and "not found" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (None, "holds binary data"),
        ("[1]", "is not a JSON object"),
        ('{"host": "h", "port": 1}', "lacks username, password, dbname"),
        ('{"host": "h", "port": "x", "username": "u", "password": "p", "dbname": "d"}', "must be a number"),
    ],
)
def test_malformed_secrets_say_what_to_fix(text: str | None, reason: str) -> None:
    with pytest.raises(SecretReadError) as caught:
        parse_warehouse_secret("arn:x", text)

    assert reason in caught.value.reason and caught.value.exit_code == 2


def test_a_jdbc_read_takes_either_a_secret_or_a_user() -> None:
    spec = job_spec()
    spec["read"] = {"kind": "jdbc", "url": "jdbc:postgresql://h:5432/db", "secretArn": "arn:aws:secretsmanager:eu-west-1:1:secret:x"}
    assert parse_spec(spec).read.secret_arn == "arn:aws:secretsmanager:eu-west-1:1:secret:x"

    spec["read"]["user"] = "etl"
    with pytest.raises(SpecError) as caught:
        parse_spec(spec)
    assert caught.value.field == "read.secretArn"


def test_the_job_reads_the_source_with_the_secret_and_never_logs_the_password(
    aws_env: str, spark: SparkSession, jdbc: dict[str, Any], users_raw: str, tmp_path: Any
) -> None:
    spec = job_spec(out=tmp_path / "run", jdbc=jdbc, source={"table": users_raw, "query": None, "incrementalColumn": "updated_at"})
    spec["read"] = {"kind": "jdbc", "url": jdbc["url"], "secretArn": create_secret(secret_for(jdbc)), "fetchSize": 100}
    stream = io.StringIO()

    manifest = run(spec, spark, env={}, log=JobLogger(stream, run_id=spec["runId"]))

    assert manifest["rowsRead"] == len(IN_INTERVAL)
    assert '"msg": "read the warehouse credentials"' in stream.getvalue()
    assert PASSWORD not in stream.getvalue()


def test_the_user_comes_from_the_secret(aws_env: str, spark: SparkSession, jdbc: dict[str, Any], users_raw: str, tmp_path: Any) -> None:
    stranger = unique_name("nobody")
    spec = job_spec(out=tmp_path / "run", jdbc=jdbc, source={"table": users_raw, "query": None, "incrementalColumn": "updated_at"})
    spec["read"] = {"kind": "jdbc", "url": jdbc["url"], "secretArn": create_secret(secret_for(jdbc, username=stranger))}

    with pytest.raises(Exception) as caught:
        run(spec, spark, env={})

    assert stranger in str(caught.value)
    assert not isinstance(caught.value, JobError) or caught.value.code != "E_SPARK_SECRET"
