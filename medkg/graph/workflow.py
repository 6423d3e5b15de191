"""One call from records to a stored graph: build → NaF → embedded store (what ``medkg build`` runs).

Examples
--------
>>> result = build_store(records, "kg-store", naf_settings=NafSettings())     # doctest: +SKIP
>>> result.stats.triples                                                       # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from medkg.datasets.types import ReportRecord
from medkg.graph.build import ExtractorLike, add_reports, build_graph
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

    ``BuildResult.seconds`` has one entry per stage: read records, extract + build, NaF,
    image embeddings, store load.
    """
    from medkg.store.ladybug import LadybugStore

    seconds: dict[str, float] = {}
    t = time.perf_counter()
    if ontology is None:
        from medkg.ontology import load

        ontology = load()
    if extractor is None:
        from medkg.extract import Extractor

        extractor = Extractor(ontology)
    seconds["load ontology + extractor"] = time.perf_counter() - t

    t = time.perf_counter()
    records = list(records)
    seconds["read records"] = time.perf_counter() - t

    t = time.perf_counter()
    existing = LadybugStore(out) if (incremental and out is not None) else None
    if existing is not None and existing.build_dir is not None:
        kg = existing.read_graph()
        existing.close()
        add_reports(kg, records, extractor, ontology, workers=workers, progress=progress)
    else:
        kg = build_graph(records, extractor, ontology, options, workers=workers, progress=progress)
    seconds["extract + build"] = time.perf_counter() - t

    report = None
    if naf_settings is not None:
        t = time.perf_counter()
        report = naf(kg, settings=naf_settings)
        seconds["NaF"] = time.perf_counter() - t

    embedded = None
    if encoder is not None:
        t = time.perf_counter()
        embedded = embed_images(kg, encoder)
        seconds["image embeddings"] = time.perf_counter() - t

    digest = ""
    if out is not None:
        t = time.perf_counter()
        with LadybugStore(out, read_only=False) as store:
            digest = store.write(kg).checksum
        seconds["store load"] = time.perf_counter() - t
    else:
        from medkg.graph.checksum import checksum

        digest = checksum(kg)
    path = Path(out) if out is not None else None
    return BuildResult(kg, stats(kg), report, digest, seconds, path, embedded)
