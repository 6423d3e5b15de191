"""``medkg load --neo4j`` and ``medkg neo4j cypher|schema`` against the session's real server."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from medkg.store.ladybug import LadybugStore

pytestmark = pytest.mark.neo4j
_spec = importlib.util.spec_from_file_location(
    "medkg_tests_graph_fixtures_cli", Path(__file__).resolve().parents[1] / "graph" / "conftest.py"
)
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)


@pytest.fixture()
def built_store(tmp_path):
    from medkg.graph import build_graph, naf

    records = [_fixtures.make_record(r) for r in ("R1", "R2", "R3", "R4")]
    kg = build_graph(records, _fixtures.FixedExtractor(), _fixtures.ontology.__wrapped__())
    naf(kg)
    with LadybugStore(tmp_path / "kg", read_only=False) as store:
        store.write(kg)
    return tmp_path / "kg", len(list(kg.nodes())), sum(1 for _ in kg.edges())


def medkg(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "medkg", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})})  # fmt: skip


def test_load_twice_then_query(built_store, neo4j_db, neo4j_server):
    built_store, n_nodes, n_edges = built_store
    neo4j_db.execute_query("MATCH (n) DETACH DELETE n")
    uri, _ = neo4j_server
    first = medkg("load", str(built_store), "--neo4j", uri, "--batch-size", "5")
    assert first.returncode == 0, first.stderr
    assert f"loaded {n_nodes} nodes and {n_edges} relationships" in first.stdout
    assert f"created {n_nodes + 1} nodes, {n_edges} relationships; 0 of" in first.stdout
    again = medkg(
        "load", str(built_store), "--batch-size", "5", "--workers", "3", "--provenance", "arrays",
        env={"NEO4J_URI": uri},
    )  # fmt: skip
    assert "created 0 nodes, 0 relationships" in again.stdout
    assert ", 3 lanes); created 0 nodes" in again.stdout
    keys = medkg(
        "neo4j", "cypher", "MATCH ()-[r:POSITIVE]->() RETURN keys(r) AS k LIMIT 1", "--neo4j", uri, "--json"
    )
    assert "ev_section" in json.loads(keys.stdout)["k"] and "ev_spans" not in json.loads(keys.stdout)["k"]
    bad = medkg("load", str(built_store), "--neo4j", uri, "--provenance", "columns")
    assert bad.returncode != 0 and "unknown provenance layout 'columns'" in bad.stderr
    query = "MATCH (i:Image)-[r:POSITIVE]->(c:Concept {cui: $cui}) RETURN count(i) AS n, sum(r.support) AS s"
    out = medkg("neo4j", "cypher", query, "--neo4j", uri, "--param", "cui=C0032227", "--json")
    assert [json.loads(line) for line in out.stdout.splitlines()] == [{"n": 2, "s": 2}]
    table = medkg("neo4j", "cypher", "MATCH (s:Study) RETURN s.id AS id ORDER BY id LIMIT 2", "--neo4j", uri)
    assert table.stdout.splitlines() == ["id", "S1", "S2"]


def test_cypher_is_read_only_unless_write(neo4j_db, neo4j_server):
    uri, _ = neo4j_server
    refused = medkg("neo4j", "cypher", "CREATE (:Thing {name: 'x'})", "--neo4j", uri)
    assert refused.returncode == 2
    assert "the query contains the write clause 'CREATE'" in refused.stderr and "--write" in refused.stderr
    done = medkg("neo4j", "cypher", "CREATE (:Thing {name: $n})", "--neo4j", uri, "--param", "n=x", "--write")
    assert done.returncode == 0 and done.stdout.strip() == "(no rows)"
    assert neo4j_db.execute_query("MATCH (t:Thing) DETACH DELETE t RETURN count(*) AS n").records[0]["n"] == 1


def test_schema_and_missing_server_errors(neo4j_db, neo4j_server):
    uri, _ = neo4j_server
    ok = medkg("neo4j", "schema", "--neo4j", uri)
    assert ok.returncode == 0 and "constraints and indexes online" in ok.stdout
    names = {r["name"] for r in neo4j_db.execute_query("SHOW CONSTRAINTS YIELD name").records}
    assert {
        "medkg_concept_cui",
        "medkg_image_id",
        "medkg_study_id",
        "medkg_report_id",
        "medkg_patient_id",
    } <= names
    down = medkg("neo4j", "cypher", "RETURN 1", "--neo4j", "bolt://127.0.0.1:1")
    assert down.returncode == 2 and "cannot reach Neo4j at bolt://127.0.0.1:1" in down.stderr
    nothing = medkg("neo4j", "cypher", "RETURN 1", env={"NEO4J_URI": ""})
    assert nothing.returncode == 2 and "no Neo4j URI given" in nothing.stderr
