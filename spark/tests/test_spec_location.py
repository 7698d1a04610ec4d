"""load_job reads a spec given as a file:// URI or an S3 object (moto), as EMR steps pass long specs."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest

from jobs.load_job import main
from tests.aws_fixtures import REGION, aws_env, moto_endpoint  # noqa: F401  (fixtures)
from tests.conftest import unique_name
from tests.specs import job_spec

# A spec that parses up to one field, so the exit says it was read: output.dir must be absolute.
BAD_OUTPUT = job_spec(output={"dir": "relative", "format": "csv"})


def error_record(capsys: pytest.CaptureFixture[str]) -> dict:
    (line,) = capsys.readouterr().err.strip().splitlines()
    return json.loads(line)


def test_spec_from_s3(aws_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    bucket = unique_name("specs").replace("_", "-")
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_object(Bucket=bucket, Key="specs/a.json", Body=json.dumps(BAD_OUTPUT).encode())

    assert main(["--spec", f"s3://{bucket}/specs/a.json"], env={}) == 2
    assert error_record(capsys)["field"] == "output.dir"

    assert main(["--spec", f"s3://{bucket}/specs/missing.json"], env={}) == 2
    record = error_record(capsys)
    assert record["field"] == "--spec" and "no object at" in record["msg"]


def test_spec_from_a_file_uri(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(BAD_OUTPUT))

    assert main(["--spec", spec_file.as_uri()], env={}) == 2
    assert error_record(capsys)["field"] == "output.dir"
