"""One report into the graph: its Study/Report/Image nodes, finding edges with provenance, concepts.

:func:`add_report` is what :func:`medkg.graph.build_graph` and :func:`medkg.graph.add_reports` run
per extracted report; report-relation evidence is gathered in a :data:`RelationEvidence` mapping and
flushed by the builder.

Examples
--------
>>> sha256("")[:12]
'e3b0c44298fc'
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from medkg.datasets.types import ImageRecord, ReportRecord
from medkg.errors import GraphError
from medkg.extract.relations import finding_indexes
from medkg.extract.types import Assertion, Mention, ReportExtraction
from medkg.graph.model import (
    ConceptNode,
    Evidence,
    Finding,
    FindingEdge,
    ImageNode,
    KnowledgeGraph,
    PatientNode,
    ReportNode,
    ReportRelation,
    Structure,
    StructureEdge,
    StudyNode,
    merge_evidence,
)
from medkg.graph.options import FRONTAL_PREFERENCE, GraphOptions
from medkg.ontology.model import Ontology

#: Report-relation evidence gathered while reports are added: (kind, source, target) key →
#: (kind, source CUI, target CUI, evidence list); the builder merges it into ``kg.relations``.
RelationEvidence = dict[tuple[str, str, str], tuple[ReportRelation, str, str, list[Evidence]]]

_ASSERTION_EDGE = {
    Assertion.PRESENT: Finding.POSITIVE,
    Assertion.ABSENT: Finding.NEGATIVE,
    Assertion.UNCERTAIN: Finding.UNCERTAIN,
}
_RELATION_KINDS = {"located_at": ReportRelation.LOCATED_AT, "suggestive_of": ReportRelation.SUGGESTIVE_OF}


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


def add_report(
    kg: KnowledgeGraph,
    record: ReportRecord,
    ext: ReportExtraction,
    onto: Ontology,
    options: GraphOptions,
    relations: RelationEvidence,
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
