"""Shared code of the pipeline's PySpark jobs: spec, session, readers, writers, manifest.

The package is self-contained so it can be shipped to a cluster as one zip (``--py-files``).
"""
