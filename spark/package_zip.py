"""Build ``dist/pipeline_spark.zip`` for ``spark-submit --py-files``.

The archive holds only the package's sources, in a fixed order with fixed timestamps, so the
same sources always give the same bytes: the EMR adapter uploads job code under its content hash.

    python package_zip.py [output.zip]
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

PACKAGE = "pipeline_spark"
# The earliest timestamp a zip entry can carry; any fixed value would do.
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def build(root: Path, output: Path) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    sources = sorted((root / PACKAGE).rglob("*.py"))
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for source in sources:
            entry = zipfile.ZipInfo(source.relative_to(root).as_posix(), date_time=_FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, source.read_bytes())
    return output


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else here / "dist" / f"{PACKAGE}.zip"
    print(build(here, target))
