"""Neo4jStore against the session's real Neo4j 5.26 server: round trip, idempotence, reads, kNN."""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from medkg.errors import StoreError
from medkg.graph import ImageEmbeddings, checksum
from medkg.store.base import GraphStore, NodeRef
from medkg.store.ladybug import LadybugStore
from medkg.store.neo4j import JOURNAL_LABEL, Neo4jStore

pytestmark = pytest.mark.neo4j

# the graph fixtures (hand-made reports over real DO/HPO CUIs) of tests/graph/conftest.py
_spec = importlib.util.spec_from_file_location(
    "medkg_tests_graph_fixtures_neo4j", Path(__file__).resolve().parents[1] / "graph" / "conftest.py"
)
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)
C, ontology, records, extractor = _fixtures.C, _fixtures.ontology, _fixtures.records, _fixtures.extractor


@pytest.fixture()
def kg(records, extractor, ontology):
    from medkg.graph import build_graph, naf

    graph = build_graph(records, extractor, ontology)
    naf(graph)
    return graph


@pytest.fixture()
def store(neo4j_db, neo4j_server):
    """A store over an emptied database (nodes deleted; constraints kept)."""
    neo4j_db.execute_query("MATCH (n) DETACH DELETE n")
    uri, auth = neo4j_server
    with Neo4jStore(uri, password=auth[1] if auth else None) as s:
        yield s


def test_round_trip_equals(kg, store):
    assert isinstance(store, GraphStore)
    summary = store.write(kg)
    back = store.read_graph()
    assert summary.checksum == checksum(kg) == checksum(back)
    assert back.counts() == kg.counts() == store.counts()
    assert back.info == kg.info
    assert back.findings == kg.findings and back.images == kg.images and back.concepts == kg.concepts
    assert back.studies == kg.studies and back.reports == kg.reports and back.ontology == kg.ontology
    assert store.cypher(f"MATCH (j:{JOURNAL_LABEL}) RETURN count(j) AS n") == [{"n": 0}]


def test_round_trip_without_text(records, extractor, ontology, store):
    from medkg.graph import GraphOptions, build_graph

    kg = build_graph(records, extractor, ontology, GraphOptions(store_text=False))
    store.write(kg)
    assert checksum(store.read_graph()) == checksum(kg)
    assert {r["t"] for r in store.cypher("MATCH (r:Report) RETURN r.text AS t")} == {None}
    assert all(r["t"] == [] for r in store.cypher("MATCH ()-[e:POSITIVE]->() RETURN e.ev_text AS t"))


def test_double_load_changes_nothing(kg, store):
    first = store.load(kg, batch_size=3)
    n_nodes, n_edges = len(list(kg.nodes())), sum(1 for _ in kg.edges())
    assert (first.nodes_created, first.relationships_created) == (n_nodes + 1, n_edges)  # + GraphInfo
    for resume in (True, False):
        again = store.load(kg, batch_size=3, resume=resume)
        assert (again.nodes_created, again.relationships_created, again.skipped_batches) == (0, 0, 0)
    assert store.counts() == kg.counts()
    assert store.cypher("MATCH ()-[r:POSITIVE]->() RETURN count(r) AS n, sum(r.support) AS s") == [
        {"n": 9, "s": 9}
    ]
    assert checksum(store.read_graph()) == checksum(kg)


def test_incremental_load_adds_only_the_new_part(records, extractor, ontology, kg, store):
    from medkg.graph import add_reports, build_graph, naf

    part = build_graph(records[:2], extractor, ontology)
    naf(part)
    store.load(part)
    grown = copy.deepcopy(part)
    add_reports(grown, records[2:], extractor, ontology)
    naf(grown)
    assert checksum(grown) == checksum(kg)
    new_edges = sum(1 for _ in grown.edges()) - sum(1 for _ in part.edges())
    report = store.load(grown)
    assert report.relationships_created == new_edges > 0
    assert report.nodes_created == len(list(grown.nodes())) - len(list(part.nodes())) > 0
    assert checksum(store.read_graph()) == checksum(kg)


def test_prune_makes_the_store_hold_exactly_the_graph(records, extractor, ontology, kg, store):
    from medkg.graph import build_graph

    store.load(kg)
    smaller = build_graph(records[:1], extractor, ontology)
    report = store.load(smaller, prune=True)
    assert report.pruned == sum(kg.counts().values()) - sum(smaller.counts().values()) > 0
    assert checksum(store.read_graph()) == checksum(smaller)
    assert store.counts() == smaller.counts()


def test_a_wrong_journal_is_caught_and_a_replay_repairs_it(kg, store):
    """Correctness does not rest on the journal: a lying one leaves edges out, the count check says
    so, and the next run (journal gone) replays every batch."""
    digest = checksum(kg)
    store.cypher(
        f"CREATE (:{JOURNAL_LABEL} {{checksum: $c, rows_done: 20, rows_total: 54}})",
        {"c": digest},
        write=True,
    )
    with pytest.raises(StoreError, match="fewer elements"):
        store.load(kg, batch_size=10)  # trusts rows 0-19 (Patient..Image, 4 of 7 concepts) as written
    report = store.load(kg, batch_size=10)
    assert (report.skipped_batches, report.rows_written) == (0, sum(kg.counts().values()) + 1)
    assert checksum(store.read_graph()) == checksum(kg)


