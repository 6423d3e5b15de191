"""An order-independent content hash of a knowledge graph.

Two graphs have the same checksum exactly when they hold the same nodes and edges with the same
fields (provenance and NaF marks included), whatever order they were built or read in. Graph
settings (``kg.info``) and image embeddings are not part of the content hash.

Examples
--------
>>> from medkg.graph.model import KnowledgeGraph
>>> checksum(KnowledgeGraph()) == checksum(KnowledgeGraph())
True
"""

from __future__ import annotations

import hashlib
from typing import Any

from medkg.graph.model import KnowledgeGraph


def record_digest(kind: str, record: Any) -> bytes:
    """SHA-256 of one node or edge record's ``repr`` (dataclass reprs list every field in order;
    floats print exactly, enums by name and value), prefixed by the record kind."""
    return hashlib.sha256(f"{kind}|{record!r}".encode()).digest()


def checksum(kg: KnowledgeGraph) -> str:
    """Hex SHA-256 over the sorted digests of every node and edge record."""
    digests = [record_digest(str(label), node) for label, node in kg.nodes()]
    digests += [record_digest(type(edge).__name__, edge) for edge in kg.edges()]
    digests.sort()
    h = hashlib.sha256()
    for d in digests:
        h.update(d)
    return h.hexdigest()
