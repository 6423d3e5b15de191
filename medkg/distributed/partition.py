"""What runs on a Dask worker: one partition of records → a partial :class:`KnowledgeGraph`.

Each worker process builds its extractor once (from an :class:`ExtractorSpec`, loading the
ontology through its own compiled cache) and keeps it for every later partition. Errors come back
as data (:class:`Failure`) so the client re-raises the same typed :mod:`medkg.errors` error with
its file, line and record intact.

Examples
--------
>>> part = build_partition(0, [], ExtractorSpec(None, {"fuzzy": False}))
>>> part.records, len(part.graph.reports)
(0, 0)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

import medkg.errors as errors
from medkg.datasets.types import ReportRecord
from medkg.distributed.specs import ExtractorSpec, ReaderSpec
from medkg.errors import MedkgError
from medkg.graph.model import KnowledgeGraph
from medkg.graph.options import GraphOptions

log = logging.getLogger(__name__)

_LOCK = threading.Lock()
_EXTRACTORS: dict[str, tuple[object, object]] = {}


@dataclass(frozen=True, slots=True)
class Failure:
    """A :class:`~medkg.errors.MedkgError` as plain fields (survives any serializer unchanged)."""

    kind: str
    message: str
    path: str | None = None
    line: int | None = None
    record: str | None = None
    hint: str | None = None

    @classmethod
    def of(cls, exc: MedkgError) -> Failure:
        return cls(type(exc).__name__, exc.message, exc.path, exc.line, exc.record, exc.hint)

    def error(self) -> MedkgError:
        """The typed error again (its class looked up in :mod:`medkg.errors`)."""
        kind = getattr(errors, self.kind, MedkgError)
        if not (isinstance(kind, type) and issubclass(kind, MedkgError)):
            kind = MedkgError
        return kind(self.message, path=self.path, line=self.line, record=self.record, hint=self.hint)


@dataclass
class Partial:
    """A partition's result: its graph (ontology edges left out), records read, skipped records."""

    index: int
    graph: KnowledgeGraph | None
    records: int = 0
    rejects: list[Failure] = field(default_factory=list)
    failure: Failure | None = None


def worker_extractor(spec: ExtractorSpec) -> tuple[object, object]:
    """``(ontology, extractor)`` of this process for ``spec``, built on first use."""
    key = spec.key()
    with _LOCK:
        found = _EXTRACTORS.get(key)
        if found is None:
            from medkg.extract import Extractor
            from medkg.ontology import load

            ontology = load(spec.ontology) if spec.ontology is not None else load()
            found = (ontology, Extractor(ontology, **spec.options))
            _EXTRACTORS[key] = found
            log.info("worker built its extractor for %s", key)
    return found


def warm_up(spec: ExtractorSpec) -> str:
    """Build this worker's extractor now (``client.run(warm_up, spec)``); returns the spec's key."""
    worker_extractor(spec)
    return spec.key()


def build_partition(
    index: int,
    source: list[ReportRecord] | ReaderSpec,
    spec: ExtractorSpec,
    options: GraphOptions | None = None,
    exclude: frozenset[str] = frozenset(),
) -> Partial:
    """Build the partial graph of one partition (runs on a worker; also callable locally).

    Parameters
    ----------
    index:
        Partition number (a shard index when ``source`` is a :class:`ReaderSpec`).
    source:
        The partition's records, or the reader spec whose shard ``index`` the worker reads.
    spec:
        How to build the extractor.
    options:
        Graph options (as for :func:`medkg.graph.build_graph`).
    exclude:
        Report ids to leave out (copies of reports an earlier partition already holds).
    """
    from medkg.graph.build import build_graph

    rejects: list[Failure] = []
    counted = 0

    def keep(records: Iterable[ReportRecord]):
        nonlocal counted
        for record in records:
            counted += 1
            if record.report_id not in exclude:
                yield record

    try:
        ontology, extractor = worker_extractor(spec)
        if isinstance(source, ReaderSpec):
            def collect(exc: MedkgError) -> None:
                rejects.append(Failure.of(exc))

            records = source.read(index, rejects=collect) if _skips(source) else source.read(index)
        else:
            records = iter(source)
        kg = build_graph(keep(records), extractor, ontology, options)
    except MedkgError as exc:
        return Partial(index, None, counted, rejects, Failure.of(exc))
    kg.ontology = {}  # recomputed once over the merged concept set
    return Partial(index, kg, counted, rejects)


def _skips(spec: ReaderSpec) -> bool:
    return spec.options.get("on_error", "raise") == "skip"
