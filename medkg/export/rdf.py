"""RDF exports: N-Triples written directly, Turtle through pyoxigraph, JSON-LD through rdflib.

Formats registered with :func:`medkg.graph.export.register_exporter`:

* ``nt`` — N-Triples, one line per triple written as the triples are generated (no graph in
  memory): the fastest path and the one to use for very large graphs.
* ``rdf-ttl`` — Turtle with the prefixes of :data:`~medkg.export.rdf_terms.PREFIXES`,
  streamed through pyoxigraph's serializer (rdflib when pyoxigraph is not installed).
* ``jsonld`` — compact JSON-LD with a ``@context`` of the same prefixes (rdflib; the whole graph
  is built in memory, so prefer ``nt`` above a few million triples).

Vocabulary, IRIs and the provenance pattern (standard RDF reification) are in
:mod:`medkg.export.rdf_terms` and ``docs/EXPORTS.md``; :func:`medkg.export.rdf_read.kg_from_rdf`
reads any of the three back into a :class:`~medkg.graph.model.KnowledgeGraph`.

Examples
--------
>>> write_ntriples(kg, "kg.nt")
744
>>> g = to_rdflib(kg); len(g)
744
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from medkg.errors import ConfigError
from medkg.export.rdf_terms import PREFIXES, Lit, Triple, iter_triples, nt_term
from medkg.graph.export import ExportResult, register_exporter
from medkg.graph.model import KnowledgeGraph

log = logging.getLogger(__name__)

_BUFFER = 1 << 20


def write_ntriples(kg: KnowledgeGraph, path: str | Path) -> int:
    """Write ``kg`` as N-Triples, line by line; returns the number of triples.

    Examples
    --------
    >>> write_ntriples(kg, "kg.nt")
    744
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8", buffering=_BUFFER) as fh:
        write = fh.write
        for s, p, o in iter_triples(kg):
            write(f"<{s}> <{p}> {nt_term(o)} .\n")
            n += 1
    log.info("wrote %d triples to %s", n, path)
    return n


def _oxigraph_terms(triples: Iterable[Triple]):
    import pyoxigraph as ox

    nodes: dict[str, Any] = {}
    types: dict[str | None, Any] = {}

    def node(iri: str) -> Any:
        n = nodes.get(iri)
        if n is None:
            n = ox.NamedNode(iri)
            if len(nodes) < 1_000_000:
                nodes[iri] = n
        return n

    for s, p, o in triples:
        if isinstance(o, Lit):
            dt = types.get(o.datatype)
            if dt is None and o.datatype is not None:
                dt = types[o.datatype] = ox.NamedNode(o.datatype)
            obj = ox.Literal(o.lexical, datatype=dt) if dt is not None else ox.Literal(o.lexical)
        else:
            obj = node(o)
        yield ox.Triple(node(s), node(p), obj)


def _has_oxigraph() -> bool:
    try:
        import pyoxigraph  # noqa: F401
    except ImportError:
        return False
    return True


def to_rdflib(kg: KnowledgeGraph):
    """An ``rdflib.Graph`` of ``kg`` with the medkg prefixes bound.

    Examples
    --------
    >>> g = to_rdflib(kg)
    >>> "umls:C0032227 a mkg:Concept" in g.serialize(format="turtle")
    True
    """
    from rdflib import Graph, Literal, URIRef

    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True, replace=True)
    refs: dict[str, URIRef] = {}

    def ref(iri: str) -> URIRef:
        r = refs.get(iri)
        if r is None:
            r = refs[iri] = URIRef(iri)
        return r

    add = g.add
    for s, p, o in iter_triples(kg):
        if isinstance(o, Lit):
            obj = Literal(o.lexical, datatype=ref(o.datatype) if o.datatype else None)
        else:
            obj = ref(o)
        add((ref(s), ref(p), obj))
    return g


def write_turtle(kg: KnowledgeGraph, path: str | Path, *, engine: str = "auto") -> int:
    """Write ``kg`` as Turtle; ``engine`` is ``"oxigraph"`` (streaming), ``"rdflib"`` or ``"auto"``.

    Returns the number of triples written.

    Examples
    --------
    >>> write_turtle(kg, "kg.ttl")
    744
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if engine == "auto":
        engine = "oxigraph" if _has_oxigraph() else "rdflib"
    if engine == "oxigraph":
        import pyoxigraph as ox

        counter = _Counter(iter_triples(kg))
        ox.serialize(_oxigraph_terms(counter), str(path), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
        n = counter.n
    elif engine == "rdflib":
        g = to_rdflib(kg)
        g.serialize(destination=str(path), format="turtle")
        n = len(g)
    else:
        raise ConfigError(f"unknown RDF engine {engine!r}", hint="use oxigraph, rdflib or auto")
    log.info("wrote %d triples to %s (%s)", n, path, engine)
    return n


def write_jsonld(kg: KnowledgeGraph, path: str | Path, *, engine: str = "rdflib") -> int:
    """Write ``kg`` as JSON-LD: compact with a prefix ``@context`` (rdflib) or expanded (oxigraph).

    Examples
    --------
    >>> write_jsonld(kg, "kg.jsonld")
    744
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if engine == "oxigraph":
        import pyoxigraph as ox

        counter = _Counter(iter_triples(kg))
        ox.serialize(_oxigraph_terms(counter), str(path), format=ox.RdfFormat.JSON_LD)
        return counter.n
    if engine != "rdflib":
        raise ConfigError(f"unknown JSON-LD engine {engine!r}", hint="use rdflib or oxigraph")
    g = to_rdflib(kg)
    context = {prefix: ns for prefix, ns in PREFIXES.items()}
    g.serialize(destination=str(path), format="json-ld", context=context, auto_compact=True)
    return len(g)


class _Counter:
    """Counts the items of an iterator as they pass."""

    def __init__(self, items: Iterable[Triple]) -> None:
        self._items = iter(items)
        self.n = 0

    def __iter__(self):
        return self

    def __next__(self) -> Triple:
        item = next(self._items)
        self.n += 1
        return item


@register_exporter("nt", "RDF N-Triples, streamed line by line (medkg vocabulary, UMLS concept IRIs)")
def export_nt(kg: KnowledgeGraph, path: Path) -> ExportResult:
    return ExportResult("nt", path, write_ntriples(kg, path))


@register_exporter("rdf-ttl", "RDF Turtle (pyoxigraph streaming serializer; rdflib fallback)")
def export_turtle(kg: KnowledgeGraph, path: Path) -> ExportResult:
    return ExportResult("rdf-ttl", path, write_turtle(kg, path))


@register_exporter("jsonld", "RDF JSON-LD, compact with a prefix @context (rdflib)")
def export_jsonld(kg: KnowledgeGraph, path: Path) -> ExportResult:
    return ExportResult("jsonld", path, write_jsonld(kg, path))
