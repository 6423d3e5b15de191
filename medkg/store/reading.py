"""The read side both stores share: neighbours and breadth-first subgraphs over a few primitives.

A store implements three queries — :meth:`GraphReader.rel_types`, :meth:`GraphReader._edges_by`
(the edges of one type whose source or target is among some ids) and
:meth:`GraphReader._nodes_by` (nodes of one label by key) — and inherits
:meth:`~medkg.store.base.GraphStore.neighbours` and :meth:`~medkg.store.base.GraphStore.subgraph`
from here, so LadybugDB and Neo4j answer a traversal identically.

Examples
--------
>>> from medkg.store.base import NodeRef
>>> sub = store.subgraph(concepts=["C0032227"], hops=1)
>>> "C0032227" in sub.concepts and len(sub.images) > 0
True
>>> store.neighbours([NodeRef("Concept", "C0032227")], ["POSITIVE"], "in").images.keys() <= sub.images.keys()
True
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from medkg.graph.model import KnowledgeGraph, Label, endpoint_labels
from medkg.store import schema as S
from medkg.store.base import Direction, NodeRef


class GraphReader:
    """Traversals over a store's per-type edge and per-label node queries (a mixin of the stores)."""

    def rel_types(self) -> list[str]:
        """Relationship types present in the store."""
        raise NotImplementedError

    def _edges_by(self, rel_type: str, ids: list[str], side: str) -> Iterable:
        """Edges of ``rel_type`` whose ``side`` end (``"out"``: source, ``"in"``: target) is in ``ids``."""
        raise NotImplementedError

    def _nodes_by(self, label: str, ids: list[str]) -> Iterable:
        """Nodes of ``label`` whose key is in ``ids`` (without embeddings)."""
        raise NotImplementedError

    def neighbours(
        self, nodes: Sequence[NodeRef], relations: Sequence[str] | None = None, direction: Direction = "both"
    ) -> KnowledgeGraph:
        """See :meth:`medkg.store.base.GraphStore.neighbours`."""
        types = self.rel_types()
        if relations is not None:
            wanted = {S.validate_rel_type(r) for r in relations}
            types = [t for t in types if t in wanted]
        ids_by_label: dict[str, list[str]] = defaultdict(list)
        for ref in nodes:
            ids_by_label[S.validate_label(ref.label)].append(ref.id)
        out = KnowledgeGraph()
        wanted_nodes: dict[str, set[str]] = defaultdict(set)
        for label, ids in ids_by_label.items():
            wanted_nodes[label].update(ids)
        for rel_type in types:
            src, dst = (str(x) for x in endpoint_labels(rel_type))
            sides = []
            if direction in ("out", "both") and src in ids_by_label:
                sides.append(("out", ids_by_label[src]))
            if direction in ("in", "both") and dst in ids_by_label:
                sides.append(("in", ids_by_label[dst]))
            for side, ids in sides:
                for edge in self._edges_by(rel_type, ids, side):
                    out.add_edge(edge)
                    wanted_nodes[src].add(edge.source)
                    wanted_nodes[dst].add(edge.target)
        self._fill_nodes(out, wanted_nodes)
        return out

    def _fill_nodes(self, kg: KnowledgeGraph, wanted: dict[str, set[str]]) -> None:
        """Add to ``kg`` the wanted nodes it does not hold yet (one query per label)."""
        by_label = kg.nodes_by_label()
        for label, ids in wanted.items():
            missing = sorted(i for i in ids if i not in by_label[Label(label)])
            if missing:
                by_label[Label(label)].update((n.id, n) for n in self._nodes_by(label, missing))

    def subgraph(
        self,
        concepts: Sequence[str] = (),
        images: Sequence[str] = (),
        hops: int = 1,
        relations: Sequence[str] | None = None,
    ) -> KnowledgeGraph:
        """See :meth:`medkg.store.base.GraphStore.subgraph` (breadth-first, one query per type and hop)."""
        frontier = {NodeRef("Concept", c) for c in concepts} | {NodeRef("Image", i) for i in images}
        seen = set(frontier)
        out = KnowledgeGraph()
        grouped: dict[str, set[str]] = defaultdict(set)
        for ref in frontier:
            grouped[S.validate_label(ref.label)].add(ref.id)
        self._fill_nodes(out, grouped)
        for _ in range(max(0, hops)):
            if not frontier:
                break
            step = self.neighbours(sorted(frontier, key=lambda r: (r.label, r.id)), relations)
            for label, node in step.nodes():
                out.nodes_by_label()[label].setdefault(node.id, node)
            for edge in step.edges():
                out.add_edge(edge)
            reached = {NodeRef(str(label), node.id) for label, node in step.nodes()}
            frontier = reached - seen
            seen |= reached
        return out
