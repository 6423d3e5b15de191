"""Manual codes as an extra source of image→concept edges (expert annotations a KG builder may ingest).

Open-i's MeSH codes (or MIMIC-CXR's CheXpert labels) are expert annotations of the train reports.
:func:`add_code_edges` adds one ``POSITIVE`` image→concept edge per resolved code head, with
provenance that says so: an :class:`~medkg.graph.model.Evidence` whose ``section`` is
``"manual code"`` and whose text is the code itself. An edge the extractor already made gets the
code's evidence merged in; a ``NEGATIVE``/``UNCERTAIN`` edge the extractor made for a coded
concept is left as it is (the two sources disagree; both are kept). "normal" codes add nothing.

:func:`codes_only_graph` keeps the images, studies and reports of a graph and only the code
edges: the same retrieval on it shows what the manual codes alone give.

Examples
--------
>>> from medkg.graph.model import ImageNode, KnowledgeGraph
>>> from medkg.ontology.model import Concept, Ontology
>>> onto = Ontology.from_parts([Concept("C0032227", "Pleural effusion")])
>>> kg = KnowledgeGraph(images={"r1#report": ImageNode("r1#report", "s1")})
>>> add_code_edges(kg, {"r1#report": ("r1", "Pleural Effusion/right")}, onto)
1
>>> edge = kg.findings[("POSITIVE", "r1#report", "C0032227")]
>>> edge.evidence[0].section, edge.evidence[0].text
('manual code', 'Pleural Effusion/right')
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from medkg.graph.model import (
    ConceptNode,
    Evidence,
    Finding,
    FindingEdge,
    KnowledgeGraph,
    merge_evidence,
)
from medkg.ontology.model import Ontology
from medkg.rag.factuality import NO_FINDING_CUI
from medkg.rag.gold import parse_codes

CODE_SECTION = "manual code"


def add_code_edges(kg: KnowledgeGraph, codes: Mapping[str, tuple[str, str]], ontology: Ontology) -> int:
    """Add ``POSITIVE`` edges from manual codes; returns the number of edges added or enriched.

    Parameters
    ----------
    kg:
        The graph (changed in place); images not in it are skipped.
    codes:
        Image id → ``(report id, codes)`` with codes as in Open-i's MeSH column
        (``Head/qualifier;...``).
    ontology:
        Resolves code heads (:meth:`Ontology.lookup`); unresolved heads add nothing.
    """
    n = 0
    for image, (report, value) in codes.items():
        if image not in kg.images:
            continue
        for pos, (head, qualifiers) in enumerate(parse_codes(value)):
            code = "/".join((head, *qualifiers))
            digest = hashlib.sha256(code.encode()).hexdigest()
            evidence = (Evidence(report, CODE_SECTION, pos, 0, 0, digest, code),)
            for concept in ontology.lookup(head):
                if concept.cui == NO_FINDING_CUI:
                    continue
                if concept.cui not in kg.concepts:
                    kg.concepts[concept.cui] = ConceptNode(concept.cui, concept.name, tuple(concept.tuis))
                old = kg.findings.get((str(Finding.POSITIVE), image, concept.cui))
                merged = merge_evidence(old.evidence, evidence) if old is not None else evidence
                kg.add_edge(FindingEdge(Finding.POSITIVE, image, concept.cui, merged))
                n += 1
    return n


_SKELETON = ("patients", "studies", "reports", "images", "structure")
_TABLES = (*_SKELETON, "concepts", "findings", "relations", "ontology")


def _copy(kg: KnowledgeGraph, tables: tuple[str, ...]) -> KnowledgeGraph:
    """A graph holding copies of ``kg``'s ``tables`` (records shared), the rest empty."""
    out = KnowledgeGraph(**{name: dict(getattr(kg, name)) for name in tables})
    if "findings" in tables:
        out.info, out.embeddings = kg.info, kg.embeddings
    return out


def codes_only_graph(
    kg: KnowledgeGraph, codes: Mapping[str, tuple[str, str]], ontology: Ontology
) -> KnowledgeGraph:
    """A graph with ``kg``'s images, studies, reports and structure, and only the code edges."""
    out = _copy(kg, _SKELETON)
    add_code_edges(out, codes, ontology)
    return out


def with_code_edges(
    kg: KnowledgeGraph, codes: Mapping[str, tuple[str, str]], ontology: Ontology
) -> KnowledgeGraph:
    """A copy of ``kg`` (node and edge tables copied, records shared) with the code edges added."""
    out = _copy(kg, _TABLES)
    add_code_edges(out, codes, ontology)
    return out
