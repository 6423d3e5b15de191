"""Take a knowledge graph into other tools: RDF (N-Triples, Turtle, JSON-LD), GraphML, PyG.

Importing this package registers the export formats ``nt``, ``rdf-ttl``, ``jsonld``,
``graphml`` and ``pyg`` with :func:`medkg.graph.export.register_exporter`, so that
``medkg export DIR --format NAME --output PATH`` and :func:`medkg.graph.export` find them.
rdflib, pyoxigraph and torch are imported only when a format is used.

Examples
--------
>>> from medkg.export import write_ntriples, kg_from_rdf, to_pyg
>>> n = write_ntriples(kg, "kg.nt")
>>> kg_from_rdf("kg.nt").counts() == kg.counts()
True
"""

from __future__ import annotations

from medkg.export.graphml import to_graphml_graph, write_graphml
from medkg.export.pyg import IdMaps, load_pyg, save_pyg, to_pyg
from medkg.export.rdf import to_rdflib, write_jsonld, write_ntriples, write_turtle
from medkg.export.rdf_read import kg_from_rdf
from medkg.export.rdf_terms import concept_iri, iter_triples, node_iri

__all__ = [
    "IdMaps",
    "concept_iri",
    "iter_triples",
    "kg_from_rdf",
    "load_pyg",
    "node_iri",
    "save_pyg",
    "to_graphml_graph",
    "to_pyg",
    "to_rdflib",
    "write_graphml",
    "write_jsonld",
    "write_ntriples",
    "write_turtle",
]
