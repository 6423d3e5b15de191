"""An order-independent content hash of a knowledge graph.

Two graphs have the same checksum exactly when they hold the same nodes and edges with the same
fields (provenance and NaF marks included), whatever order they were built or read in. Graph
settings (``kg.info``) and image embeddings are not part of the content hash.

Examples
--------
>>> from medkg.graph.model import FindingEdge, KnowledgeGraph
>>> checksum(KnowledgeGraph()) == checksum(KnowledgeGraph())
True
"""

from __future__ import annotations

import hashlib
from dataclasses import fields
from operator import attrgetter
from typing import Any

import numpy as np

from medkg.graph.model import FindingEdge, KnowledgeGraph


def record_digest(kind: str, record: Any) -> bytes:
    """SHA-256 of one node or edge record's ``repr`` (dataclass reprs list every field in order;
    floats print exactly, enums by name and value), prefixed by the record kind."""
    return hashlib.sha256(f"{kind}|{record!r}".encode()).digest()


def checksum(kg: KnowledgeGraph) -> str:
    """Hex SHA-256 over the sorted digests of every node and edge record.

    Equal to hashing :func:`record_digest` of every record; each record's ``repr`` is formatted
    by a precompiled per-class template and each shared Evidence record once, which is what
    makes it fast on millions of edges.
    """
    digests = bytearray()  # 32 bytes per record, sorted below as fixed-width byte strings
    for label, nodes in kg.nodes_by_label().items():
        _digests(str(label), nodes.values(), digests)
    _digests(None, kg.structure.values(), digests)
    _digests(None, kg.ontology.values(), digests)
    evidence_reprs: dict[int, str] = {}  # Evidence records are shared by a study's images
    tuple_reprs: dict[int, str] = {}  # and so are whole provenance tuples
    for edges in (kg.findings.values(), kg.relations.values()):
        _evidence_edge_digests(edges, evidence_reprs, tuple_reprs, digests)
    ordered = np.sort(np.frombuffer(digests, dtype="S32")) if digests else np.zeros(0, "S32")
    return hashlib.sha256(ordered.tobytes()).hexdigest()


def _template(cls: type) -> tuple[str, Any]:
    """``(format, getter)`` such that ``format % getter(record) == repr(record)`` for a dataclass."""
    names = [f.name for f in fields(cls) if f.repr]
    fmt = cls.__qualname__ + "(" + ", ".join(f"{n}=%r" for n in names) + ")"
    if len(names) == 1:
        one = attrgetter(names[0])
        return fmt, lambda record: (one(record),)
    return fmt, attrgetter(*names)


_TEMPLATES: dict[type, tuple[str, Any]] = {}


def _fast_repr(cls: type) -> tuple[str, Any]:
    if cls not in _TEMPLATES:
        _TEMPLATES[cls] = _template(cls)
    return _TEMPLATES[cls]


def _digests(label: str | None, records: Any, out: bytearray) -> None:
    """Append :func:`record_digest` of each record, kind = ``label`` (None: its class name)."""
    sha = hashlib.sha256
    cls = prefix = fmt = getter = None
    for record in records:
        if type(record) is not cls:
            cls = type(record)
            fmt, getter = _fast_repr(cls)
            prefix = f"{cls.__name__ if label is None else label}|"
        out += sha((prefix + fmt % getter(record)).encode()).digest()


#: Cached reprs kept at once: a study's edges are consecutive in a built graph, so a small cache
#: formats each shared record once without holding a string per record of the whole graph.
CACHE_LIMIT = 1 << 14


def _evidence_edge_digests(edges: Any, cache: dict[int, str], tuples: dict[int, str], out: bytearray) -> None:
    """Append the digests of finding or relation edges: each is ``repr(edge)`` built from its
    parts, with shared Evidence records, provenance tuples and types formatted once (cached by
    object identity: the graph keeps them alive during the call)."""
    sha = hashlib.sha256
    type_reprs: dict[int, str] = {}
    for edge in edges:
        if len(tuples) > CACHE_LIMIT:
            tuples.clear()
        if len(cache) > CACHE_LIMIT:
            cache.clear()
        evs = edge.evidence
        evidence = tuples.get(id(evs))
        if evidence is None:
            parts = []
            for ev in evs:
                text = cache.get(id(ev))
                if text is None:
                    fmt, getter = _fast_repr(type(ev))
                    text = cache[id(ev)] = fmt % getter(ev)
                parts.append(text)
            evidence = tuples[id(evs)] = "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
        kind = edge.type
        kind_repr = type_reprs.get(id(kind))
        if kind_repr is None:
            kind_repr = type_reprs[id(kind)] = repr(kind)
        if type(edge) is FindingEdge:
            text = (
                f"FindingEdge|FindingEdge(type={kind_repr}, source={edge.source!r}, target={edge.target!r}"
                f", evidence={evidence}, naf_kept={edge.naf_kept!r})"
            )
        else:
            name = type(edge).__name__
            text = (
                f"{name}|{type(edge).__qualname__}(type={kind_repr}, source={edge.source!r}, "
                f"target={edge.target!r}, evidence={evidence})"
            )
        out += sha(text.encode()).digest()
