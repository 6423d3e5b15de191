"""Read a medkg RDF export (N-Triples, Turtle or JSON-LD) back into a :class:`KnowledgeGraph`.

The inverse of :mod:`medkg.export.rdf`: nodes come from their ``rdf:type`` and ``mkg:id``,
edges from the plain ``mkg:<TYPE>`` triples, and edge data (NaF mark, ontology source names,
evidence) from the reified statements. Structure ids (``study_id``, ``patient_id``) come from
the structure edges. Multi-valued fields (semantic types, codes, ``relas``, ``sabs``) come back
sorted, since RDF keeps no order; graph settings and image embeddings are not part of the RDF.

Examples
--------
>>> from medkg.export.rdf import write_ntriples
>>> n = write_ntriples(kg, "kg.nt")
>>> kg2 = kg_from_rdf("kg.nt")
>>> kg2.counts() == kg.counts()
True
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from medkg.errors import ConfigError, ParseError
from medkg.export.rdf_terms import RDF, RDF_TYPE, RDFS_LABEL, UMLS_TUI, VOCAB, Lit, Triple
from medkg.graph.model import (
    ConceptNode,
    Evidence,
    Finding,
    FindingEdge,
    ImageNode,
    KnowledgeGraph,
    Label,
    OntologyEdge,
    PatientNode,
    RelationEdge,
    ReportNode,
    ReportRelation,
    Structure,
    StructureEdge,
    StudyNode,
)

_FORMATS = {".nt": "nt", ".ttl": "turtle", ".jsonld": "json-ld", ".json": "json-ld"}
_EDGE_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
_LABELS = {VOCAB + str(label): label for label in Label}


def _from_rdflib(graph) -> Iterable[Triple]:
    from rdflib import Literal

    for s, p, o in graph:
        if isinstance(o, Literal):
            yield str(s), str(p), Lit(str(o), str(o.datatype) if o.datatype else None)
        else:
            yield str(s), str(p), str(o)


def _from_oxigraph(path: Path) -> Iterable[Triple]:
    import pyoxigraph as ox

    fmt = {"nt": ox.RdfFormat.N_TRIPLES, "turtle": ox.RdfFormat.TURTLE, "json-ld": ox.RdfFormat.JSON_LD}
    for q in ox.parse(path=str(path), format=fmt[_FORMATS[path.suffix]]):
        o = q.object
        if isinstance(o, ox.Literal):
            dt = o.datatype.value
            yield q.subject.value, q.predicate.value, Lit(o.value, None if dt.endswith("#string") else dt)
        else:
            yield q.subject.value, q.predicate.value, o.value


def read_triples(source: Any) -> Iterable[Triple]:
    """Plain triples from an ``rdflib.Graph`` or a ``.nt``/``.ttl``/``.jsonld`` file."""
    if not isinstance(source, str | os.PathLike):
        return _from_rdflib(source)
    path = Path(source)
    if path.suffix not in _FORMATS:
        raise ConfigError(f"cannot tell the RDF format of {path}", hint="use .nt, .ttl or .jsonld")
    if not path.is_file():
        raise ParseError("RDF file not found", path=path, hint="export one with medkg export --format nt")
    try:
        import pyoxigraph  # noqa: F401
    except ImportError:
        from rdflib import Graph

        return _from_rdflib(Graph().parse(str(path), format=_FORMATS[path.suffix]))
    return _from_oxigraph(path)


def _one(props: dict[str, list[Any]], name: str, default: Any = None) -> Any:
    values = props.get(VOCAB + name)
    if not values:
        return default
    value = values[0]
    return value.lexical if isinstance(value, Lit) else value


def _evidence(props: dict[str, list[Any]], ids: dict[str, str]) -> Evidence:
    return Evidence(
        report_id=ids[_one(props, "report")],
        section=_one(props, "section"),
        sentence=int(_one(props, "sentence")),
        start=int(_one(props, "start")),
        end=int(_one(props, "end")),
        sentence_sha256=_one(props, "sentenceSha256"),
        text=_one(props, "text"),
        laterality=_one(props, "laterality"),
        severity=_one(props, "severity"),
    )


def kg_from_rdf(source: Any) -> KnowledgeGraph:
    """Rebuild a :class:`KnowledgeGraph` from a medkg RDF export (file path or ``rdflib.Graph``).

    Examples
    --------
    >>> from medkg.export.rdf import write_turtle
    >>> n = write_turtle(kg, "kg.ttl")
    >>> kg2 = kg_from_rdf("kg.ttl")
    >>> sorted(kg2.images) == sorted(kg.images)
    True
    """
    subjects: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    edges: list[tuple[str, str, str]] = []
    for s, p, o in read_triples(source):
        if p.startswith(VOCAB) and _EDGE_NAME.match(p[len(VOCAB) :]) and not isinstance(o, Lit):
            edges.append((s, p[len(VOCAB) :], o))
        else:
            subjects[s][p].append(o)
    ids: dict[str, str] = {}
    labels: dict[str, Label] = {}
    statements: dict[tuple[str, str, str], dict[str, list[Any]]] = {}
    for s, props in subjects.items():
        for t in props.get(RDF_TYPE, ()):
            if t in _LABELS:
                labels[s] = _LABELS[t]
                ids[s] = _one(props, "id")
            elif t == RDF + "Statement":
                key = (props[RDF + "subject"][0], props[RDF + "predicate"][0], props[RDF + "object"][0])
                statements[key] = props
    kg = KnowledgeGraph()
    parent: dict[tuple[str, str], str] = {}  # (edge type, child id) -> parent id
    for s, kind, o in edges:
        if kind in Structure.__members__:
            kg.add_edge(StructureEdge(Structure(kind), ids[s], ids[o]))
            parent[(kind, ids[o])] = ids[s]
    tui_names = {s: props[RDFS_LABEL][0].lexical for s, props in subjects.items()
                 if s.startswith(UMLS_TUI) and RDFS_LABEL in props}  # fmt: skip
    for s, label in labels.items():
        _add_node(kg, label, ids[s], subjects[s], parent, tui_names)
    for s, kind, o in edges:
        if kind in Structure.__members__:
            continue
        st = statements.get((s, VOCAB + kind, o), {})
        evidence = tuple(sorted(_evidence(subjects[e], ids) for e in st.get(VOCAB + "evidence", ())))
        if kind in Finding.__members__:
            kept = _one(st, "nafKept", "true") == "true"
            kg.add_edge(FindingEdge(Finding(kind), ids[s], ids[o], evidence, kept))
        elif kind in ReportRelation.__members__:
            kg.add_edge(RelationEdge(ReportRelation(kind), ids[s], ids[o], evidence))
        else:
            relas = tuple(sorted(x.lexical for x in st.get(VOCAB + "rela", ())))
            sabs = tuple(sorted(x.lexical for x in st.get(VOCAB + "sab", ())))
            kg.add_edge(OntologyEdge(kind, ids[s], ids[o], relas, sabs))
    return kg


def _add_node(kg, label, node_id, props, parent, tui_names) -> None:
    if label == Label.PATIENT:
        kg.patients[node_id] = PatientNode(node_id)
    elif label == Label.STUDY:
        kg.studies[node_id] = StudyNode(
            node_id, parent.get(("HAS_STUDY", node_id)), _one(props, "source", "")
        )
    elif label == Label.REPORT:
        kg.reports[node_id] = ReportNode(
            node_id,
            parent.get(("HAS_REPORT", node_id), ""),
            _one(props, "textSha256", ""),
            _one(props, "text"),
            _one(props, "source", ""),
        )
    elif label == Label.IMAGE:
        kg.images[node_id] = ImageNode(
            node_id,
            parent.get(("HAS_IMAGE", node_id), ""),
            _one(props, "path"),
            _one(props, "viewPosition"),
            _one(props, "nafKept", "true") == "true",
            float(_one(props, "nafScore", "0.0")),
        )
    else:
        stys = sorted(props.get(VOCAB + "semanticType", ()))
        names = tuple(tui_names[s] for s in stys) if all(s in tui_names for s in stys) else ()
        label_values = props.get(RDFS_LABEL, [Lit("")])
        kg.concepts[node_id] = ConceptNode(
            node_id,
            label_values[0].lexical,
            tuple(s[len(UMLS_TUI) :] for s in stys),
            names,
            tuple(sorted(c.lexical for c in props.get(VOCAB + "code", ()))),
        )
