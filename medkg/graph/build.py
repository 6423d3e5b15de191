"""Build a :class:`KnowledgeGraph` from dataset records: extraction → typed nodes and edges.

Every image that counts inherits its study report's findings as ``POSITIVE`` / ``NEGATIVE`` /
``UNCERTAIN`` edges, each with its provenance; building or adding the same input twice gives the
identical graph (provenance is a set keyed by report, section, sentence and span).

Examples
--------
>>> kg = build_graph(records[:4], extractor, onto)             # six sample reports, the seed
>>> s = add_reports(kg, records, extractor, onto); s.reports_added, s.reports_skipped
(2, 4)
"""

from __future__ import annotations

import gc
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from medkg.datasets.types import ReportRecord
from medkg.errors import GraphError
from medkg.extract.types import ReportExtraction
from medkg.graph.model import (
    GraphInfo,
    KnowledgeGraph,
    OntologyEdge,
    RelationEdge,
    merge_evidence,
)
from medkg.graph.options import GraphOptions
from medkg.graph.relations import neighbourhood, select_edges
from medkg.graph.report_nodes import RelationEvidence, add_report, concept_node, report_sha256

#: Kept importable from here: the per-report pieces now live in :mod:`medkg.graph.report_nodes`.
__all__ = ["AddSummary", "ExtractorLike", "add_reports", "build_graph", "concept_node", "gc_paused"]
from medkg.ontology.model import Ontology

log = logging.getLogger(__name__)

class ExtractorLike(Protocol):
    def extract(self, report, report_id: str = "") -> ReportExtraction: ...