def test_resume_skips_the_batches_a_journal_records(kg, store):
    store.load(kg, batch_size=10)
    digest = checksum(kg)
    store.cypher(
        f"CREATE (:{JOURNAL_LABEL} {{checksum: $c, rows_done: 20, rows_total: 54}})",
        {"c": digest},
        write=True,
    )
    report = store.load(kg, batch_size=10)
    # Patient, Study, Report, Image batches skipped; Concept restarts at its 5th row
    total = sum(kg.counts().values()) + 1
    assert (report.skipped_batches, report.rows_written, report.nodes_created) == (4, total - 20, 0)
    assert store.cypher(f"MATCH (j:{JOURNAL_LABEL}) RETURN count(j) AS n") == [{"n": 0}]
    other = store.load(kg, batch_size=10)
    assert other.skipped_batches == 0


def test_same_reads_as_the_embedded_store(kg, C, store, tmp_path):
    store.write(kg)
    with LadybugStore(tmp_path / "lb", read_only=False) as lb:
        lb.write(kg)
        cases = [
            lambda s: s.neighbours([NodeRef("Image", "I3")], relations=["POSITIVE", "UNCERTAIN"]),
            lambda s: s.neighbours([NodeRef("Concept", C.PNEUMOTHORAX)], direction="in"),
            lambda s: s.neighbours([NodeRef("Concept", C.PNEUMOTHORAX), NodeRef("Study", "S1")]),
            lambda s: s.subgraph(concepts=[C.SPONT_PTX], hops=2, relations=["ISA", "UNCERTAIN"]),
            lambda s: s.subgraph(images=["I1a"], hops=2),
        ]
        for case in cases:
            assert checksum(case(store)) == checksum(case(lb))
    around = store.neighbours([NodeRef("Image", "I3")], relations=["POSITIVE", "UNCERTAIN"])
    assert set(around.findings) == {("POSITIVE", "I3", C.EDEMA), ("UNCERTAIN", "I3", C.PNEUMOTHORAX)}
    assert (
        around.findings[("UNCERTAIN", "I3", C.PNEUMOTHORAX)]
        == kg.findings[("UNCERTAIN", "I3", C.PNEUMOTHORAX)]
    )


def test_knn_same_neighbours_as_embedded_store(kg, store, tmp_path):
    vectors = np.eye(6, 4, dtype=np.float32) + 0.1
    kg.embeddings = ImageEmbeddings(tuple(sorted(kg.images)), vectors, "test-vectors")
    store.write(kg)
    hits = store.knn(np.array([1.1, 0.1, 0.1, 0.1]), k=2)
    assert hits == [
        ("I1a", pytest.approx(1.0, abs=1e-6)),
        ("I4", pytest.approx(0.14 / (1.24**0.5 * 0.2), abs=1e-6)),
    ]
    back = store.read_graph()
    assert back.embeddings.encoder == "test-vectors" and back.embeddings.ids == tuple(sorted(kg.images))
    np.testing.assert_array_equal(back.embeddings.vectors, vectors)
    rng = np.random.default_rng(3)  # no ties: the embedded store breaks ties at the k-th place arbitrarily
    kg.embeddings = ImageEmbeddings(tuple(sorted(kg.images)), rng.normal(size=(6, 4)).astype(np.float32))
    store.write(kg)
    with LadybugStore(tmp_path / "lb", read_only=False) as lb:
        lb.write(kg)
        for q in rng.normal(size=(10, 4)):
            ours, theirs = store.knn(q, k=3), lb.knn(q, k=3)
            assert [i for i, _ in ours] == [i for i, _ in theirs]
            assert [s for _, s in ours] == pytest.approx([s for _, s in theirs], abs=1e-5)


def test_vector_index_knn_equals_brute_force(kg, store):
    rng = np.random.default_rng(7)
    ids = tuple(sorted(kg.images))
    from medkg.graph import ImageNode, Structure, StructureEdge

    extra = [f"X{i:04d}" for i in range(1000)]
    for image_id in extra:
        kg.images[image_id] = ImageNode(image_id, "S1", None, "PA")
        kg.add_edge(StructureEdge(Structure.HAS_IMAGE, "S1", image_id))
    ids = tuple(sorted(kg.images))
    vectors = rng.normal(size=(len(ids), 32)).astype(np.float32)
    kg.embeddings = ImageEmbeddings(ids, vectors, "random")
    store.write(kg)
    index = store.cypher("SHOW VECTOR INDEXES YIELD name, state RETURN name, state")
    assert index == [{"name": "medkg_image_embedding", "state": "ONLINE"}]
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    for q in rng.normal(size=(20, 32)):
        sims = unit @ (q / np.linalg.norm(q))
        expected = [ids[i] for i in np.argsort(-sims)[:10]]
        got = store.knn(q, k=10)
        assert [i for i, _ in got] == expected
        assert [s for _, s in got] == pytest.approx(sorted(sims, reverse=True)[:10], abs=1e-5)
