from __future__ import annotations

import io
import json

from pipeline_spark.log import REDACTED, JobLogger


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_lines_carry_level_message_and_bound_ids() -> None:
    stream = io.StringIO()
    log = JobLogger(stream, run_id="r1").bind(load_id="users")

    log.info("load started", rows=3)
    log.error("load failed", code="E_X")

    first, second = lines(stream)
    assert {k: first[k] for k in ("level", "msg", "run_id", "load_id", "rows")} == {
        "level": "info", "msg": "load started", "run_id": "r1", "load_id": "users", "rows": 3,
    }
    assert first["ts"].endswith("Z")
    assert second["level"] == "error" and second["code"] == "E_X"


def test_registered_secrets_and_password_fields_are_never_written() -> None:
    stream = io.StringIO()
    root = JobLogger(stream)
    child = root.bind(run_id="r1")
    root.redact("hunter2")

    child.error("connect failed: password hunter2 rejected", detail=["x hunter2"], password="other", options={"jdbc_password": "y"})

    text = stream.getvalue()
    assert "hunter2" not in text and "other" not in text and '"y"' not in text
    (line,) = lines(stream)
    assert line["msg"] == f"connect failed: password {REDACTED} rejected"
    assert line["password"] == REDACTED