@dataclass(frozen=True, slots=True)
class AddSummary:
    """What one :func:`add_reports` call changed."""

    reports_added: int
    reports_skipped: int
    images_added: int
    concepts_added: int
    finding_edges_added: int


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector inside the block (restored after it).

    Graph records are acyclic, but every few thousand allocations the collector walks the
    whole heap's young objects and, now and then, every live object: on a MIMIC-scale build
    (millions of records) that is about a third of the builder's CPU time.

    >>> with gc_paused():
    ...     gc.isenabled()
    False
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build_graph(
    records: Iterable[ReportRecord],
    extractor: ExtractorLike,
    ontology: Ontology,
    options: GraphOptions | None = None,
    *,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> KnowledgeGraph:
    """Build a graph from report records.

    Parameters
    ----------
    records:
        Dataset records (:class:`medkg.datasets.types.ReportRecord`), one per study report.
    extractor:
        Anything with ``extract(sections, report_id)`` returning a ``ReportExtraction``
        (normally :class:`medkg.extract.Extractor`); ``extract_many`` is used when present.
    ontology:
        Names, semantic types and codes of concepts, and the ontology relations to add.
    options:
        :class:`GraphOptions` (default options when None).
    workers:
        Extraction processes.
    progress:
        Called with the number of records processed since the last call.

    Returns
    -------
    KnowledgeGraph

    Examples
    --------
    >>> kg = build_graph(records, extractor, onto, GraphOptions.medmkg())
    """
    kg = KnowledgeGraph(info=GraphInfo(options=options or GraphOptions()))
    add_reports(kg, records, extractor, ontology, workers=workers, progress=progress)
    return kg


def add_reports(
    kg: KnowledgeGraph,
    records: Iterable[ReportRecord],
    extractor: ExtractorLike,
    ontology: Ontology,
    *,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> AddSummary:
    """Add reports to ``kg`` in place with the graph's own options; NaF is recomputed if applied.

    Report ids already in the graph are skipped without re-reading them; two different reports
    with one id in the same input raise :class:`GraphError` (report ids must be unique).
    """
    options = kg.info.options or GraphOptions()
    before = (len(kg.images), len(kg.concepts), len(kg.findings))
    known = set(kg.reports)  # ids stored before this call: skipped unread
    skipped = 0
    pending: deque[ReportRecord] = deque()  # records handed to the extractor, not yet back

    def fresh() -> Iterator[ReportRecord]:
        nonlocal skipped
        for record in records:
            if record.report_id in known:
                skipped += 1
                continue
            pending.append(record)
            yield record

    relations: RelationEvidence = {}
    with gc_paused():
        try:
            added, repeated = _add_all(
                kg, fresh(), pending, extractor, ontology, options, workers, relations, progress
            )
            skipped += repeated
        finally:  # merged once: a growing tuple merged per report would cost O(reports²)
            _flush_relations(kg, relations)
    if skipped and progress is not None:
        progress(skipped)
    _add_ontology_edges(kg, ontology, options)
    if kg.info.naf is not None:
        from medkg.graph.naf import NafSettings, naf

        naf(kg, settings=NafSettings(**kg.info.naf))
    return AddSummary(
        reports_added=added,
        reports_skipped=skipped,
        images_added=len(kg.images) - before[0],
        concepts_added=len(kg.concepts) - before[1],
        finding_edges_added=len(kg.findings) - before[2],
    )


#: Report-relation evidence collected during one add: key → (type, source, target, records).


def _add_all(
    kg: KnowledgeGraph,
    records: Iterator[ReportRecord],
    pending: deque[ReportRecord],
    extractor: ExtractorLike,
    ontology: Ontology,
    options: GraphOptions,
    workers: int,
    relations: RelationEvidence,
    progress: Callable[[int], None] | None,
) -> tuple[int, int]:
    """Extract and add ``records``; returns (added, repeated ids skipped)."""
    added = skipped = 0
    for extraction in _extract(records, extractor, workers):  # streamed: records never all in memory
        record = pending.popleft()
        old = kg.reports.get(record.report_id)
        if old is not None:  # duplicate id within this batch
            if old.text_sha256 != report_sha256(record, extraction.text):
                raise GraphError(
                    "two different reports share this id",
                    path=record.source or None,
                    record=record.report_id,
                    hint="report ids must be unique across the input",
                )
            skipped += 1
            continue
        add_report(kg, record, extraction, ontology, options, relations)
        added += 1
        if progress is not None:
            progress(1)
    return added, skipped


def _flush_relations(kg: KnowledgeGraph, relations: RelationEvidence) -> None:
    for key, (kind, source, target, evs) in relations.items():
        old = kg.relations.get(key)
        merged = merge_evidence(old.evidence if old is not None else (), tuple(evs))
        kg.relations[key] = RelationEdge(kind, source, target, merged)
    relations.clear()


def _extract(
    records: Iterable[ReportRecord], extractor: ExtractorLike, workers: int
) -> Iterator[ReportExtraction]:
    pairs = ((r.report_id, dict(r.sections)) for r in records)
    many = getattr(extractor, "extract_many", None)
    if many is not None:
        return many(pairs, n_process=max(1, workers))
    return (extractor.extract(sections, rid) for rid, sections in pairs)


def _add_ontology_edges(kg: KnowledgeGraph, onto: Ontology, options: GraphOptions) -> None:
    """Recompute ontology edges among the graph's concepts (a pure function of the concept set)."""
    if options.ontology_scope == "ancestors" and "isa" in options.relations:
        for cui in list(kg.concepts):
            for parent in onto.ancestors(cui):
                concept = onto.get(parent)
                if concept is not None and parent not in kg.concepts:
                    kg.concepts[parent] = concept_node(concept)
    elif options.ontology_scope == "neighbours":
        # from the report concepts only, so that repeated adds never walk a second hop
        base = {e.target for e in kg.findings.values()}
        base |= {c for e in kg.relations.values() for c in (e.source, e.target)}
        for cui in sorted(neighbourhood(onto.relations, base, options.relations)):
            concept = onto.get(cui)
            if concept is not None and cui not in kg.concepts:
                kg.concepts[cui] = concept_node(concept)
    selected = select_edges(onto.relations, kg.concepts, options.relations)
    kg.ontology = {
        key: OntologyEdge(key[0], key[1], key[2], tuple(sorted(relas)), tuple(sorted(sabs)))
        for key, (relas, sabs) in sorted(selected.items())
    }
