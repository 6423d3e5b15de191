"""Scale-out on Dask distributed: extraction and graph assembly on a cluster, same graph as locally.

    from medkg.distributed import build_graph_dask, ReaderSpec
    kg = build_graph_dask(records, None, GraphOptions(), scheduler="tcp://10.0.0.5:8786")

Build and store in one call with :func:`medkg.workflows.build_store_dask` (``medkg build --engine
dask``). See ``docs/SCALE_OUT.md`` for the cluster set-up, why Dask, and the projection for 10M reports.
"""

from typing import Any

from medkg.distributed.engine import build_graph_dask, dask_client
from medkg.distributed.specs import ExtractorSpec, ReaderSpec

__all__ = ["ExtractorSpec", "ReaderSpec", "build_graph_dask", "dask_client"]


def __getattr__(name: str) -> Any:
    if name == "build_store_dask":  # deprecated here: medkg.workflows.build_store_dask
        from . import store

        return store.build_store_dask
    raise AttributeError(f"module 'medkg.distributed' has no attribute {name!r}")
