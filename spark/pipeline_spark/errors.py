"""Errors a load job reports. Callers branch on the class or ``code``, never on the message.

The underlying exception, when there is one, is chained (``raise … from err``) as ``__cause__``.
"""

from __future__ import annotations


class JobError(Exception):
    """Base class: a failure the job explains itself, with a stable code and process exit code."""

    code = "E_SPARK_JOB"
    exit_code = 1


class SpecError(JobError):
    """The job spec is unusable; ``field`` is the dotted path of the offending field."""

    code = "E_SPARK_SPEC"
    exit_code = 2

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"invalid job spec: {field}: {message}")
        self.field = field


class TransformError(JobError):
    """The transform module failed to import, raised, or returned something other than a DataFrame."""

    code = "E_SPARK_TRANSFORM"

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"transform {path}: {message}")
        self.path = path


class OutputSchemaError(JobError):
    """The DataFrame to write has columns the warehouse side cannot load (type or name)."""

    code = "E_SPARK_OUTPUT_SCHEMA"

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            "the output cannot be loaded: " + "; ".join(problems) + ". Cast or rename these columns in the transform."
        )
        self.problems = problems


class JdbcJarError(JobError):
    """The JDBC driver jar named by ``PIPELINE_JDBC_JAR`` does not exist."""

    code = "E_SPARK_JDBC_JAR"

    def __init__(self, path: str) -> None:
        super().__init__(f"no JDBC driver jar at {path}; install it or point PIPELINE_JDBC_JAR at the jar")
        self.path = path


def first_line(text: str) -> str:
    """The headline of an exception message; Spark's carry whole query plans and stack traces."""
    stripped = text.strip()
    return stripped.splitlines()[0] if stripped else ""
