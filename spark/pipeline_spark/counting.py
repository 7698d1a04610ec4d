"""Counting rows read and written during the write itself, without a second scan of the source.

Rows written are observed (``DataFrame.observe``) at the top of the final plan: the count is an
aggregate the write's own tasks compute as rows stream through, collected when the write ends,
with no extra job and no per-row Python.

Rows read are observed the same way when the plan consumes the source once (no transform: the
read flows through dedupe, if any, into the write). A transform is arbitrary code that may
consume its input twice (a self-join, an aggregate joined back, a global sort's sampling pass);
an observation would then count rows twice, and worse, the database would be queried twice,
possibly seeing different data. So with a transform the source is persisted and counted once
(MEMORY_AND_DISK spills rather than fails on large reads), and everything downstream reads
that single snapshot.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from pyspark import StorageLevel
from pyspark.sql import DataFrame, Observation
from pyspark.sql import functions as F

RowCount = Callable[[], int]


def observe_rows(df: DataFrame, name: str) -> tuple[DataFrame, RowCount]:
    """``df`` with a row count attached; the count is readable once an action over it finished."""
    observation = Observation(f"{name}_{uuid.uuid4().hex}")
    observed = df.observe(observation, F.count(F.lit(1)).alias("rows"))
    return observed, lambda: int(observation.get["rows"])


def count_source(df: DataFrame, *, consumed_once: bool) -> tuple[DataFrame, RowCount]:
    """The source to build on and a way to read its row count after the write."""
    if consumed_once:
        return observe_rows(df, "rows_read")
    snapshot = df.persist(StorageLevel.MEMORY_AND_DISK)
    rows = snapshot.count()
    return snapshot, lambda: rows
