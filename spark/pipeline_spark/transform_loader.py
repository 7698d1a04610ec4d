"""Loading a load's transform module by path and calling it with a ``TransformContext``."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pyspark import cloudpickle
from pyspark.sql import DataFrame, SparkSession

from pipeline_spark.errors import JobError, SpecError, TransformError, first_line


@dataclass(frozen=True)
class TransformContext:
    """What a transform may know about its run besides the DataFrame."""

    spark: SparkSession
    run_id: str
    pipeline_id: str
    load_id: str
    interval_start: datetime | None
    interval_end: datetime | None
    params: Mapping[str, Any]


Transform = Callable[[DataFrame, TransformContext], DataFrame]


def load_transform(path: str) -> Transform:
    """The ``transform(df, ctx)`` function of the module at ``path`` (relative to the working directory)."""
    file = Path(path).resolve()
    if not file.is_file():
        raise SpecError("transform.path", f"no file at {path} (resolved to {file})")
    name = "pipeline_transform_" + hashlib.sha256(str(file).encode()).hexdigest()[:16]
    module_spec = importlib.util.spec_from_file_location(name, file)
    if module_spec is None or module_spec.loader is None:
        raise SpecError("transform.path", f"{path} cannot be imported as a Python module")
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module
    try:
        module_spec.loader.exec_module(module)
    except Exception as err:
        del sys.modules[name]
        raise TransformError(path, f"import failed: {type(err).__name__}: {first_line(str(err))}") from err
    transform = getattr(module, "transform", None)
    if not callable(transform):
        raise SpecError("transform.path", f"{path} defines no transform(df, ctx) function")
    # Executors cannot import a module loaded from a path, so Python UDFs defined in it travel
    # by value instead of by reference.
    cloudpickle.register_pickle_by_value(module)
    return transform


def apply_transform(transform: Transform, df: DataFrame, ctx: TransformContext, path: str) -> DataFrame:
    try:
        result = transform(df, ctx)
    except JobError:
        raise
    except Exception as err:
        raise TransformError(path, f"raised {type(err).__name__}: {first_line(str(err))}") from err
    if not isinstance(result, DataFrame):
        raise TransformError(path, f"returned {type(result).__name__}; transform(df, ctx) must return a DataFrame")
    return result
