"""A real Neo4j 5.26 server answers Bolt, enforces uniqueness and serves exact vector neighbours."""

from __future__ import annotations

import pytest
from neo4j.exceptions import ConstraintError

from medkg.store.neo4j_server import NEO4J_VERSION

VECTORS = {
    "a": [1.0, 0.0, 0.0, 0.0],
    "b": [0.9, 0.1, 0.0, 0.0],
    "c": [0.5, 1.0, 0.0, 0.0],
    "d": [0.0, 0.0, 1.0, 0.0],
    "e": [-1.0, 0.0, 0.0, 0.0],
}


def test_server_is_community_of_the_fetched_version(neo4j_db):
    records = neo4j_db.execute_query("CALL dbms.components() YIELD name, versions, edition "
                                     "RETURN name, versions, edition").records
    assert [(r["name"], r["versions"], r["edition"]) for r in records] == [
        ("Neo4j Kernel", [NEO4J_VERSION], "community")]


def test_uniqueness_constraint_and_vector_index_give_exact_neighbours(neo4j_db):
    neo4j_db.execute_query("CREATE CONSTRAINT item_name IF NOT EXISTS FOR (n:Item) REQUIRE n.name IS UNIQUE")
    neo4j_db.execute_query("UNWIND $rows AS row CREATE (:Item {name: row.name, embedding: row.vector})",
                           rows=[{"name": name, "vector": vector} for name, vector in VECTORS.items()])
    with pytest.raises(ConstraintError):
        neo4j_db.execute_query("CREATE (:Item {name: 'a'})")
    neo4j_db.execute_query(
        "CREATE VECTOR INDEX item_embedding IF NOT EXISTS FOR (n:Item) ON n.embedding "
        "OPTIONS {indexConfig: {`vector.dimensions`: 4, `vector.similarity_function`: 'cosine'}}")
    neo4j_db.execute_query("CALL db.awaitIndexes(60)")
    records = neo4j_db.execute_query(
        "CALL db.index.vector.queryNodes('item_embedding', 3, $query) YIELD node, score "
        "RETURN node.name AS name, score", query=[1.0, 0.0, 0.0, 0.0]).records
    assert [r["name"] for r in records] == ["a", "b", "c"]
    # Neo4j's cosine score is (1 + cos) / 2: 1.0, 0.996940, 0.723607 exactly; the index's default
    # int8 quantisation (vector-2.0 provider) moves the last one to 0.7226.
    assert [r["score"] for r in records] == pytest.approx([1.0, 0.996940, 0.723607], abs=2e-3)
    constraints = neo4j_db.execute_query("SHOW CONSTRAINTS YIELD name, type").records
    kinds = {r["name"]: r["type"] for r in constraints}
    assert kinds == {"item_name": "UNIQUENESS"}
    count = neo4j_db.execute_query("MATCH (n:Item) RETURN count(n) AS n").records[0]["n"]
    assert count == 5
