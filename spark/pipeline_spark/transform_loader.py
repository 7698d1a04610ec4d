"""Loading a load's transform module by path and calling it with a ``TransformContext``.

Locally the path names a file. On a cluster the orchestrator ships the transform inside the
``--py-files`` zip, which spark-submit puts on ``sys.path``, and gives its member path in that zip
(``pipeline_transforms/<hash>/users.py``); a relative path that is no file is looked up there.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from types import ModuleType
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


def load_transform(path: str, search_path: Sequence[str] | None = None) -> Transform:
    """The ``transform(df, ctx)`` function of the module at ``path``.

    ``path`` is a file (absolute, or relative to the working directory) or, failing that, a
    member of a zip archive on ``search_path`` (``sys.path`` by default).
    """
    file = Path(path).resolve()
    if file.is_file():
        origin, source = str(file), None
    else:
        found = None if Path(path).is_absolute() else find_in_archives(path, sys.path if search_path is None else search_path)
        if found is None:
            raise SpecError("transform.path", f"no file at {path} (resolved to {file}), nor such a member in a zip on the Python path")
        origin, source = found
    name = "pipeline_transform_" + hashlib.sha256(origin.encode()).hexdigest()[:16]
    module = _import(name, origin, source, path)
    transform = getattr(module, "transform", None)
    if not callable(transform):
        raise SpecError("transform.path", f"{path} defines no transform(df, ctx) function")
    # Executors cannot import a module loaded from a path, so Python UDFs defined in it travel
    # by value instead of by reference.
    cloudpickle.register_pickle_by_value(module)
    return transform


def find_in_archives(member: str, search_path: Sequence[str]) -> tuple[str, bytes] | None:
    """``(origin, source)`` of ``member`` in the first zip archive on ``search_path`` that holds it."""
    wanted = PurePosixPath(member).as_posix()
    for entry in search_path:
        if not entry.endswith(".zip") or not zipfile.is_zipfile(entry):
            continue
        with zipfile.ZipFile(entry) as archive:
            if wanted in archive.namelist():
                return f"{entry}/{wanted}", archive.read(wanted)
    return None


def _import(name: str, origin: str, source: bytes | None, path: str) -> ModuleType:
    """Imports the file at ``origin``, or ``source`` compiled under that name."""
    if source is None:
        module_spec = importlib.util.spec_from_file_location(name, origin)
        if module_spec is None or module_spec.loader is None:
            raise SpecError("transform.path", f"{path} cannot be imported as a Python module")
    else:
        module_spec = importlib.util.spec_from_loader(name, loader=None, origin=origin)
        assert module_spec is not None
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module
    try:
        if source is None:
            module_spec.loader.exec_module(module)  # type: ignore[union-attr]
        else:
            module.__file__ = origin
            exec(compile(source, origin, "exec"), module.__dict__)
    except Exception as err:
        del sys.modules[name]
        raise TransformError(path, f"import failed: {type(err).__name__}: {first_line(str(err))}") from err
    return module


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
