"""Read OWL, SKOS and other RDF vocabularies (through rdflib) into an :class:`Ontology`.

What is read, for every named (IRI) subject typed ``owl:Class``, ``rdfs:Class`` or
``skos:Concept``, or linked by ``rdfs:subClassOf``/``skos:broader``/``skos:narrower``, that has a
label and is not ``owl:deprecated``:

* preferred name: ``skos:prefLabel``, else ``rdfs:label``; only untagged or English (``en*``)
  literals are read, untagged before tagged, then in text order, so the choice is deterministic;
* synonyms: the other labels, ``skos:altLabel``, and oboInOwl's ``hasExactSynonym`` and
  ``hasRelatedSynonym`` (the scopes the OBO reader keeps by default);
* definition: ``skos:definition`` or ``obo:IAO_0000115``;
* hierarchy: ``rdfs:subClassOf`` and ``skos:broader`` to a named class become
  ``Relation(child, "CHD", "isa", parent, sab)`` (``skos:narrower`` the other way round);
  anonymous superclasses (OWL restrictions) are ignored;
* ids: the IRI's local name (after the last ``#`` or ``/``); OBO-style local names such as
  ``HP_0002202`` become ``HP:0002202``. A ``oboInOwl:hasDbXref`` of ``UMLS:C…`` or
  ``UMLS_CUI:C…`` keys the concept by that CUI, as in :mod:`medkg.ontology.obo`; other xrefs
  become codes.

Examples
--------
>>> onto = load_rdf("chest.owl")                    # HPO-style OWL with UMLS xrefs
>>> sorted(onto.parents("C0032227"))
['C0013604', 'C4025726']
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from medkg.errors import InputFileError, ParseError
from medkg.ontology.model import Concept, Ontology, Relation
from medkg.ontology.obo import source_abbreviation

log = logging.getLogger(__name__)

OBOINOWL = rdflib.Namespace("http://www.geneontology.org/formats/oboInOwl#")
IAO_DEFINITION = rdflib.URIRef("http://purl.obolibrary.org/obo/IAO_0000115")
_FORMATS = {".ttl": "turtle", ".owl": "xml", ".rdf": "xml", ".xml": "xml", ".nt": "nt", ".jsonld": "json-ld"}
_CUI = re.compile(r"UMLS(?:_CUI)?:(C\d{7})")
_OBO_ID = re.compile(r"([A-Za-z]+)_(\d+)")


def local_id(iri: str) -> str:
    """The id of an IRI: its local name, with OBO's ``PREFIX_NNN`` written ``PREFIX:NNN``.

    >>> local_id("http://purl.obolibrary.org/obo/HP_0002202")
    'HP:0002202'
    >>> local_id("http://example.org/chest#PleuralEffusion")
    'PleuralEffusion'
    """
    name = re.split(r"[#/]", iri.rstrip("/#"))[-1]
    match = _OBO_ID.fullmatch(name)
    return f"{match.group(1)}:{match.group(2)}" if match else name


def load_rdf(path: str | os.PathLike[str], format: str | None = None, *, name: str | None = None) -> Ontology:
    """Load an OWL/SKOS/RDF file.

    Parameters
    ----------
    path:
        The file (Turtle, RDF/XML, N-Triples, JSON-LD).
    format:
        rdflib format name; by default guessed from the suffix (``.owl``, ``.rdf`` and ``.xml`` are
        RDF/XML, ``.ttl`` Turtle, ``.nt`` N-Triples).
    name:
        Name of the ontology (default: the file stem).

    Raises
    ------
    InputFileError
        When ``path`` does not exist.
    ParseError
        When rdflib cannot parse the file (its message, with the line when rdflib gives one).

    Examples
    --------
    >>> onto = load_rdf("chest-skos.ttl")
    >>> sorted(onto.parents("PleuralEffusion"))
    ['PleuralDisease']
    """
    src = Path(path)
    if not src.is_file():
        raise InputFileError("RDF file not found", path=src, hint="check the path")
    fmt = format or _FORMATS.get(src.suffix.lower())
    graph = rdflib.Graph()
    try:
        graph.parse(src, format=fmt)
    except Exception as exc:  # rdflib raises many unrelated types
        line = getattr(exc, "lineno", None) or getattr(exc, "line", None)
        raise ParseError(
            f"cannot parse as {fmt or 'RDF'}: {exc}",
            path=src,
            line=line if isinstance(line, int) else None,
            hint="pass format= if the suffix does not tell the syntax",
        ) from exc

    edges = [(s, o) for p in (RDFS.subClassOf, SKOS.broader) for s, o in graph.subject_objects(p)]
    edges += [(o, s) for s, o in graph.subject_objects(SKOS.narrower)]
    subjects = {s for t in (OWL.Class, RDFS.Class, SKOS.Concept) for s in graph.subjects(RDF.type, t)}
    subjects |= {node for edge in edges for node in edge}
    subjects = {s for s in subjects if isinstance(s, rdflib.URIRef) and not _deprecated(graph, s)}
    keys: dict[rdflib.URIRef, str] = {}
    onto = Ontology(name=name or src.stem)
    for subject in sorted(subjects):
        concept = _concept(graph, subject)
        if concept is not None:
            keys[subject] = concept.cui
            onto.add_concept(concept)
    for child, parent in sorted(edges):
        if child in keys and parent in keys and keys[child] != keys[parent]:
            term_id = local_id(str(child))
            sab = source_abbreviation(term_id.split(":", 1)[0]) if ":" in term_id else onto.name
            onto.add_relation(Relation(keys[child], "CHD", "isa", keys[parent], sab))
    log.info("loaded %d concepts and %d relations from %s", len(onto), len(onto.relations), src)
    return onto


def _deprecated(graph: rdflib.Graph, subject: rdflib.URIRef) -> bool:
    return any(str(v).lower() == "true" for v in graph.objects(subject, OWL.deprecated))


def _texts(graph: rdflib.Graph, subject, predicate) -> list[str]:
    """English or untagged literal values: untagged first, then by text (deterministic)."""
    values = [
        v
        for v in graph.objects(subject, predicate)
        if isinstance(v, rdflib.Literal) and (v.language is None or v.language.lower().startswith("en"))
    ]
    values.sort(key=lambda v: (v.language is not None, str(v)))
    return [str(v).strip() for v in values if str(v).strip()]


def _concept(graph: rdflib.Graph, subject: rdflib.URIRef) -> Concept | None:
    labels = _texts(graph, subject, SKOS.prefLabel) + _texts(graph, subject, RDFS.label)
    if not labels:
        return None
    term_id = local_id(str(subject))
    xrefs = _texts(graph, subject, OBOINOWL.hasDbXref)
    cuis = [m.group(1) for x in xrefs if (m := _CUI.fullmatch(x))]
    codes: list[tuple[str, str]] = []
    if ":" in term_id:
        codes.append((source_abbreviation(term_id.split(":", 1)[0]), term_id))
    codes += [("UMLS", c) for c in cuis[1:]]
    codes += [
        (source_abbreviation(x.split(":", 1)[0]), x.split(":", 1)[1])
        for x in xrefs
        if ":" in x and not _CUI.fullmatch(x)
    ]
    synonyms = labels[1:]
    for predicate in (SKOS.altLabel, OBOINOWL.hasExactSynonym, OBOINOWL.hasRelatedSynonym):
        synonyms += _texts(graph, subject, predicate)
    definitions = _texts(graph, subject, SKOS.definition) + _texts(graph, subject, IAO_DEFINITION)
    return Concept(
        cui=cuis[0] if cuis else term_id,
        name=labels[0],
        synonyms=tuple(s for s in dict.fromkeys(synonyms) if s != labels[0]),
        codes=tuple(dict.fromkeys(codes)),
        definition=definitions[0] if definitions else None,
    )
