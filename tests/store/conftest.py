"""Reuse the graph fixtures (hand-made reports over real DO/HPO CUIs) from tests/graph/conftest.py."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "medkg_tests_graph_fixtures", Path(__file__).resolve().parents[1] / "graph" / "conftest.py"
)
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)

C = _fixtures.C
ontology = _fixtures.ontology
records = _fixtures.records
extractor = _fixtures.extractor


@pytest.fixture()
def kg(records, extractor, ontology):
    from medkg.graph import build_graph, naf

    graph = build_graph(records, extractor, ontology)
    naf(graph)
    return graph
