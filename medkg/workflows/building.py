"""Records to a stored graph: extract + build (this machine or Dask) → NaF → embeddings → store.

Both engines end the same way (:func:`finish_build`): NaF with the garbage collector paused,
optional image embeddings, the embedded store written (or the checksum computed), wall and CPU
seconds per stage.

Examples
--------
>>> from medkg.demo import sample_records
>>> result = build_store(sample_records(), None)
>>> result.stats.nodes["Report"], len(result.checksum), list(result.seconds)[:2]
(6, 64, ['load ontology + extractor', 'read records'])
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from medkg.datasets.readers import read
from medkg.datasets.recipes import Recipe
from medkg.datasets.types import ReportRecord
from medkg.distributed.engine import PARTITION_SIZE, Scheduler, build_graph_dask
from medkg.distributed.specs import ExtractorSpec, ReaderSpec
from medkg.graph.build import ExtractorLike, add_reports, build_graph, gc_paused
from medkg.graph.checksum import checksum
from medkg.graph.embed import EmbedReport, embed_images, encoder_from_spec
from medkg.graph.model import KnowledgeGraph
from medkg.graph.naf import NafReport, NafSettings, naf
from medkg.graph.options import GraphOptions
from medkg.graph.stats import GraphStats, stats
from medkg.images.encoders import ImageEncoder
from medkg.ontology.model import Ontology
from medkg.store.ladybug import LadybugStore
from medkg.workflows.plan import Engine, check_engine, plan_build
from medkg.workflows.timing import StageClock, TimedRecords

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


def finish_build(
    kg: KnowledgeGraph,
    out: str | os.PathLike[str] | None,
    clock: StageClock,
    *,
    naf_settings: NafSettings | None = None,
    encoder: ImageEncoder | None = None,
) -> BuildResult:
    """The end of every build: NaF (when ``naf_settings``), image embeddings (when ``encoder``),
    then the LadybugDB store ``out`` written (``out`` None: only the checksum is computed)."""
    report = None
    if naf_settings is not None:
        with clock("NaF"), gc_paused():  # millions of acyclic records: collections would only walk them
            report = naf(kg, settings=naf_settings)
    embedded = None
    if encoder is not None:
        with clock("image embeddings"):
            embedded = embed_images(kg, encoder)
    with clock("store load" if out is not None else "checksum"), gc_paused():
        if out is not None:
            with LadybugStore(out, read_only=False) as store:
                digest = store.write(kg).checksum
        else:
            digest = checksum(kg)
    path = Path(out) if out is not None else None
    return BuildResult(kg, stats(kg), report, digest, clock.seconds, path, embedded, clock.cpu)


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
    encoder: ImageEncoder | None = None,
) -> BuildResult:
    """Build a graph from ``records`` on this machine, apply NaF when ``naf_settings`` is given,
    write it to ``out``.

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
        An image encoder (:mod:`medkg.images`; see :func:`medkg.images.encoder_from_spec`):
        images with pixels on disk get embeddings in ``kg.embeddings`` and the store's kNN index.

    ``records`` are streamed (read while extraction runs, never all held in memory).
    ``BuildResult.seconds`` and ``cpu_seconds`` have one entry per stage: load ontology +
    extractor, read records (time spent inside the reader), extract + build, NaF, image
    embeddings, store load (``checksum`` when ``out`` is None).
    """
    clock = StageClock()
    with clock("load ontology + extractor"):
        if ontology is None:
            from medkg.ontology import load

            ontology = load()
        if extractor is None:
            from medkg.extract import Extractor

            extractor = Extractor(ontology)

    reader = TimedRecords(records)  # streamed: records are read as extraction consumes them
    with clock("extract + build"):
        existing = LadybugStore(out) if (incremental and out is not None) else None
        if existing is not None and existing.build_dir is not None:
            kg = existing.read_graph()
            existing.close()
            add_reports(kg, reader, extractor, ontology, workers=workers, progress=progress)
        else:
            kg = build_graph(reader, extractor, ontology, options, workers=workers, progress=progress)
    wall, used = clock.seconds.pop("extract + build"), clock.cpu.pop("extract + build")
    clock.record("read records", reader.wall, reader.cpu)
    clock.record("extract + build", wall - reader.wall, used - reader.cpu)
    return finish_build(kg, out, clock, naf_settings=naf_settings, encoder=encoder)


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
    encoder: ImageEncoder | None = None,
) -> BuildResult:
    """The same build on Dask distributed (``medkg build --engine dask``), same result and end.

    Parameters are those of :func:`medkg.distributed.build_graph_dask` and :func:`build_store`;
    ``ontology`` is a path (or spec), not an object, because every worker loads it itself.

    Examples
    --------
    With ``dask[distributed]`` installed and a scheduler running (not run here):

    >>> result = build_store_dask(records, "kg", scheduler="tcp://10.0.0.5:8786")  # dask # doctest: +SKIP
    >>> result.checksum == build_store(records, None).checksum                     # doctest: +SKIP
    True
    """
    clock = StageClock()
    with clock("extract + build (dask)"):
        kg = build_graph_dask(
            records, ontology, options, scheduler,
            partition_size=partition_size, n_workers=n_workers, progress=progress,
        )  # fmt: skip
    return finish_build(kg, out, clock, naf_settings=naf_settings, encoder=encoder)


def build(
    recipe: str | os.PathLike[str] | Recipe,
    data: str | os.PathLike[str],
    out: str | os.PathLike[str] | None,
    *,
    engine: Engine = "local",
    workers: int = 1,
    preset: str | None = None,
    naf: bool | None = None,
    naf_budget: int | None = None,
    naf_k: int | None = None,
    ontology: str | os.PathLike[str] | None = None,
    store_text: bool | None = None,
    anatomy_edges: str | None = None,
    incremental: bool = False,
    encoder: str | ImageEncoder | None = None,
    scheduler: Scheduler = None,
    on_error: str | None = None,
    rejects: str | os.PathLike[str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> BuildResult:
    """What ``medkg build RECIPE --data DATA --out OUT`` runs, option for option.

    Parameters
    ----------
    recipe, preset, naf, naf_budget, naf_k, store_text, anatomy_edges:
        See :func:`medkg.workflows.plan_build`.
    data:
        The dataset file or directory the recipe's reader reads.
    out:
        The embedded store directory (None: build in memory and return the graph).
    engine:
        ``"local"`` (``workers`` extraction processes on this machine) or ``"dask"`` (Dask
        distributed; ``scheduler`` an address or client, default a local cluster of ``workers``).
    ontology:
        Ontology source path (default: the shipped seed).
    incremental:
        Add the reports to the graph already in ``out`` (local engine only).
    encoder:
        Image encoder or its spec (``"pixel-stats"``, ``"hf:PATH"``; None/``"none"``: no embeddings).
    on_error, rejects:
        ``"raise"`` or ``"skip"`` bad records (listed in the ``rejects`` JSONL file); None: the recipe's.

    Examples
    --------
    >>> result = build("openi", "NLMCXR_reports.tgz", "kg", naf=True)  # needs Open-i # doctest: +SKIP
    """
    check_engine(engine, scheduler=scheduler, incremental=incremental, encoder=encoder, on_error=on_error)
    plan = plan_build(
        recipe, preset=preset, naf=naf, naf_budget=naf_budget, naf_k=naf_k,
        store_text=store_text, anatomy_edges=anatomy_edges,
    )  # fmt: skip
    policy: dict[str, str] = {}
    if on_error is not None:
        policy["on_error"] = on_error
    if rejects is not None:
        policy["rejects"] = str(rejects)
    records = read(plan.recipe, data, **policy)
    if engine == "dask":
        return build_store_dask(
            records, out, ontology=ontology, options=plan.options, naf_settings=plan.naf_settings,
            scheduler=scheduler, n_workers=workers, progress=progress,
        )  # fmt: skip
    onto = None
    if ontology is not None:
        from medkg.ontology import load

        onto = load(ontology)
    return build_store(
        records, out, ontology=onto, options=plan.options, naf_settings=plan.naf_settings,
        workers=workers, incremental=incremental, progress=progress,
        encoder=encoder_from_spec(encoder) if isinstance(encoder, str | None) else encoder,
    )  # fmt: skip
