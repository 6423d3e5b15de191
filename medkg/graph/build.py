"""Build a :class:`KnowledgeGraph` from dataset records: extraction → typed nodes and edges.

Every image that counts inherits its study report's findings as ``POSITIVE`` / ``NEGATIVE`` /
``UNCERTAIN`` edges, each with its provenance; building or adding the same input twice gives the
identical graph (provenance is a set keyed by report, section, sentence and span).

Examples
--------
>>> kg = build_graph(records, extractor, ontology)                       # doctest: +SKIP
>>> summary = add_reports(kg, new_records, extractor, ontology)          # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from medkg.datasets.types import ImageRecord, ReportRecord
from medkg.errors import GraphError
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
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=1 << 18)
def _sentence_sha256(text: str) -> str:  # report sentences repeat a lot ("No pneumothorax.")
    return sha256(text)


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
    >>> kg = build_graph(records, Extractor(onto), onto, GraphOptions.medmkg())   # doctest: +SKIP
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
    added = skipped = 0
    fresh: list[ReportRecord] = []
    for record in records:
        if record.report_id in kg.reports:
            skipped += 1
            continue
        fresh.append(record)
    for record, extraction in zip(fresh, _extract(fresh, extractor, workers), strict=True):
        old = kg.reports.get(record.report_id)
        if old is not None:  # duplicate id within this batch
            if old.text_sha256 != sha256(extraction.text):
                raise GraphError(
                    "two different reports share this id",
                    path=record.source or None,
                    record=record.report_id,
                    hint="report ids must be unique across the input",
                )
            skipped += 1
            continue
        _add_one(kg, record, extraction, ontology, options)
        added += 1
        if progress is not None:
            progress(1)
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


def _extract(
    records: list[ReportRecord], extractor: ExtractorLike, workers: int
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
    kg: KnowledgeGraph, record: ReportRecord, ext: ReportExtraction, onto: Ontology, options: GraphOptions
) -> None:
    rid, sid = record.report_id, record.study_id
    if record.patient_id:
        kg.patients.setdefault(record.patient_id, PatientNode(record.patient_id))
        kg.add_edge(StructureEdge(Structure.HAS_STUDY, record.patient_id, sid))
    kg.studies.setdefault(sid, StudyNode(sid, record.patient_id, record.source))
    kg.reports[rid] = ReportNode(
        rid, sid, sha256(ext.text), ext.text if options.store_text else None, record.source
    )
    kg.add_edge(StructureEdge(Structure.HAS_REPORT, sid, rid))
    for image in record.images:
        if image.study_id != sid:
            raise GraphError(
                f"image {image.image_id!r} belongs to study {image.study_id!r}",
                path=record.source or None,
                record=rid,
                hint="an ImageRecord must carry the study id of the report it is listed under",
            )
        kg.images.setdefault(image.image_id, ImageNode(image.image_id, sid, image.path, image.view_position))
        kg.add_edge(StructureEdge(Structure.HAS_IMAGE, sid, image.image_id))
    targets = [i.image_id for i in counted_images(record.images, options)]

    kept: dict[int, Evidence] = {}
    for index, mention in enumerate(ext.mentions):
        if not _counts(mention, onto, options):
            continue
        kept[index] = _evidence(rid, ext, mention, options)
        _ensure_concept(kg, mention, onto)
        edge_type = _ASSERTION_EDGE[mention.assertion]
        for image_id in targets:
            _merge_finding(kg, edge_type, image_id, mention.cui, kept[index])
    if not options.report_relations:
        return
    for rel in ext.relations:
        kind = _RELATION_KINDS.get(rel.kind)
        if kind is None or rel.source not in kept or rel.target not in kept:
            continue
        src, dst = ext.mentions[rel.source], ext.mentions[rel.target]
        if Assertion.ABSENT in (src.assertion, dst.assertion) or src.cui == dst.cui:
            continue
        key = (str(kind), src.cui, dst.cui)
        old = kg.relations.get(key)
        evidence = (kept[rel.source],)
        merged = merge_evidence(old.evidence, evidence) if old else evidence
        kg.relations[key] = RelationEdge(kind, src.cui, dst.cui, merged)


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


def _evidence(rid: str, ext: ReportExtraction, m: Mention, options: GraphOptions) -> Evidence:
    if 0 <= m.sentence < len(ext.sentences):
        span = ext.sentences[m.sentence]
        sentence = ext.text[span.start : span.end]
    else:  # a mention outside any sentence: its own text stands for the sentence
        sentence = ext.text[m.start : m.end]
    return Evidence(
        report_id=rid,
        section=str(m.section),
        sentence=m.sentence,
        start=m.start,
        end=m.end,
        sentence_sha256=_sentence_sha256(sentence),
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


def _merge_finding(kg: KnowledgeGraph, edge_type: Finding, image_id: str, cui: str, ev: Evidence) -> None:
    key = (str(edge_type), image_id, cui)
    old = kg.findings.get(key)
    evidence = merge_evidence(old.evidence, (ev,)) if old is not None else (ev,)
    kg.findings[key] = FindingEdge(edge_type, image_id, cui, evidence, True if old is None else old.naf_kept)


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
