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
import hashlib
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from medkg.datasets.types import ImageRecord, ReportRecord
from medkg.errors import GraphError
from medkg.extract.relations import finding_indexes
from medkg.extract.types import Assertion, Mention, ReportExtraction
from medkg.graph.model import (
    ConceptNode,
    Evidence,
    Finding,
    FindingEdge,
    GraphInfo,
    ImageNode,
    KnowledgeGraph,
    OntologyEdge,
    PatientNode,
    RelationEdge,
    ReportNode,
    ReportRelation,
    Structure,
    StructureEdge,
    StudyNode,
    merge_evidence,
)
from medkg.graph.options import FRONTAL_PREFERENCE, GraphOptions
from medkg.graph.relations import neighbourhood, select_edges
from medkg.ontology.model import Ontology

log = logging.getLogger(__name__)

_ASSERTION_EDGE = {
    Assertion.PRESENT: Finding.POSITIVE,
    Assertion.ABSENT: Finding.NEGATIVE,
    Assertion.UNCERTAIN: Finding.UNCERTAIN,
}
_RELATION_KINDS = {"located_at": ReportRelation.LOCATED_AT, "suggestive_of": ReportRelation.SUGGESTIVE_OF}


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


def sha256(text: str) -> str:
    """Hex SHA-256 of ``text`` encoded as UTF-8 (raises UnicodeEncodeError on a lone surrogate).

    >>> sha256("")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def report_sha256(record: ReportRecord, text: str) -> str:
    """SHA-256 of a report's text, or a :class:`GraphError` naming the record when the text holds
    a lone surrogate (e.g. bytes decoded with ``surrogateescape``): no store can hold such text.
    """
    try:
        return sha256(text)
    except UnicodeEncodeError as exc:
        raise GraphError(
            "report text is not valid Unicode",
            path=record.source or None,
            record=record.report_id,
            hint=f"character {exc.start} is a lone surrogate ({text[exc.start]!r}); decode the "
            "input as UTF-8 with errors='replace' or fix its encoding",
        ) from None


@lru_cache(maxsize=1 << 18)
def _shared_sentence(text: str) -> tuple[str, str]:
    """``(text, sha256)``, one string object per distinct sentence: report sentences repeat a lot
    ("No pneumothorax."), so provenance records share them instead of holding copies."""
    return text, sha256(text)


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

    relations: _RelationEvidence = {}
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
_RelationEvidence = dict[tuple[str, str, str], tuple[ReportRelation, str, str, list[Evidence]]]


def _add_all(
    kg: KnowledgeGraph,
    records: Iterator[ReportRecord],
    pending: deque[ReportRecord],
    extractor: ExtractorLike,
    ontology: Ontology,
    options: GraphOptions,
    workers: int,
    relations: _RelationEvidence,
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
        _add_one(kg, record, extraction, ontology, options, relations)
        added += 1
        if progress is not None:
            progress(1)
    return added, skipped


def _flush_relations(kg: KnowledgeGraph, relations: _RelationEvidence) -> None:
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


def counted_images(images: tuple[ImageRecord, ...], options: GraphOptions) -> list[ImageRecord]:
    """The images of one study that inherit its findings under ``options``."""
    chosen = [i for i in images if options.views is None or (i.view_position or "").upper() in options.views]
    if options.image_policy == "all":
        return chosen
    frontal = [i for i in chosen if i.is_frontal]
    if not frontal:
        return []

    def rank(image: ImageRecord) -> tuple[int, str]:
        view = (image.view_position or "").upper()
        order = FRONTAL_PREFERENCE.index(view) if view in FRONTAL_PREFERENCE else len(FRONTAL_PREFERENCE)
        return order, image.image_id

    return [min(frontal, key=rank)]


def _add_one(
    kg: KnowledgeGraph,
    record: ReportRecord,
    ext: ReportExtraction,
    onto: Ontology,
    options: GraphOptions,
    relations: _RelationEvidence,
) -> None:
    rid, sid = record.report_id, record.study_id
    text_sha256 = report_sha256(record, ext.text)  # first: a bad record leaves the graph untouched
    for image in record.images:
        if image.study_id != sid:
            raise GraphError(
                f"image {image.image_id!r} belongs to study {image.study_id!r}",
                path=record.source or None,
                record=rid,
                hint="an ImageRecord must carry the study id of the report it is listed under",
            )
    if record.patient_id:
        kg.patients.setdefault(record.patient_id, PatientNode(record.patient_id))
        kg.add_edge(StructureEdge(Structure.HAS_STUDY, record.patient_id, sid))
    kg.studies.setdefault(sid, StudyNode(sid, record.patient_id, record.source))
    text = ext.text if options.store_text else None
    kg.reports[rid] = ReportNode(rid, sid, text_sha256, text, record.source)
    kg.add_edge(StructureEdge(Structure.HAS_REPORT, sid, rid))
    for image in record.images:
        kg.images.setdefault(image.image_id, ImageNode(image.image_id, sid, image.path, image.view_position))
        kg.add_edge(StructureEdge(Structure.HAS_IMAGE, sid, image.image_id))
    targets = [i.image_id for i in counted_images(record.images, options)]

    mentions = ext.mentions
    counted = [i for i, m in enumerate(mentions) if _counts(m, onto, options)]
    if not counted:
        return
    if options.anatomy_edges == "findings":
        edge_mentions = set(finding_indexes(mentions, ext.relations)).intersection(counted)
    else:
        edge_mentions = set(counted)
    seen: dict[int, tuple[str, str]] = {}  # sentence index → (text, sha256), shared by its mentions
    kept: dict[int, Evidence] = {i: _evidence(rid, ext, mentions[i], options, seen) for i in counted}
    grouped: dict[tuple[Finding, str], list[Evidence]] = {}  # one edge per (type, concept) and image
    for index in counted:
        if index in edge_mentions:
            mention = mentions[index]
            _ensure_concept(kg, mention, onto)
            grouped.setdefault((_ASSERTION_EDGE[mention.assertion], mention.cui), []).append(kept[index])
    for (edge_type, cui), evs in grouped.items():
        evidence = (evs[0],) if len(evs) == 1 else merge_evidence((), tuple(evs))
        for image_id in targets:  # the images of a study share one provenance tuple
            _merge_finding(kg, edge_type, image_id, cui, evidence)
    if not options.report_relations:
        return
    for rel in ext.relations:
        kind = _RELATION_KINDS.get(rel.kind)
        if kind is None or rel.source not in kept or rel.target not in kept:
            continue
        src, dst = mentions[rel.source], mentions[rel.target]
        if Assertion.ABSENT in (src.assertion, dst.assertion) or src.cui == dst.cui:
            continue
        _ensure_concept(kg, src, onto)
        _ensure_concept(kg, dst, onto)
        key = (kind.value, src.cui, dst.cui)
        entry = relations.get(key)
        if entry is None:
            entry = relations[key] = (kind, src.cui, dst.cui, [])
        entry[3].append(kept[rel.source])


def _counts(mention: Mention, onto: Ontology, options: GraphOptions) -> bool:
    if str(mention.section) not in options.sections:
        return False
    if options.drop_neutral and (mention.historical or mention.hypothetical):
        return False
    if options.excluded_semantic_types:
        concept = onto.get(mention.cui)
        tuis = concept.tuis if concept is not None else mention.semantic_types
        if set(tuis) & options.excluded_semantic_types:
            return False
    return True


def _evidence(
    rid: str, ext: ReportExtraction, m: Mention, options: GraphOptions, seen: dict[int, tuple[str, str]]
) -> Evidence:
    shared = seen.get(m.sentence)
    if shared is None:
        if 0 <= m.sentence < len(ext.sentences):
            span = ext.sentences[m.sentence]
            shared = seen[m.sentence] = _shared_sentence(ext.text[span.start : span.end])
        else:  # a mention outside any sentence: its own text stands for the sentence
            shared = _shared_sentence(ext.text[m.start : m.end])
    sentence, digest = shared
    return Evidence(
        report_id=rid,
        section=str(m.section),
        sentence=m.sentence,
        start=m.start,
        end=m.end,
        sentence_sha256=digest,
        text=sentence if options.store_text else None,
        laterality=m.laterality,
        severity=m.severity,
    )


def _ensure_concept(kg: KnowledgeGraph, mention: Mention, onto: Ontology) -> None:
    if mention.cui in kg.concepts:
        return
    concept = onto.get(mention.cui)
    if concept is not None:
        kg.concepts[mention.cui] = concept_node(concept)
    else:
        codes = tuple(f"{sab}:{code}" for sab, code in mention.codes)
        kg.concepts[mention.cui] = ConceptNode(
            mention.cui, mention.name, tuple(mention.semantic_types), (), codes
        )


def concept_node(concept) -> ConceptNode:
    """A graph concept node from an ontology :class:`~medkg.ontology.model.Concept`."""
    return ConceptNode(
        cui=concept.cui,
        name=concept.name,
        semantic_types=tuple(st.tui for st in concept.semantic_types),
        semantic_type_names=tuple(st.name for st in concept.semantic_types),
        codes=tuple(f"{sab}:{code}" for sab, code in concept.codes),
    )


def _merge_finding(
    kg: KnowledgeGraph, edge_type: Finding, image_id: str, cui: str, evidence: tuple[Evidence, ...]
) -> None:
    key = (edge_type.value, image_id, cui)
    old = kg.findings.get(key)
    if old is None:
        kg.findings[key] = FindingEdge(edge_type, image_id, cui, evidence, True)
    else:
        kg.findings[key] = FindingEdge(
            edge_type, image_id, cui, merge_evidence(old.evidence, evidence), old.naf_kept
        )


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
