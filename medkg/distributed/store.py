"""``build_store_dask``: what ``medkg build --engine dask`` runs — Dask build → NaF → embedded store.

The same result type and stages as :func:`medkg.graph.workflow.build_store`, so the CLI swaps one
call for the other.

Examples
--------
>>> result = build_store_dask(records, "kg-store", scheduler="tcp://10.0.0.5:8786")   # doctest: +SKIP
>>> result.checksum == build_store(records, None).checksum                            # doctest: +SKIP
True
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from medkg.datasets.types import ReportRecord
from medkg.distributed.engine import PARTITION_SIZE, Scheduler, build_graph_dask
from medkg.distributed.specs import ExtractorSpec, ReaderSpec
from medkg.graph.checksum import checksum
from medkg.graph.naf import NafSettings, naf
from medkg.graph.options import GraphOptions
from medkg.graph.stats import stats
from medkg.graph.workflow import BuildResult


def build_store_dask(
    records: Iterable[ReportRecord] | ReaderSpec,
    out: str | os.PathLike[str] | None,
    *,
    ontology: ExtractorSpec | str | os.PathLike[str] | None = None,
    options: GraphOptions | None = None,
    naf_settings: NafSettings | None = None,
    scheduler: Scheduler = None,
    n_workers: int = 2,
    partition_size: int = PARTITION_SIZE,
    progress: Callable[[int], None] | None = None,
) -> BuildResult:
    """Build on Dask, apply NaF when ``naf_settings`` is given, write the store ``out`` (None: memory).

    Parameters are those of :func:`medkg.distributed.build_graph_dask` and
    :func:`medkg.graph.workflow.build_store`; ``ontology`` is a path (or spec), not an object,
    because every worker loads it itself.

    Returns
    -------
    medkg.graph.workflow.BuildResult
    """
    seconds: dict[str, float] = {}
    t = time.perf_counter()
    kg = build_graph_dask(
        records, ontology, options, scheduler,
        partition_size=partition_size, n_workers=n_workers, progress=progress,
    )
    seconds["extract + build (dask)"] = time.perf_counter() - t
    report = None
    if naf_settings is not None:
        t = time.perf_counter()
        report = naf(kg, settings=naf_settings)
        seconds["NaF"] = time.perf_counter() - t
    if out is not None:
        from medkg.store.ladybug import LadybugStore

        t = time.perf_counter()
        with LadybugStore(out, read_only=False) as store:
            digest = store.write(kg).checksum
        seconds["store load"] = time.perf_counter() - t
    else:
        digest = checksum(kg)
    return BuildResult(kg, stats(kg), report, digest, seconds, Path(out) if out is not None else None)
