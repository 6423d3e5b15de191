"""One call from records to a stored graph: build → NaF → embedded store (what ``medkg build`` runs).

Examples
--------
>>> result = build_store(records, "kg-store", naf_settings=NafSettings())     # doctest: +SKIP
>>> result.stats.triples                                                       # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
import resource
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from medkg.datasets.types import ReportRecord
from medkg.graph.build import ExtractorLike, add_reports, build_graph, gc_paused
from medkg.graph.embed import EmbedReport, embed_images
from medkg.graph.model import KnowledgeGraph
from medkg.graph.naf import NafReport, NafSettings, naf
from medkg.graph.options import GraphOptions
from medkg.graph.stats import GraphStats, stats
from medkg.ontology.model import Ontology

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildResult:
    """The stored graph's statistics, the NaF report (None without NaF) and per-stage seconds."""

    graph: KnowledgeGraph
    stats: GraphStats
    naf: NafReport | None
    checksum: str
    seconds: dict[str, float] = field(default_factory=dict)
    store: Path | None = None
    embeddings: EmbedReport | None = None
    #: CPU seconds per stage (this process plus finished child processes, e.g. extraction workers).
    cpu_seconds: dict[str, float] = field(default_factory=dict)


def cpu_now() -> float:
    """CPU seconds used so far by this process and its finished (waited-for) child processes."""
    own = time.process_time()
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own + kids.ru_utime + kids.ru_stime


class TimedRecords:
    """Wraps a record iterator and adds up the wall and CPU seconds spent inside it (reading),
    so a streamed build can still report reading apart from extraction.

    >>> timed = TimedRecords(iter(range(3)))
    >>> sum(timed), timed.count
    (3, 3)
    """

    def __init__(self, records: Iterable) -> None:
        self._it = iter(records)
        self.wall = self.cpu = 0.0
        self.count = 0

    def __iter__(self) -> Iterator:
        return self

    def __next__(self):
        t, c = time.perf_counter(), time.process_time()
        try:
            item = next(self._it)
        finally:
            self.wall += time.perf_counter() - t
            self.cpu += time.process_time() - c
        self.count += 1
        return item


def build_store(
    records: Iterable[ReportRecord],
    out: str | os.PathLike[str] | None,
    *,
    extractor: ExtractorLike | None = None,
    ontology: Ontology | None = None,
    options: GraphOptions | None = None,
    naf_settings: NafSettings | None = None,
    workers: int = 1,
    incremental: bool = False,
    progress: Callable[[int], None] | None = None,
    encoder=None,
) -> BuildResult:
    """Build a graph from ``records``, apply NaF when ``naf_settings`` is given, write it to ``out``.

    Parameters
    ----------
    out:
        LadybugDB store directory (None: build in memory only).
    extractor, ontology:
        Default: the shipped seed ontology and :class:`medkg.extract.Extractor` over it.
    incremental:
        Add ``records`` to the graph already stored in ``out`` (only new reports are read;
        NaF is recomputed with the stored settings unless ``naf_settings`` is given).
    encoder:
        An image encoder (:mod:`medkg.images`; see :func:`medkg.graph.embed.encoder_from_spec`):
        images with pixels on disk get embeddings in ``kg.embeddings`` and the store's kNN index.

    ``records`` are streamed (read while extraction runs, never all held in memory).
    ``BuildResult.seconds`` and ``cpu_seconds`` have one entry per stage: load ontology +
    extractor, read records (time spent inside the reader), extract + build, NaF, image
    embeddings, store load (``checksum`` when ``out`` is None).
    """
    from medkg.store.ladybug import LadybugStore

    seconds: dict[str, float] = {}
    cpu: dict[str, float] = {}
    t, c = time.perf_counter(), cpu_now()
    if ontology is None:
        from medkg.ontology import load

        ontology = load()
    if extractor is None:
        from medkg.extract import Extractor

        extractor = Extractor(ontology)
    seconds["load ontology + extractor"], cpu["load ontology + extractor"] = _since(t, c)

    t, c = time.perf_counter(), cpu_now()
    reader = TimedRecords(records)  # streamed: records are read as extraction consumes them
    existing = LadybugStore(out) if (incremental and out is not None) else None
    if existing is not None and existing.build_dir is not None:
        kg = existing.read_graph()
        existing.close()
        add_reports(kg, reader, extractor, ontology, workers=workers, progress=progress)
    else:
        kg = build_graph(reader, extractor, ontology, options, workers=workers, progress=progress)
    wall, used = _since(t, c)
    seconds["read records"], cpu["read records"] = reader.wall, reader.cpu
    seconds["extract + build"], cpu["extract + build"] = wall - reader.wall, used - reader.cpu

    report = None
    if naf_settings is not None:
        t, c = time.perf_counter(), cpu_now()
        with gc_paused():  # millions of acyclic records: collections would only walk them
            report = naf(kg, settings=naf_settings)
        seconds["NaF"], cpu["NaF"] = _since(t, c)

    embedded = None
    if encoder is not None:
        t, c = time.perf_counter(), cpu_now()
        embedded = embed_images(kg, encoder)
        seconds["image embeddings"], cpu["image embeddings"] = _since(t, c)

    t, c = time.perf_counter(), cpu_now()
    with gc_paused():
        if out is not None:
            with LadybugStore(out, read_only=False) as store:
                digest = store.write(kg).checksum
            stage = "store load"
        else:
            from medkg.graph.checksum import checksum

            digest = checksum(kg)
            stage = "checksum"
    seconds[stage], cpu[stage] = _since(t, c)
    path = Path(out) if out is not None else None
    return BuildResult(kg, stats(kg), report, digest, seconds, path, embedded, cpu)


def _since(wall: float, cpu: float) -> tuple[float, float]:
    return time.perf_counter() - wall, cpu_now() - cpu
