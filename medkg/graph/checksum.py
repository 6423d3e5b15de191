"""An order-independent content hash of a knowledge graph.

Two graphs have the same checksum exactly when they hold the same nodes and edges with the same
fields (provenance and NaF marks included), whatever order they were built or read in. Graph
settings (``kg.info``) and image embeddings are not part of the content hash.

Examples
--------
>>> from medkg.graph.model import FindingEdge, KnowledgeGraph, RelationEdge
>>> checksum(KnowledgeGraph()) == checksum(KnowledgeGraph())
True
"""

from __future__ import annotations

import hashlib
from typing import Any

from medkg.graph.model import FindingEdge, KnowledgeGraph, RelationEdge


def record_digest(kind: str, record: Any) -> bytes:
    """SHA-256 of one node or edge record's ``repr`` (dataclass reprs list every field in order;
    floats print exactly, enums by name and value), prefixed by the record kind."""
    return hashlib.sha256(f"{kind}|{record!r}".encode()).digest()


def checksum(kg: KnowledgeGraph) -> str:
    """Hex SHA-256 over the sorted digests of every node and edge record."""
    digests = [record_digest(str(label), node) for label, node in kg.nodes()]
    digests += [record_digest(type(edge).__name__, edge) for edge in kg.structure.values()]
    digests += [record_digest(type(edge).__name__, edge) for edge in kg.ontology.values()]
    evidence_reprs: dict[int, str] = {}  # Evidence records are shared by a study's images
    for edges in (kg.findings.values(), kg.relations.values()):
        for edge in edges:
            text = _evidence_edge_repr(edge, evidence_reprs)
            digests.append(hashlib.sha256(f"{type(edge).__name__}|{text}".encode()).digest())
    digests.sort()
    h = hashlib.sha256()
    for d in digests:
        h.update(d)
    return h.hexdigest()


def _evidence_edge_repr(edge: FindingEdge | RelationEdge, cache: dict[int, str]) -> str:
    """Exactly ``repr(edge)`` for a finding or relation edge, formatting each Evidence once."""
    parts = []
    for ev in edge.evidence:
        text = cache.get(id(ev))
        if text is None:
            text = cache[id(ev)] = repr(ev)
        parts.append(text)
    evidence = "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
    head = f"{type(edge).__qualname__}(type={edge.type!r}, source={edge.source!r}, target={edge.target!r}"
    if isinstance(edge, FindingEdge):
        return f"{head}, evidence={evidence}, naf_kept={edge.naf_kept!r})"
    return f"{head}, evidence={evidence})"
