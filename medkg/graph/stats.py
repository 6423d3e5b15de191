"""Graph statistics: nodes and edges by type, concepts by semantic type, NaF effect.

Examples
--------
>>> from medkg.graph.model import KnowledgeGraph
>>> stats(KnowledgeGraph()).triples
0
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from medkg.graph.model import KnowledgeGraph


@dataclass(frozen=True, slots=True)
class GraphStats:
    """Counts describing a graph.

    ``triples`` and ``relation_types`` count what a MEDMKG-style export holds: NaF-kept
    image→concept edges plus concept→concept edges (ontology and report relations).
    """

    nodes: dict[str, int]
    edges: dict[str, int]
    concepts_by_semantic_type: dict[str, int]
    images_with_findings: int
    images_kept: int
    finding_edges: int
    finding_edges_kept: int
    concepts_linked: int
    concepts_linked_kept: int
    triples: int
    relation_types: int
    naf_applied: bool

    def rows(self) -> list[tuple[str, str]]:
        """(name, value) rows for a summary table."""
        out = [(f"nodes: {k}", str(v)) for k, v in self.nodes.items()]
        out += [(f"edges: {k}", str(v)) for k, v in self.edges.items()]
        out += [
            ("images with findings", f"{self.images_with_findings} (NaF kept {self.images_kept})"),
            ("image→concept edges", f"{self.finding_edges} (NaF kept {self.finding_edges_kept})"),
            ("concepts linked to images", f"{self.concepts_linked} (NaF kept {self.concepts_linked_kept})"),
            (
                "concepts not linked to images",
                f"{self.nodes.get('Concept', 0) - self.concepts_linked} "
                "(ontology neighbourhood, report relations)",
            ),
            ("triples (MEDMKG-style export)", str(self.triples)),
            ("relation types (MEDMKG-style export)", str(self.relation_types)),
        ]
        return out


def stats(kg: KnowledgeGraph) -> GraphStats:
    """Compute :class:`GraphStats` for ``kg``."""
    counts = kg.counts()
    labels = {"Patient", "Study", "Report", "Image", "Concept"}
    sty: Counter[str] = Counter()
    for c in kg.concepts.values():
        names = c.semantic_type_names or ("",) * len(c.semantic_types)
        for tui, name in zip(c.semantic_types, names, strict=False):
            sty[f"{tui} {name}".strip()] += 1
        if not c.semantic_types:
            sty["(none)"] += 1
    kept = [e for e in kg.findings.values() if e.naf_kept]
    concept_edges = len(kg.ontology) + len(kg.relations)
    rel_types = {str(e.type) for e in kept} | {e.type for e in kg.ontology.values()}
    rel_types |= {str(e.type) for e in kg.relations.values()}
    return GraphStats(
        nodes={k: v for k, v in counts.items() if k in labels},
        edges={k: v for k, v in counts.items() if k not in labels},
        concepts_by_semantic_type=dict(sty.most_common()),
        images_with_findings=len({e.source for e in kg.findings.values()}),
        images_kept=len({e.source for e in kept}),
        finding_edges=len(kg.findings),
        finding_edges_kept=len(kept),
        concepts_linked=len({e.target for e in kg.findings.values()}),
        concepts_linked_kept=len({e.target for e in kept}),
        triples=len(kept) + concept_edges,
        relation_types=len(rel_types),
        naf_applied=kg.info.naf is not None,
    )
