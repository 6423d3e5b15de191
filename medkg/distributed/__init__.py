"""Scale-out on Dask distributed: extraction and graph assembly on a cluster, same graph as locally.

    from medkg.distributed import build_graph_dask, build_store_dask, ReaderSpec
    kg = build_graph_dask(records, None, GraphOptions(), scheduler="tcp://10.0.0.5:8786")

See ``docs/SCALE_OUT.md`` for the cluster set-up, why Dask, and the projection for 10M reports.
"""

from medkg.distributed.engine import build_graph_dask, dask_client
from medkg.distributed.specs import ExtractorSpec, ReaderSpec
from medkg.distributed.store import build_store_dask

__all__ = ["ExtractorSpec", "ReaderSpec", "build_graph_dask", "build_store_dask", "dask_client"]
