"""``build_graph_dask``: extraction and graph assembly on a Dask cluster, identical to the local build.

The input is cut into partitions (``partition_size`` records shipped from the client, or one shard
per path of a :class:`ReaderSpec`, read by the workers themselves). Each worker builds the partial
graph of a partition with :func:`medkg.graph.build_graph`; the client merges the partials in
partition order (:mod:`medkg.distributed.merge`), so the result — and its
:func:`medkg.graph.checksum` — equals ``build_graph`` over the same records in the same order. At
most ``2 × workers`` partitions are in flight, so client memory does not grow with the input.

Examples
--------
>>> kg = build_graph_dask(records, None, GraphOptions(), scheduler="tcp://h:8786")  # dask # doctest: +SKIP
>>> checksum(kg) == checksum(build_graph(records, Extractor(onto), onto))                    # doctest: +SKIP
True
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Any

from medkg.datasets.rejects import ErrorPolicy
from medkg.datasets.types import ReportRecord
from medkg.distributed.merge import finish, merge_into, repeated_reports
from medkg.distributed.partition import Partial, build_partition
from medkg.distributed.specs import ExtractorSpec, ReaderSpec, extractor_spec
from medkg.errors import ConfigError
from medkg.graph.model import GraphInfo, KnowledgeGraph
from medkg.graph.options import GraphOptions

log = logging.getLogger(__name__)

#: Records per partition when records are shipped from the client.
PARTITION_SIZE = 2_000
Scheduler = Any  # None | "tcp://host:port" | dask.distributed.Client


@contextmanager
def dask_client(scheduler: Scheduler = None, n_workers: int = 2) -> Iterator[Any]:
    """A ``dask.distributed.Client``: the given one, one connected to an address, or a new LocalCluster.

    With ``scheduler=None`` a ``LocalCluster`` of ``n_workers`` single-threaded worker processes
    is started and shut down afterwards.
    """
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - dask is an optional dependency
        raise ConfigError(
            "the dask engine needs dask.distributed", hint='pip install "dask[distributed]"'
        ) from None
    if isinstance(scheduler, Client):
        yield scheduler
        return
    if scheduler is None:
        with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            yield client
        return
    if not isinstance(scheduler, str):
        raise ConfigError(
            f"scheduler must be None, an address or a Client, not {type(scheduler).__name__}",
            hint="e.g. --scheduler tcp://10.0.0.5:8786",
        )
    try:
        client = Client(scheduler, timeout="30s")
    except OSError as exc:
        raise ConfigError(
            f"cannot reach the Dask scheduler at {scheduler}: {exc}",
            hint="start one with `dask scheduler` and workers with `dask worker ADDRESS --nthreads 1`",
        ) from None
    with client:
        yield client


def _partitions(source: Iterable[ReportRecord] | ReaderSpec, size: int) -> Iterator[Any]:
    if isinstance(source, ReaderSpec):
        for _ in source.paths:
            yield source
        return
    it = iter(source)
    while chunk := list(islice(it, size)):
        yield chunk


def build_graph_dask(
    records_or_reader_spec: Iterable[ReportRecord] | ReaderSpec,
    ontology_spec: ExtractorSpec | str | os.PathLike[str] | None = None,
    options: GraphOptions | None = None,
    scheduler: Scheduler = None,
    *,
    partition_size: int = PARTITION_SIZE,
    n_workers: int = 2,
    progress: Callable[[int], None] | None = None,
) -> KnowledgeGraph:
    """Build a knowledge graph on a Dask cluster; the same graph as :func:`medkg.graph.build_graph`.

    Parameters
    ----------
    records_or_reader_spec:
        Report records (read on the client, shipped in partitions) or a :class:`ReaderSpec`
        (each worker reads one shard).
    ontology_spec:
        None (the shipped seed), an ontology path, or an :class:`ExtractorSpec` with extractor
        options. Workers and the client load the ontology themselves.
    options:
        Graph options (default :class:`GraphOptions`).
    scheduler:
        None (a local cluster of ``n_workers`` processes), ``"tcp://host:port"`` or a
        ``dask.distributed.Client``.
    partition_size:
        Records per partition for shipped records.
    progress:
        Called with the number of records of each merged partition.

    Returns
    -------
    KnowledgeGraph
        Without NaF (apply :func:`medkg.graph.naf` to it, as after ``build_graph``).

    Examples
    --------
    >>> spec = ReaderSpec("generic", shards, columns)                # needs dask and shards  # doctest: +SKIP
    >>> kg = build_graph_dask(spec, "umls/META", scheduler=client)                   # doctest: +SKIP
    """
    if partition_size < 1:
        raise ConfigError(f"partition_size must be >= 1, not {partition_size}")
    spec = extractor_spec(ontology_spec)
    options = options or GraphOptions()
    policy = None
    if isinstance(records_or_reader_spec, ReaderSpec):
        reader_options = dict(records_or_reader_spec.options)
        policy = ErrorPolicy(reader_options.get("on_error", "raise"), reader_options.pop("rejects", None))
        records_or_reader_spec = ReaderSpec(
            records_or_reader_spec.reader, records_or_reader_spec.paths, reader_options
        )
    from medkg.ontology import load

    ontology = load(spec.ontology) if spec.ontology is not None else load()
    kg = KnowledgeGraph(info=GraphInfo(options=options))
    t0 = time.perf_counter()
    with dask_client(scheduler, n_workers) as client:
        window = max(2, 2 * len(client.scheduler_info().get("workers", {})) or 2)
        in_flight: list[tuple[int, Any, Any]] = []  # (index, data, future), oldest first

        def collect() -> None:
            index, data, future = in_flight.pop(0)
            part = _result(future.result())
            repeated = repeated_reports(kg, part.graph)
            if repeated:  # the local build skips later copies of a report: rebuild without them
                log.info("partition %d repeats %d report id(s); rebuilt without them", index, len(repeated))
                again = client.submit(
                    build_partition, index, data, spec, options, frozenset(repeated), pure=False
                )
                part = _result(again.result())
            merge_into(kg, part.graph)
            if policy is not None:
                for failure in part.rejects:
                    policy.skip(failure.error())
            if progress is not None:
                progress(part.records)

        try:
            for index, chunk in enumerate(_partitions(records_or_reader_spec, partition_size)):
                data = chunk if isinstance(chunk, ReaderSpec) else client.scatter([chunk])[0]
                future = client.submit(build_partition, index, data, spec, options, pure=False)
                in_flight.append((index, data, future))
                while len(in_flight) >= window:
                    collect()
            while in_flight:
                collect()
        finally:
            if policy is not None:
                policy.close()
            for _, _, future in in_flight:
                future.cancel()
    finish(kg, ontology)
    log.info("dask build: %d reports in %.1f s", len(kg.reports), time.perf_counter() - t0)
    return kg


def _result(part: Partial) -> Partial:
    if part.failure is not None:
        raise part.failure.error()
    return part
