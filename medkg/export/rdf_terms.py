"""The medkg RDF vocabulary and the triples of a knowledge graph, independent of any RDF library.

IRIs (documented in ``docs/EXPORTS.md``):

=================== ===============================================================
node / term         IRI
=================== ===============================================================
concept with a CUI  ``https://uts.nlm.nih.gov/uts/umls/concept/<CUI>``
other concept ids   ``https://w3id.org/medkg/concept/<id>``
patient, study, ... ``https://w3id.org/medkg/<label>/<id>`` (label in lower case)
semantic type       ``https://uts.nlm.nih.gov/uts/umls/semantic-network/<TUI>``
classes, properties ``https://w3id.org/medkg/vocab#<Name>`` (prefix ``mkg:``)
edge statement      ``https://w3id.org/medkg/statement/<TYPE>/<source>/<target>``
evidence record     ``https://w3id.org/medkg/evidence/<report>/<section>/<sentence>/<start>-<end>``
=================== ===============================================================

Ids are percent-encoded (``urllib.parse.quote(id, safe="")``), so any id gives a valid IRI.
Every edge is one plain triple ``source mkg:<TYPE> target``. Edges that carry data (image
findings, report relations, ontology edges with source names) are also described by a
standard RDF reification (``rdf:Statement`` with ``rdf:subject/predicate/object``) whose
statement node holds ``mkg:support``, ``mkg:nafKept``, ``mkg:rela``/``mkg:sab`` and
``mkg:evidence`` links to one node per :class:`~medkg.graph.model.Evidence` record.

Terms are plain values here: an IRI is a ``str`` and a literal a :class:`Lit`; the writers in
:mod:`medkg.export.rdf` turn them into N-Triples text, rdflib or pyoxigraph terms.

Examples
--------
>>> concept_iri("C0032227")
'https://uts.nlm.nih.gov/uts/umls/concept/C0032227'
>>> node_iri("Image", "I 1")
'https://w3id.org/medkg/image/I%201'
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import quote

from medkg.graph.model import (
    ConceptNode,
    Evidence,
    FindingEdge,
    ImageNode,
    KnowledgeGraph,
    Label,
    OntologyEdge,
    RelationEdge,
    ReportNode,
    StudyNode,
    endpoint_labels,
)

BASE = "https://w3id.org/medkg/"
VOCAB = BASE + "vocab#"
UMLS_CONCEPT = "https://uts.nlm.nih.gov/uts/umls/concept/"
UMLS_TUI = "https://uts.nlm.nih.gov/uts/umls/semantic-network/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"

RDF_TYPE = RDF + "type"
RDFS_LABEL = RDFS + "label"
XSD_INT = XSD + "integer"
XSD_BOOL = XSD + "boolean"
XSD_DOUBLE = XSD + "double"

#: Prefixes written in Turtle and JSON-LD.
PREFIXES: dict[str, str] = {
    "mkg": VOCAB,
    "umls": UMLS_CONCEPT,
    "sty": UMLS_TUI,
    "image": BASE + "image/",
    "report": BASE + "report/",
    "study": BASE + "study/",
    "patient": BASE + "patient/",
    "concept": BASE + "concept/",
    "stmt": BASE + "statement/",
    "ev": BASE + "evidence/",
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
}

_CUI = re.compile(r"^C\d{7}$")


class Lit(NamedTuple):
    """A literal: lexical form and datatype IRI (None: ``xsd:string``)."""

    lexical: str
    datatype: str | None = None


Term = str | Lit
Triple = tuple[str, str, Term]


def v(name: str) -> str:
    """IRI of a vocabulary term: ``v("POSITIVE")`` → ``https://w3id.org/medkg/vocab#POSITIVE``."""
    return VOCAB + name


@lru_cache(maxsize=1 << 18)
def _q(text: str) -> str:
    return quote(text, safe="")


def concept_iri(cui: str) -> str:
    """UMLS concept IRI for a CUI, a medkg IRI for any other concept id."""
    return UMLS_CONCEPT + cui if _CUI.match(cui) else BASE + "concept/" + _q(cui)


def node_iri(label: str, node_id: str) -> str:
    """IRI of a node given its label (``Image``, ``Concept``, ...) and id."""
    if label == Label.CONCEPT:
        return concept_iri(node_id)
    return f"{BASE}{label.lower()}/{_q(node_id)}"


def statement_iri(edge_type: str, source: str, target: str) -> str:
    return f"{BASE}statement/{edge_type}/{_q(source)}/{_q(target)}"


def evidence_iri(e: Evidence) -> str:
    return f"{BASE}evidence/{_q(e.report_id)}/{_q(e.section)}/{e.sentence}/{e.start}-{e.end}"


def integer(value: int) -> Lit:
    return Lit(str(int(value)), XSD_INT)


