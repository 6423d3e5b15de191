"""Deprecated: the build workflow moved to :mod:`medkg.workflows` (it wires extraction, graph and store)."""

import warnings

from medkg.workflows.building import BuildResult, build_store
from medkg.workflows.timing import TimedRecords, cpu_now

__all__ = ["BuildResult", "TimedRecords", "build_store", "cpu_now"]

warnings.warn(
    "medkg.graph.workflow moved to medkg.workflows (build_store, BuildResult, cpu_now)",
    DeprecationWarning,
    stacklevel=2,
)
