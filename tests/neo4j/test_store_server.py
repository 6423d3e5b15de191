"""Neo4jStore on its own auth-on server: credentials, a load killed mid-way, neo4j-admin import.

The server of this module can be stopped, killed and refilled without disturbing the session's.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from medkg.errors import ConfigError, ConnectionFailed
from medkg.graph import checksum
from medkg.store.neo4j import JOURNAL_LABEL, Neo4jStore

pytestmark = pytest.mark.neo4j
PASSWORD = "Kg-test-secret-7f3e"

# A graph without concepts (no CUIs needed), big enough that its load takes many batches.
_GRAPH = """
from medkg.graph.model import (ImageNode, KnowledgeGraph, PatientNode, Structure, StructureEdge,
                               StudyNode)
def structural_graph(n=40_000):
    kg = KnowledgeGraph()
    for i in range(n):
        p, s, img = f"p{i // 4}", f"s{i}", f"i{i}"
        kg.patients[p] = PatientNode(p)
        kg.studies[s] = StudyNode(s, p, f"fixture:{i}")
        kg.images[img] = ImageNode(img, s, f"files/{img}.png", "PA" if i % 3 else "AP")
        kg.add_edge(StructureEdge(Structure.HAS_STUDY, p, s))
        kg.add_edge(StructureEdge(Structure.HAS_IMAGE, s, img))
    return kg
"""
_LOADER = (
    _GRAPH
    + """
import sys
from medkg.store.neo4j import Neo4jStore
kg = structural_graph()
print("ready", flush=True)
with Neo4jStore(sys.argv[1]) as store:   # credentials from NEO4J_USERNAME / NEO4J_PASSWORD
    store.load(kg, batch_size=2_000)