def boolean(value: bool) -> Lit:
    return Lit("true" if value else "false", XSD_BOOL)


def double(value: float) -> Lit:
    if math.isnan(value):
        return Lit("NaN", XSD_DOUBLE)
    if math.isinf(value):
        return Lit("INF" if value > 0 else "-INF", XSD_DOUBLE)
    return Lit(repr(float(value)), XSD_DOUBLE)


def _node_triples(label: Label, node, iri: str, seen_types: set[str]) -> Iterator[Triple]:
    yield iri, RDF_TYPE, v(str(label))
    yield iri, v("id"), Lit(node.id)
    if isinstance(node, ConceptNode):
        yield iri, RDFS_LABEL, Lit(node.name)
        names = node.semantic_type_names
        for i, tui in enumerate(node.semantic_types):
            sty = UMLS_TUI + _q(tui)
            yield iri, v("semanticType"), sty
            if i < len(names) and sty not in seen_types:
                seen_types.add(sty)
                yield sty, RDFS_LABEL, Lit(names[i])
        for code in node.codes:
            yield iri, v("code"), Lit(code)
    elif isinstance(node, StudyNode | ReportNode) and node.source:
        yield iri, v("source"), Lit(node.source)
    if isinstance(node, ReportNode):
        yield iri, v("textSha256"), Lit(node.text_sha256)
        if node.text is not None:
            yield iri, v("text"), Lit(node.text)
    elif isinstance(node, ImageNode):
        if node.path is not None:
            yield iri, v("path"), Lit(node.path)
        if node.view_position is not None:
            yield iri, v("viewPosition"), Lit(node.view_position)
        yield iri, v("nafKept"), boolean(node.naf_kept)
        yield iri, v("nafScore"), double(node.naf_score)


def _evidence_triples(e: Evidence, iri: str) -> Iterator[Triple]:
    yield iri, RDF_TYPE, v("Evidence")
    yield iri, v("report"), node_iri(Label.REPORT, e.report_id)
    yield iri, v("section"), Lit(e.section)
    yield iri, v("sentence"), integer(e.sentence)
    yield iri, v("start"), integer(e.start)
    yield iri, v("end"), integer(e.end)
    yield iri, v("sentenceSha256"), Lit(e.sentence_sha256)
    for name in ("text", "laterality", "severity"):
        value = getattr(e, name)
        if value is not None:
            yield iri, v(name), Lit(value)


def iter_triples(kg: KnowledgeGraph) -> Iterator[Triple]:
    """Every triple of ``kg``, streamed: nodes, then edges with their reification and evidence.

    Evidence records shared by several edges, and semantic type labels, are written once.

    Examples
    --------
    >>> from medkg.graph.model import ConceptNode, KnowledgeGraph
    >>> kg = KnowledgeGraph(concepts={"C0032227": ConceptNode("C0032227", "Pleural effusion")})
    >>> len(list(iter_triples(kg)))
    3
    """
    seen_types: set[str] = set()
    for label, node in kg.nodes():
        yield from _node_triples(label, node, node_iri(label, node.id), seen_types)
    seen_evidence: set[str] = set()
    for edge in kg.edges():
        kind = str(edge.type)
        src_label, dst_label = endpoint_labels(kind)
        s, p, o = node_iri(src_label, edge.source), v(kind), node_iri(dst_label, edge.target)
        yield s, p, o
        described = isinstance(edge, FindingEdge | RelationEdge) or (
            isinstance(edge, OntologyEdge) and (edge.relas or edge.sabs)
        )
        if not described:
            continue
        st = statement_iri(kind, edge.source, edge.target)
        yield st, RDF_TYPE, RDF + "Statement"
        yield st, RDF + "subject", s
        yield st, RDF + "predicate", p
        yield st, RDF + "object", o
        if isinstance(edge, OntologyEdge):
            for rela in edge.relas:
                yield st, v("rela"), Lit(rela)
            for sab in edge.sabs:
                yield st, v("sab"), Lit(sab)
            continue
        yield st, v("support"), integer(edge.support)
        if isinstance(edge, FindingEdge):
            yield st, v("nafKept"), boolean(edge.naf_kept)
        for e in edge.evidence:
            ev = evidence_iri(e)
            yield st, v("evidence"), ev
            if ev not in seen_evidence:
                seen_evidence.add(ev)
                yield from _evidence_triples(e, ev)


# -- N-Triples text ------------------------------------------------------------------------
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def nt_term(term: Term) -> str:
    """The N-Triples form of an IRI (``str``) or a :class:`Lit`."""
    if isinstance(term, Lit):
        text = '"' + term.lexical.translate(_ESCAPES) + '"'
        return text if term.datatype is None else f"{text}^^<{term.datatype}>"
    return f"<{term}>"
