"""A real graph for the export and link-prediction tests: the graph tests' hand-made reports, built
and stored for real.

The records, hand-made extractions and DO/HPO ontology are defined once, in
``tests/graph/conftest.py``, loaded here by path. The graph is built with
:func:`medkg.graph.build_graph`, NaF-marked (budget 2), written to a LadybugDB store and read back,
as ``medkg export`` does.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from medkg.graph import build_graph, naf
from medkg.graph.model import KnowledgeGraph
from medkg.store.ladybug import LadybugStore

_GRAPH_CONFTEST = Path(__file__).resolve().parent / "graph" / "conftest.py"


def _graph_fixtures():
    spec = importlib.util.spec_from_file_location("medkg_graph_test_fixtures", _GRAPH_CONFTEST)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def built_kg_from_store(tmp_path_factory, name: str) -> KnowledgeGraph:
    """The fixture graph (4 reports, 6 images, 7 concepts), NaF budget 2, read from a real store."""
    g = _graph_fixtures()
    ontology = g.ontology.__wrapped__()  # the plain function behind the pytest fixture
    kg = build_graph([g.make_record(r) for r in ("R1", "R2", "R3", "R4")], g.FixedExtractor(), ontology)
    naf(kg, budget=2)
    store_dir = tmp_path_factory.mktemp(name)
    with LadybugStore(store_dir, read_only=False) as store:
        store.write(kg)
    with LadybugStore(store_dir) as store:
        return store.read_graph()
