"""Building job specs in tests: a valid spec, then per-test overrides."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

INTERVAL = {"start": "2026-01-01T00:00:00Z", "end": "2026-01-02T00:00:00Z"}


def job_spec(*, out: Path | str = "/tmp/pipeline-test/out", jdbc: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    out = Path(out)
    jdbc = jdbc or {"url": "jdbc:postgresql://127.0.0.1:5432/test", "user": "postgres", "password": None}
    spec: dict[str, Any] = {
        "runId": "users-20260101T000000Z",
        "pipelineId": "users",
        "loadId": "users",
        "interval": copy.deepcopy(INTERVAL),
        "source": {"table": "public.users_raw", "query": None, "incrementalColumn": "updated_at"},
        "read": {"kind": "jdbc", "url": jdbc["url"], "user": jdbc["user"], "passwordEnv": None, "fetchSize": 1000},
        "transform": None,
        "params": {},
        "dedupe": None,
        "output": {"dir": str(out / "data"), "format": "csv"},
        "manifestPath": str(out / "manifest.json"),
    }
    spec.update(overrides)
    return spec
