"""Finding the transform: a file locally, a member of the --py-files zip on a cluster."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from pipeline_spark.errors import SpecError, TransformError
from pipeline_spark.transform_loader import find_in_archives, load_transform

MEMBER = "pipeline_transforms/0123abcd/shout.py"
SOURCE = "from pyspark.sql import functions as F\n\ndef transform(df, ctx):\n    return df.select(F.upper('v').alias('v'))\n"


def bundle(tmp_path: Path, members: dict[str, str]) -> str:
    archive = tmp_path / "pipeline_spark.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for name, text in members.items():
            out.writestr(name, text)
    return str(archive)


def test_a_member_of_a_zip_on_the_path_is_found_and_runs_on_executors(spark: SparkSession, tmp_path: Path) -> None:
    archive = bundle(tmp_path, {"pipeline_spark/__init__.py": "", MEMBER: SOURCE})

    transform = load_transform(MEMBER, search_path=["/nonexistent", str(tmp_path / "other.zip"), archive])

    df = spark.createDataFrame([("a",), ("b",)], ["v"])
    assert sorted(row.v for row in transform(df, None).collect()) == ["A", "B"]  # type: ignore[arg-type]
    assert sys.modules[transform.__module__].__file__ == f"{archive}/{MEMBER}"


def test_sys_path_is_searched_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = bundle(tmp_path, {MEMBER: SOURCE})
    monkeypatch.syspath_prepend(archive)

    assert callable(load_transform(MEMBER))


def test_a_file_at_the_path_wins_over_the_zip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = bundle(tmp_path, {MEMBER: "raise ImportError('the zip copy')\n"})
    (tmp_path / MEMBER).parent.mkdir(parents=True)
    (tmp_path / MEMBER).write_text(SOURCE)
    monkeypatch.chdir(tmp_path)

    assert callable(load_transform(MEMBER, search_path=[archive]))


def test_missing_members_and_broken_modules_say_so(tmp_path: Path) -> None:
    archive = bundle(tmp_path, {"pipeline_transforms/x/broken.py": "import no_such_module_here\n"})

    assert find_in_archives("pipeline_transforms/x/absent.py", [archive]) is None
    with pytest.raises(SpecError) as missing:
        load_transform("pipeline_transforms/x/absent.py", search_path=[archive])
    assert missing.value.field == "transform.path" and "nor such a member in a zip" in str(missing.value)
    with pytest.raises(TransformError) as broken:
        load_transform("pipeline_transforms/x/broken.py", search_path=[archive])
    assert "no_such_module_here" in str(broken.value)
    with pytest.raises(SpecError):
        load_transform(str(tmp_path / "absolute" / "absent.py"), search_path=[archive])