"""
)


def structural_graph():
    namespace: dict = {}
    exec(_GRAPH, namespace)  # noqa: S102 - the same source the child process runs
    return namespace["structural_graph"]()


@pytest.fixture(scope="module")
def server(neo4j_home_factory):
    srv = neo4j_home_factory(password=PASSWORD)
    srv.start()
    yield srv
    srv.stop()


def test_credentials_from_env_and_a_wrong_password(server, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("NEO4J_URI", server.uri)
    monkeypatch.setenv("NEO4J_USERNAME", "neo4j")
    monkeypatch.setenv("NEO4J_PASSWORD", PASSWORD)
    with Neo4jStore() as store:
        assert store.cypher("RETURN 1 AS one") == [{"one": 1}]
        assert PASSWORD not in repr(store)
    monkeypatch.setenv("NEO4J_PASSWORD", "Wrong-pass-91c2")
    with pytest.raises(ConnectionFailed) as err:
        Neo4jStore()
    text = str(err.value)
    assert f"Neo4j at {server.uri} refused the credentials of user 'neo4j'" in text
    assert "Wrong-pass-91c2" not in text and PASSWORD not in text
    with pytest.raises(ConnectionFailed, match="refused a connection without credentials"):
        Neo4jStore(server.uri, password="")
    with pytest.raises(ConfigError) as err:  # a password inside the URI never shows either
        Neo4jStore(f"bolt://neo4j:Wrong-pass-91c2@127.0.0.1:{server.port}")
    assert f"invalid Neo4j URI 'bolt://127.0.0.1:{server.port}'" in str(err.value)
    assert "Wrong-pass-91c2" not in str(err.value)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Wrong-pass-91c2" not in logged and PASSWORD not in logged
    monkeypatch.delenv("NEO4J_URI")
    with pytest.raises(ConfigError, match="no Neo4j URI"):
        Neo4jStore()
    time.sleep(6)  # Neo4j locks the user for 5 s after repeated failures


def test_load_killed_with_the_server_resumes_to_the_same_graph(server, monkeypatch):
    kg = structural_graph()
    env = {**os.environ, "NEO4J_USERNAME": "neo4j", "NEO4J_PASSWORD": PASSWORD}
    child = subprocess.Popen(
        [sys.executable, "-c", _LOADER, server.uri], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert child.stdout.readline().strip() == "ready"
    total = sum(kg.counts().values()) + 1
    from neo4j import GraphDatabase

    done = 0
    with GraphDatabase.driver(server.uri, auth=server.auth) as driver:
        deadline = time.monotonic() + 300
        while done < total // 3:
            assert child.poll() is None and time.monotonic() < deadline, "the load ended before the kill"
            rows = driver.execute_query(f"MATCH (j:{JOURNAL_LABEL}) RETURN sum(j.rows_done) AS n").records
            done = rows[0]["n"] or 0
            time.sleep(0.05)
    server.stop(kill=True)  # SIGKILL the server mid-load
    _, stderr = child.communicate(timeout=120)
    assert child.returncode != 0 and "ConnectionFailed" in stderr
    assert PASSWORD not in stderr
    server.start()
    with Neo4jStore(server.uri, password=PASSWORD) as store:
        stored = store.counts()
        assert 0 < sum(stored.values()) < total - 1  # a partial graph survived the kill
        journal = store.cypher(
            f"MATCH (j:{JOURNAL_LABEL}) RETURN sum(j.rows_done) AS n, collect(DISTINCT j.rows_total) AS t"
        )
        assert journal[0]["t"] == [total] and journal[0]["n"] >= done
        report = store.load(kg, batch_size=2_000)
        # each lane resumes after its last committed batch: at least the rows seen before the kill
        assert report.skipped_batches * 2_000 >= done > 0
        assert store.counts() == kg.counts()
        assert checksum(store.read_graph()) == checksum(kg)
        replay = store.load(kg, batch_size=2_000)  # no journal left: a full MERGE replay
        assert (replay.nodes_created, replay.relationships_created, replay.skipped_batches) == (0, 0, 0)
        assert store.cypher(f"MATCH (j:{JOURNAL_LABEL}) RETURN count(j) AS n") == [{"n": 0}]


def test_neo4j_admin_export_imports_into_the_real_server(server, tmp_path):
    from medkg.graph import build_graph, export, naf
    from medkg.graph.model import ReportNode
    from medkg.store.neo4j_admin import import_arguments

    spec = importlib.util.spec_from_file_location(
        "medkg_tests_graph_fixtures_admin", Path(__file__).resolve().parents[1] / "graph" / "conftest.py"
    )
    fixtures = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fixtures)
    records = [fixtures.make_record(r) for r in ("R1", "R2", "R3", "R4")]
    kg = build_graph(records, fixtures.FixedExtractor(), fixtures.ontology.__wrapped__())
    naf(kg)
    old = kg.reports["R2"]  # an empty string must stay "", a None must stay None
    kg.reports["R2"] = ReportNode(old.id, old.study_id, old.text_sha256, "", "")
    result = export(kg, "neo4j-admin", tmp_path / "csv", naf_only=False)
    assert result.rows == sum(kg.counts().values()) + 1  # + GraphInfo
    assert sorted(p.name for p in (tmp_path / "csv" / "nodes").iterdir())[:2] == [
        "Concept.csv", "Concept.header.csv"]  # fmt: skip
    args = import_arguments(tmp_path / "csv")
    server.stop()
    output = server.import_full(args["nodes"], args["relationships"], options=[
        *args["options"], "--overwrite-destination"])  # fmt: skip
    assert "IMPORT DONE" in output
    server.start()
    with Neo4jStore(server.uri, password=PASSWORD) as store:
        store.ensure_schema()
        back = store.read_graph()
        assert checksum(back) == checksum(kg) and back.counts() == kg.counts() and back.info == kg.info
        assert back.reports["R2"].text == "" and back.studies["S4"].patient_id is None
        assert store.load(kg).relationships_created == 0  # MERGE loads on top find everything there
