"""Deprecated: batch runs moved to :mod:`medkg.workflows.batch` (they wire extraction and labels)."""

import warnings

from medkg.workflows.batch import RunStats, extraction_to_json
from medkg.workflows.batch import run_batch as run

__all__ = ["RunStats", "extraction_to_json", "run"]

warnings.warn(
    "medkg.extract.batch moved to medkg.workflows.batch (run is now run_batch)",
    DeprecationWarning,
    stacklevel=2,
)
