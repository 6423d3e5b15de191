"""Deprecated: ``build_store_dask`` moved to :mod:`medkg.workflows` (one end of build for both engines)."""

import warnings

from medkg.workflows.building import build_store_dask

__all__ = ["build_store_dask"]

warnings.warn(
    "medkg.distributed.build_store_dask moved to medkg.workflows.build_store_dask",
    DeprecationWarning,
    stacklevel=2,
)
