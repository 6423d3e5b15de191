"""GraphML export through networkx: :meth:`KnowledgeGraph.to_networkx` with flattened attributes.

GraphML attributes are scalars, so:

* tuples (``semantic_types``, ``codes``, ``relas``, ``sabs``) become one string joined by
  :data:`SEP` (``"|"``);
* ``None`` attributes are left out;
* each finding/relation edge gets ``evidence``: its provenance records as
  ``report/section/sentence/start-end`` joined by ``"|"`` (sentence text is not written);
* ontology edges get ``relas`` and ``sabs``.

Node keys are ``"Label:id"`` (``Image:I1``, ``Concept:C0032227``); edge keys are the
relationship type. ``networkx.read_graphml(path)`` reads the file back.

Examples
--------
>>> write_graphml(kg, "kg.graphml")
(41, 53)
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from medkg.graph.export import ExportResult, register_exporter
from medkg.graph.model import FindingEdge, KnowledgeGraph, OntologyEdge, RelationEdge, endpoint_labels

log = logging.getLogger(__name__)

#: Separator of flattened tuple values.
SEP = "|"


def _flat(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return SEP.join(str(x) for x in value)
    return value


def to_graphml_graph(kg: KnowledgeGraph):
    """The ``networkx.MultiDiGraph`` of ``kg`` with GraphML-safe (scalar, non-None) attributes.

    Examples
    --------
    >>> g = to_graphml_graph(kg)
    >>> g.nodes["Concept:C0032227"]["codes"]
    'MSH:D010996|HPO:HP:0002202'
    """
    g = kg.to_networkx()
    for _, attrs in g.nodes(data=True):
        for name in [k for k, val in attrs.items() if val is None]:
            del attrs[name]
        for name, val in attrs.items():
            attrs[name] = _flat(val)
    for edge in kg.edges():
        src, dst = endpoint_labels(str(edge.type))
        attrs = g.edges[f"{src}:{edge.source}", f"{dst}:{edge.target}", str(edge.type)]
        if isinstance(edge, FindingEdge | RelationEdge):
            attrs["evidence"] = SEP.join(
                f"{e.report_id}/{e.section}/{e.sentence}/{e.start}-{e.end}" for e in edge.evidence
            )
        elif isinstance(edge, OntologyEdge):
            attrs["relas"] = _flat(edge.relas)
            attrs["sabs"] = _flat(edge.sabs)
    return g


def write_graphml(kg: KnowledgeGraph, path: str | Path) -> tuple[int, int]:
    """Write ``kg`` as GraphML; returns ``(nodes, edges)``.

    Examples
    --------
    >>> write_graphml(kg, "kg.graphml")
    (41, 53)
    """
    import networkx as nx

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    g = to_graphml_graph(kg)
    nx.write_graphml(g, path)
    log.info("wrote %d nodes and %d edges to %s", g.number_of_nodes(), g.number_of_edges(), path)
    return g.number_of_nodes(), g.number_of_edges()


@register_exporter("graphml", "GraphML via networkx (tuples joined by '|', evidence as strings)")
def export_graphml(kg: KnowledgeGraph, path: Path) -> ExportResult:
    nodes, edges = write_graphml(kg, path)
    return ExportResult("graphml", path, nodes + edges)
