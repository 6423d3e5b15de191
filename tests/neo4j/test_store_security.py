"""Cypher injection through labels, types, values and queries is rejected or neutralised (real server)."""

from __future__ import annotations

import pytest

from medkg.errors import ReadOnlyError, SchemaError
from medkg.graph import checksum
from medkg.graph.model import (
    ConceptNode,
    ImageNode,
    KnowledgeGraph,
    OntologyEdge,
    ReportNode,
    Structure,
    StructureEdge,
    StudyNode,
)
from medkg.store.base import NodeRef
from medkg.store.neo4j import Neo4jStore, edge_query, node_query, write_clause

pytestmark = pytest.mark.neo4j
EVIL = "x'}) DETACH DELETE n //\"`]->() MATCH (m) DELETE m /* $rows"


@pytest.fixture()
def store(neo4j_db, neo4j_server):
    neo4j_db.execute_query("MATCH (n) DETACH DELETE n")
    uri, auth = neo4j_server
    with Neo4jStore(uri, password=auth[1] if auth else None) as s:
        yield s


def hostile_graph() -> KnowledgeGraph:
    """Hostile text in every kind of value (ids, names, report text); CUIs are real HPO/DO ones."""
    kg = KnowledgeGraph()
    kg.studies[EVIL] = StudyNode(EVIL, None, EVIL)
    kg.reports["r`1"] = ReportNode("r`1", EVIL, "0" * 64, f"FINDINGS: {EVIL}\nIMPRESSION: ''", EVIL)
    kg.images["i'1"] = ImageNode("i'1", EVIL, EVIL, "PA")
    kg.concepts["C0032227"] = ConceptNode("C0032227", EVIL, ("T047",), (EVIL,), (f"X:{EVIL}",))
    kg.concepts["C0032326"] = ConceptNode("C0032326", "Pneumothorax")
    kg.add_edge(StructureEdge(Structure.HAS_REPORT, EVIL, "r`1"))
    kg.add_edge(StructureEdge(Structure.HAS_IMAGE, EVIL, "i'1"))
    kg.add_edge(OntologyEdge("ASSOCIATED_WITH", "C0032227", "C0032326", (EVIL,), (EVIL,)))
    return kg


def test_hostile_values_are_stored_verbatim(store):
    kg = hostile_graph()
    store.write(kg)
    assert checksum(store.read_graph()) == checksum(kg)
    assert store.counts() == kg.counts()
    rows = store.cypher("MATCH (c:Concept {name: $name}) RETURN c.cui AS cui", {"name": EVIL})
    assert rows == [{"cui": "C0032227"}]
    sub = store.neighbours([NodeRef("Study", EVIL)])
    assert set(sub.images) == {"i'1"} and set(sub.reports) == {"r`1"}


def test_labels_and_types_from_input_are_validated(store):
    kg = hostile_graph()
    store.write(kg)
    for bad in ("Image) DETACH DELETE (n", "Image`) DETACH DELETE (n", "image", "MedkgLoad"):
        with pytest.raises(SchemaError):
            store.neighbours([NodeRef(bad, "I3")])
    for bad in ("POSITIVE]->() DETACH DELETE (x", "isa", "ISA`", "A" * 65, "ISA|POSITIVE"):
        with pytest.raises(SchemaError):
            store.neighbours([NodeRef("Concept", "C0032227")], relations=[bad])
        with pytest.raises(SchemaError):
            edge_query(bad)
    with pytest.raises(SchemaError):
        node_query("Concept {cui: 'x'}) DETACH DELETE (n")
    evil_graph = hostile_graph()
    evil_graph.add_edge(OntologyEdge("ISA]->(b) DETACH DELETE b //", "C0032227", "C0032326"))
    with pytest.raises(SchemaError):
        store.write(evil_graph)
    assert checksum(store.read_graph()) == checksum(kg)  # nothing was written or deleted


@pytest.mark.parametrize(
    "query",
    [
        "MATCH (n) DETACH DELETE n",
        "match (n) set n.x = 1 return n",
        "CREATE (:Evil)",
        "MERGE (x:Evil) RETURN x",
        "MATCH (n) CALL (n) { SET n.x = 1 } RETURN n",
        "FOREACH (i IN [1] | CREATE (:Evil))",
        "MATCH (n) REMOVE n:Concept",
        "CREATE INDEX evil FOR (n:Evil) ON (n.x)",
        "DROP CONSTRAINT medkg_concept_cui",
        "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
        "CALL db.createLabel('Evil')",  # no write keyword: the server's EXPLAIN says it writes
        "CALL db.createProperty('evil')",
    ],
)
def test_read_only_cypher_rejects_writes(store, query):
    kg = hostile_graph()
    store.write(kg)
    with pytest.raises(ReadOnlyError):
        store.cypher(query)
    assert checksum(store.read_graph()) == checksum(kg) and store.counts() == kg.counts()
    labels = store.cypher("CALL db.labels() YIELD label RETURN collect(label) AS l")[0]["l"]
    assert "Evil" not in labels


def test_read_only_cypher_has_no_false_alarms_and_params_stay_values(store):
    store.write(hostile_graph())
    assert write_clause("MATCH (c:Concept) WHERE c.name = 'SET x' RETURN c.name AS set_name") is None
    rows = store.cypher(
        "MATCH (c:Concept) WHERE c.name CONTAINS $q // CREATE here is a comment\nRETURN c.cui AS cui",
        {"q": EVIL},
    )
    assert rows == [{"cui": "C0032227"}]
    assert store.cypher("MATCH (c:Concept {cui: $cui}) RETURN c.cui AS cui", {"cui": "x' OR 1=1 //"}) == []
    store.cypher(
        "MATCH (c:Concept {cui: $cui}) SET c.name = $name", {"cui": "C0032326", "name": EVIL}, write=True
    )
    assert store.cypher("MATCH (c:Concept {cui: 'C0032326'}) RETURN c.name AS n") == [{"n": EVIL}]
