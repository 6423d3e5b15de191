"""Deprecated: the batch commands' row reader moved to :mod:`medkg.datasets.report_rows`."""

import warnings

from medkg.datasets.report_rows import Record, iter_records

__all__ = ["Record", "iter_records"]

warnings.warn(
    "medkg.extract.records moved to medkg.datasets.report_rows", DeprecationWarning, stacklevel=2
)
