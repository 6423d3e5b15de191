"""The small interface every medkg graph store implements (embedded LadybugDB, Neo4j).

Retrieval code talks to a :class:`GraphStore` only, so it runs on either store unchanged. Reads
return :class:`~medkg.graph.model.KnowledgeGraph` fragments (typed records, provenance included);
labels and relationship types are validated against :mod:`medkg.store.schema`; Cypher strings
are passed through only by :meth:`GraphStore.cypher`, never built from user input.

Examples
--------
>>> from medkg.store.ladybug import LadybugStore
>>> with LadybugStore("kg-store", read_only=False) as store:
...     summary = store.write(kg)
...     sub = store.subgraph(concepts=["C0032227"], hops=1)
>>> isinstance(store, GraphStore), "C0032227" in sub.concepts, len(summary.checksum)
(True, True, 64)
>>> hits = store.knn(vector, k=5)  # needs a graph built with an image encoder  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

from medkg.graph.model import KnowledgeGraph

Direction = Literal["out", "in", "both"]


@dataclass(frozen=True, slots=True)
class NodeRef:
    """A node by label and key, e.g. ``NodeRef("Concept", "C0032227")``."""

    label: str
    id: str


@dataclass(frozen=True, slots=True)
class WriteSummary:
    nodes: int
    edges: int
    checksum: str
    seconds: float


@runtime_checkable
class GraphStore(Protocol):
    """What a medkg store offers. Implementations: ``LadybugStore``, the Neo4j store."""

    def write(self, kg: KnowledgeGraph) -> WriteSummary:
        """Store ``kg`` so that the store holds exactly ``kg`` (idempotent: writing twice changes nothing)."""
        ...

    def read_graph(self) -> KnowledgeGraph:
        """The whole stored graph; ``checksum(store.read_graph()) == checksum(kg)`` after ``write(kg)``."""
        ...

    def neighbours(
        self,
        nodes: Sequence[NodeRef],
        relations: Sequence[str] | None = None,
        direction: Direction = "both",
    ) -> KnowledgeGraph:
        """The given nodes, their edges of the given types (all when None) and the nodes at the other end."""
        ...

    def subgraph(
        self,
        concepts: Sequence[str] = (),
        images: Sequence[str] = (),
        hops: int = 1,
        relations: Sequence[str] | None = None,
    ) -> KnowledgeGraph:
        """Everything within ``hops`` edges (of the given types) of the seed concepts and images."""
        ...

    def knn(self, embedding: np.ndarray, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` images most similar (cosine) to ``embedding``: ``[(image id, similarity), ...]``."""
        ...

    def cypher(
        self, query: str, params: dict[str, Any] | None = None, write: bool = False
    ) -> list[dict[str, Any]]:
        """Run a Cypher query in this store's dialect; read-only unless ``write=True``."""
        ...

    def close(self) -> None: ...
