"""A real graph for the export tests (built and stored by tests/stored_graph.py)."""

from __future__ import annotations

import pytest

from medkg.graph.model import KnowledgeGraph
from tests.stored_graph import built_kg_from_store


@pytest.fixture(scope="session")
def built_kg(tmp_path_factory) -> KnowledgeGraph:
    """The fixture graph (4 reports, 6 images, 7 concepts), NaF budget 2, read from a real store."""
    return built_kg_from_store(tmp_path_factory, "store")
