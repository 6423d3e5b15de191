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
import json
from dataclasses import fields
from typing import Any

from medkg.graph.model import Evidence, KnowledgeGraph


def _plain(value: Any) -> Any:
    if isinstance(value, Evidence):
        return [_plain(getattr(value, f.name)) for f in fields(value)]
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return repr(round(value, 9))
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    return str(value)


def record_digest(kind: str, record: Any) -> bytes:
    """SHA-256 of one node or edge record's canonical JSON."""
    body = [kind] + [_plain(getattr(record, f.name)) for f in fields(record)]
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()).digest()


def checksum(kg: KnowledgeGraph) -> str:
    """Hex SHA-256 over the sorted digests of every node and edge record."""
    digests = [record_digest(str(label), node) for label, node in kg.nodes()]
    digests += [record_digest(type(edge).__name__, edge) for edge in kg.edges()]
    digests.sort()
    h = hashlib.sha256()
    for d in digests:
        h.update(d)
    return h.hexdigest()
