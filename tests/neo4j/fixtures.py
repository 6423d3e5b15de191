"""Pytest plugin: fixtures that run a real Neo4j 5.26 Community server (jars from Maven Central).

Any test directory can use them once ``tests/conftest.py`` has
``pytest_plugins = ["tests.neo4j.fixtures"]``; ``tests/neo4j/conftest.py`` loads them otherwise.

``neo4j_server`` starts one auth-off server per test session on a free port in a temp home and
yields ``(uri, auth)``; ``neo4j_driver`` is a driver for it; ``neo4j_db`` empties the database
(nodes, constraints, indexes) once per module and yields the driver.

Tests skip only when Java is missing, or when the jars are not cached and Maven is missing.
With ``CI`` or ``MEDKG_REQUIRE_NEO4J=1`` set they fail instead. ``MEDKG_CACHE_DIR`` moves the jar
cache (default ``~/.cache/medkg``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from medkg.store import neo4j_server as ns

REQUIRED = bool(os.environ.get("CI")) or os.environ.get("MEDKG_REQUIRE_NEO4J") == "1"
START_TIMEOUT = 240.0  # start-up is ~12 s on an idle 2-core machine, several times that under load


def _missing() -> str | None:
    if ns.java_executable() is None:
        return "Java is not installed (Neo4j 5.26 needs Java 17 or 21)"
    if not (ns.cache_dir() / "lib" / ".complete").is_file() and shutil.which("mvn") is None:
        return f"Maven is not installed and the Neo4j jars are not cached in {ns.cache_dir()}"
    try:
        import neo4j  # noqa: F401
    except ImportError:
        return "the neo4j Python driver is not installed (pip install 'medkg[neo4j]')"
    return None


@pytest.fixture(scope="session")
def neo4j_jars() -> ns.FetchResult:
    """The cached Neo4j jars, fetched with Maven on first use; skips (or fails in CI) without Java/Maven."""
    reason = _missing()
    if reason is not None:
        if REQUIRED:
            pytest.fail(f"{reason}; CI / MEDKG_REQUIRE_NEO4J=1 require a real Neo4j server")
        pytest.skip(reason)
    return ns.fetch()


@pytest.fixture(scope="session")
def neo4j_home_factory(neo4j_jars: ns.FetchResult, tmp_path_factory: pytest.TempPathFactory):
    """Make servers in fresh temp homes on free ports; every one made is stopped at session end."""
    made: list[ns.Neo4jServer] = []

    def make(password: str | None = None, **settings: str) -> ns.Neo4jServer:
        home = tmp_path_factory.mktemp("neo4j-home")
        server = ns.Neo4jServer(home, port=0, password=password, settings=settings or None)
        made.append(server)
        return server

    yield make
    for server in made:
        server.stop()


@pytest.fixture(scope="session")
def neo4j_server(neo4j_home_factory) -> Iterator[tuple[str, tuple[str, str] | None]]:
    """One running auth-off server for the session: yields ``(uri, auth)``."""
    server = neo4j_home_factory()
    server.start(timeout=START_TIMEOUT)
    yield server.uri, server.auth
    server.stop()


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_server):
    """A neo4j driver connected to :func:`neo4j_server`."""
    from neo4j import GraphDatabase

    uri, auth = neo4j_server
    with GraphDatabase.driver(uri, auth=auth) as driver:
        yield driver


def clear_database(driver) -> None:
    """Delete all nodes, constraints and (non-lookup) indexes of the default database."""
    driver.execute_query("MATCH (n) DETACH DELETE n")
    for record in driver.execute_query("SHOW CONSTRAINTS YIELD name").records:
        driver.execute_query(f"DROP CONSTRAINT `{record['name']}` IF EXISTS")
    for record in driver.execute_query("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'").records:
        driver.execute_query(f"DROP INDEX `{record['name']}` IF EXISTS")


@pytest.fixture(scope="module")
def neo4j_db(neo4j_driver):
    """The session server's driver over an empty database (cleared once per test module)."""
    clear_database(neo4j_driver)
    yield neo4j_driver
