"""Structured log lines on stderr: one JSON object per line with level, msg and the job's ids.

Secrets are scrubbed here rather than at each call site: any value registered with ``redact``
and any field whose name mentions a password or token is replaced before the line is written.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from typing import Any, TextIO

REDACTED = "[redacted]"
_SENSITIVE_KEYS = ("password", "token")


class JobLogger:
    def __init__(self, stream: TextIO | None = None, **context: Any) -> None:
        self._stream = stream
        self._context = context
        self._secrets: set[str] = set()

    def bind(self, **fields: Any) -> JobLogger:
        child = JobLogger(self._stream, **{**self._context, **fields})
        child._secrets = self._secrets
        return child

    def redact(self, secret: str) -> None:
        """Never write this value, in any field of any later line of this logger or its children."""
        if secret:
            self._secrets.add(secret)

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def info(self, msg: str, **fields: Any) -> None:
        self._write("info", msg, fields)

    def warning(self, msg: str, **fields: Any) -> None:
        self._write("warn", msg, fields)

    def error(self, msg: str, **fields: Any) -> None:
        self._write("error", msg, fields)

    def _write(self, level: str, msg: str, fields: dict[str, Any]) -> None:
        record: dict[str, Any] = {
            "ts": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": level,
            "msg": msg,
            **self._context,
            **fields,
        }
        clean = {key: self._clean(key, value) for key, value in record.items()}
        stream = self._stream or sys.stderr
        # ASCII-only JSON: the line may pass through a JVM stream whose charset is not UTF-8.
        stream.write(json.dumps(clean, default=str) + "\n")
        stream.flush()

    def _clean(self, key: str, value: Any) -> Any:
        if any(word in key.lower() for word in _SENSITIVE_KEYS):
            return REDACTED
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, (list, tuple)):
            return [self._clean("", item) for item in value]
        if isinstance(value, dict):
            return {k: self._clean(str(k), v) for k, v in value.items()}
        return value


class JvmStderr:
    """A text stream writing to the driver JVM's ``System.err``.

    spark-submit relays a Python driver's stderr to its own *stdout* (its PythonRunner merges
    the two), so under spark-submit this is the way to put log lines on spark-submit's stderr.
    """

    def __init__(self, jvm: Any) -> None:
        self._err = jvm.java.lang.System.err

    def write(self, text: str) -> int:
        self._err.print(text)
        return len(text)

    def flush(self) -> None:
        self._err.flush()
