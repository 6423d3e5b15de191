"""Server life cycle: auth, crash and restart, busy ports, start-up failures, bulk import, the script."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError

from medkg.errors import ConnectionFailed, StoreError
from medkg.store.neo4j_server import Neo4jServer

PASSWORD = "medkg-test-pw"
START_TIMEOUT = 240.0
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "neo4j" / "neo4j_server.py"


@pytest.fixture(scope="module")
def auth_server(neo4j_home_factory) -> Neo4jServer:
    server = neo4j_home_factory(password=PASSWORD)
    server.start(timeout=START_TIMEOUT)
    yield server
    server.stop()


def test_wrong_password_raises_auth_error(auth_server):
    with GraphDatabase.driver(auth_server.uri, auth=("neo4j", "not-the-password")) as driver:
        with pytest.raises(AuthError):
            driver.verify_connectivity()
    with GraphDatabase.driver(auth_server.uri, auth=auth_server.auth) as driver:
        assert driver.execute_query("RETURN 1 AS one").records[0]["one"] == 1


def test_sigkill_then_restart_keeps_committed_data(auth_server):
    with GraphDatabase.driver(auth_server.uri, auth=auth_server.auth) as driver:
        driver.execute_query("CREATE (:Survivor {n: 1}), (:Survivor {n: 2})")
    assert auth_server.stop(kill=True) is True
    assert auth_server.pid is None
    auth_server.start(timeout=START_TIMEOUT)
    with GraphDatabase.driver(auth_server.uri, auth=auth_server.auth) as driver:
        records = driver.execute_query("MATCH (s:Survivor) RETURN s.n AS n ORDER BY n").records
    assert [r["n"] for r in records] == [1, 2]


def test_start_refuses_a_busy_port(neo4j_home_factory):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        server = neo4j_home_factory()
        server.port = sock.getsockname()[1]
        with pytest.raises(StoreError, match=f"port {server.port} on 127.0.0.1 is already in use"):
            server.start()
    assert server.pid is None


def test_server_dying_during_start_reports_its_log(neo4j_home_factory):
    server = neo4j_home_factory(**{"server.no_such_setting": "1"})
    with pytest.raises(ConnectionFailed, match="No declared setting with name: server.no_such_setting"):
        server.start()
    assert server.pid is None


def test_import_full_then_query(neo4j_home_factory, tmp_path):
    nodes = tmp_path / "nodes.csv"
    nodes.write_text("id:ID,name,:LABEL\nx1,alpha,Thing\nx2,beta,Thing\nx3,gamma,Thing\n")
    rels = tmp_path / "rels.csv"
    rels.write_text(":START_ID,:END_ID,:TYPE\nx1,x2,NEXT\nx2,x3,NEXT\n")
    server = neo4j_home_factory()
    output = server.import_full([str(nodes)], [str(rels)])
    assert "3 nodes" in output and "2 relationships" in output
    server.start(timeout=START_TIMEOUT)
    with GraphDatabase.driver(server.uri, auth=server.auth) as driver:
        records = driver.execute_query("MATCH (a:Thing)-[:NEXT]->(b:Thing) "
                                       "RETURN a.name AS a, b.name AS b ORDER BY a").records
    server.stop()
    assert [(r["a"], r["b"]) for r in records] == [("alpha", "beta"), ("beta", "gamma")]


def test_script_status_of_a_stopped_home(tmp_path, neo4j_jars):
    proc = subprocess.run([sys.executable, str(SCRIPT), "status", "--home", str(tmp_path)],
                          capture_output=True, text=True)
    assert proc.returncode == 3
    assert proc.stdout.strip() == f"not running (home {tmp_path.resolve()})"
