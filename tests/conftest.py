"""Shared test fixtures: paths to the repository and to ../shared (real data, read in place)."""

from __future__ import annotations

from pathlib import Path

import pytest

# The real-server Neo4j fixtures (neo4j_server, neo4j_driver, neo4j_db) for every test package.
pytest_plugins = ["tests.neo4j.fixtures"]

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"../shared not found beside the repository ({SHARED}); CI clones it there")
    return SHARED


@pytest.fixture(scope="session")
def openi_dev(shared_dir: Path) -> Path:
    return shared_dir / "data" / "openi" / "dev.csv"
