"""The knowledge graph: typed model, builder, Neighbor-aware Filtering, checksum, stats, exports.

Plain functions over a :class:`KnowledgeGraph` (networkx style)::

    from medkg.graph import build_graph, naf, stats, checksum
    kg = build_graph(records, extractor, ontology)
    report = naf(kg)
    print(stats(kg).triples, checksum(kg))
"""

from __future__ import annotations

from medkg.graph.build import AddSummary, add_reports, build_graph
from medkg.graph.checksum import checksum
from medkg.graph.export import export, exporters, naf_view, register_exporter
from medkg.graph.model import (
    SCHEMA_VERSION,
    ConceptNode,
    Evidence,
    Finding,
    FindingEdge,
    GraphInfo,
    ImageEmbeddings,
    ImageNode,
    KnowledgeGraph,
    Label,
    OntologyEdge,
    PatientNode,
    RelationEdge,
    ReportNode,
    ReportRelation,
    Structure,
    StructureEdge,
    StudyNode,
)
from medkg.graph.naf import NafReport, NafSettings, clear_naf, naf, naf_select
from medkg.graph.options import DEFAULT_RELATIONS, MEDMKG_EXCLUDED_TUIS, GraphOptions
from medkg.graph.stats import GraphStats, stats

__all__ = [
    "DEFAULT_RELATIONS",
    "MEDMKG_EXCLUDED_TUIS",
    "SCHEMA_VERSION",
    "AddSummary",
    "ConceptNode",
    "Evidence",
    "Finding",
    "FindingEdge",
    "GraphInfo",
    "GraphOptions",
    "GraphStats",
    "ImageEmbeddings",
    "ImageNode",
    "KnowledgeGraph",
    "Label",
    "NafReport",
    "NafSettings",
    "OntologyEdge",
    "PatientNode",
    "RelationEdge",
    "ReportNode",
    "ReportRelation",
    "Structure",
    "StructureEdge",
    "StudyNode",
    "add_reports",
    "build_graph",
    "checksum",
    "clear_naf",
    "export",
    "exporters",
    "naf",
    "naf_select",
    "naf_view",
    "register_exporter",
    "stats",
]
