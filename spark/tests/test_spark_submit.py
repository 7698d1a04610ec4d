"""One run through the real ``spark-submit``, the way the worker launches the job."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import SPARK_ROOT
from tests.specs import job_spec

REPO_ROOT = SPARK_ROOT.parent
SPARK_SUBMIT = Path(sys.executable).with_name("spark-submit")


def test_spark_submit_runs_the_job_end_to_end(users_raw: str, jdbc: dict[str, Any], tmp_path: Path) -> None:
    spec = job_spec(
        out=tmp_path / "run",
        jdbc=jdbc,
        source={"table": users_raw, "query": None, "incrementalColumn": "updated_at"},
        transform={"path": "spark/transforms/users.py"},
        dedupe={"key": ["user_id"], "orderBy": ["updated_at"]},
    )
    spec["read"]["passwordEnv"] = "PIPELINE_JDBC_PASSWORD"
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(spec))
    password = jdbc["password"] or "unused-by-trust-auth-Zq81"
    env = {
        **os.environ,
        # spark-submit runs the job with this interpreter; the default python3 may lack pyspark.
        "PYSPARK_PYTHON": sys.executable,
        "PIPELINE_JDBC_PASSWORD": password,
    }

    done = subprocess.run(
        [str(SPARK_SUBMIT), "--master", "local[2]", "spark/jobs/load_job.py", "--spec", str(spec_file)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )

    assert done.returncode == 0, done.stderr
    manifest = json.loads(Path(spec["manifestPath"]).read_text())
    assert manifest["rowsRead"] == 3 and manifest["rowsWritten"] == 2
    data = Path(spec["output"]["dir"])
    lines = sorted("".join((data / name).read_text() for name in manifest["files"]).splitlines())
    assert lines[0].startswith('1,"ann@example.com","Ann Lee","US",') and lines[1].startswith('2,"bo@example.com","Bo","DE",')

    assert password not in done.stderr and password not in done.stdout
    records = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    finished = next((r for r in records if r["msg"] == "load finished"), None)
    assert finished is not None, done.stderr
    assert finished["run_id"] == spec["runId"] and finished["load_id"] == spec["loadId"] and finished["rows_written"] == 2
    assert " INFO " not in done.stderr
    assert done.stdout == ""
