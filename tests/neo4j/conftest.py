"""Load the Neo4j server fixtures for tests/neo4j unless tests/conftest.py already registered them.

Registering ``pytest_plugins = ["tests.neo4j.fixtures"]`` in the root ``tests/conftest.py`` shares
them with every test directory (one server per session); this file then does nothing.
"""

import sys

if "tests.neo4j.fixtures" not in sys.modules:
    from tests.neo4j.fixtures import (  # noqa: F401
        neo4j_db,
        neo4j_driver,
        neo4j_home_factory,
        neo4j_jars,
        neo4j_server,
    )
