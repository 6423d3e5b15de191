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
from medkg.store.neo4j_write import PLAN_VERSION

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
    # the compact layout (default) leaves ev_text out when no text is kept
    assert {r["t"] for r in store.cypher("MATCH ()-[e:POSITIVE]->() RETURN e.ev_text AS t")} == {None}


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


def _lane_journal(
    store, kg, batch_size: int, done: dict[int, int], lanes: int = 2, plan: int = PLAN_VERSION
) -> None:
    """Journal nodes saying lane ``l`` committed its batches numbered below ``done[l]``."""
    digest = checksum(kg)
    for lane, batches_done in done.items():
        store.cypher(
            f"CREATE (:{JOURNAL_LABEL} {{id: $id, checksum: $c, lane: $lane, lanes: $lanes, "
            "batch_size: $size, batches_done: $done, plan: $plan})",
            {"id": f"{digest}/{lane}", "c": digest, "lane": lane, "lanes": lanes, "size": batch_size,
             "done": batches_done, "plan": plan},
            write=True,
        )  # fmt: skip


def _batch_rows(kg, batch_size: int, lanes: int = 2) -> list[int]:
    from medkg.store.neo4j_write import plan, specs

    return [s.stop - s.lo for part in specs(plan(kg, "compact"), batch_size, lanes) for s in part]


def test_a_wrong_journal_is_caught_and_a_replay_repairs_it(kg, store):
    """Correctness does not rest on the journal: a lying one leaves edges out, the count check says
    so, and the next run (journal gone) replays every batch."""
    _lane_journal(store, kg, 10, {0: 4, 1: 4})  # claims batches 0-3 (first batches of 4 labels) are in
    with pytest.raises(StoreError, match="fewer elements"):
        store.load(kg, batch_size=10)
    report = store.load(kg, batch_size=10)
    assert (report.skipped_batches, report.rows_written) == (0, sum(kg.counts().values()) + 1)
    assert checksum(store.read_graph()) == checksum(kg)


def test_resume_skips_the_batches_a_journal_records(kg, store):
    store.load(kg, batch_size=10)
    _lane_journal(store, kg, 10, {0: 4, 1: 2})  # lane 0: batches 0 and 2; lane 1: batch 1
    report = store.load(kg, batch_size=10)
    sizes = _batch_rows(kg, 10)
    total = sum(kg.counts().values()) + 1
    assert sum(sizes) == total
    skipped = sum(sizes[:3])
    assert (report.skipped_batches, report.rows_written, report.nodes_created) == (3, total - skipped, 0)
    assert store.cypher(f"MATCH (j:{JOURNAL_LABEL}) RETURN count(j) AS n") == [{"n": 0}]
    other = store.load(kg, batch_size=10)
    assert other.skipped_batches == 0


def test_a_journal_of_another_numbering_is_not_trusted(kg, store):
    """Lane nodes written with another lane count (or batch size) number batches differently: a
    load ignores them and replays every batch."""
    store.load(kg, batch_size=10)
    _lane_journal(store, kg, 10, {0: 4, 1: 2})
    one_lane = store.load(kg, batch_size=10, workers=1)
    assert (one_lane.skipped_batches, one_lane.relationships_created) == (0, 0)
    _lane_journal(store, kg, 10, {0: 4, 1: 2})
    other_size = store.load(kg, batch_size=7)
    assert other_size.skipped_batches == 0
    _lane_journal(store, kg, 10, {0: 4, 1: 2}, plan=PLAN_VERSION - 1)  # numbered by an older medkg
    older = store.load(kg, batch_size=10)
    assert older.skipped_batches == 0
    assert checksum(store.read_graph()) == checksum(kg)


def test_lanes_and_layouts_give_the_same_graph(kg, store, neo4j_server):
    """One or three concurrent lanes, compact or array provenance: the same stored graph; switching
    the layout of a loaded database leaves no property of the other layout behind."""
    digest = checksum(kg)
    report = store.load(kg, batch_size=3, workers=3)
    assert (report.workers, report.provenance) == (3, "compact")
    assert report.relationships_created == len(list(kg.edges()))
    assert checksum(store.read_graph()) == digest
    keys = store.cypher("MATCH ()-[e:POSITIVE]->() RETURN DISTINCT keys(e) AS k")
    compact = ("ev_report", "ev_spans", "ev_text", "naf_kept", "support")
    assert {tuple(sorted(r["k"])) for r in keys} == {compact}
    uri, auth = neo4j_server
    with Neo4jStore(uri, password=auth[1] if auth else None, provenance="arrays", workers=1) as arrays:
        again = arrays.load(kg, batch_size=5)
        assert again.relationships_created == 0
        assert checksum(arrays.read_graph()) == digest
        keys = arrays.cypher("MATCH ()-[e:POSITIVE]->() RETURN DISTINCT keys(e) AS k")
        assert {"ev_spans"}.isdisjoint(k for r in keys for k in r["k"])
        assert {"ev_section", "ev_start", "ev_sentence_sha256"} <= {k for r in keys for k in r["k"]}
    back = store.load(kg)  # and back to compact
    assert back.relationships_created == 0 and checksum(store.read_graph()) == digest
    keys = store.cypher("MATCH ()-[e:POSITIVE]->() RETURN DISTINCT keys(e) AS k")
    assert {k for r in keys for k in r["k"]} == set(compact)


def test_compact_provenance_is_readable_in_cypher(kg, store):
    import json

    store.load(kg)
    rows = store.cypher(
        "MATCH (i:Image)-[e:POSITIVE]->(c:Concept) RETURN i.id AS i, c.cui AS c, e.ev_report AS reports, "
        "e.ev_text AS text, e.ev_spans AS spans ORDER BY i, c LIMIT 1"
    )
    edge = kg.findings[("POSITIVE", rows[0]["i"], rows[0]["c"])]
    assert rows[0]["reports"] == [e.report_id for e in edge.evidence]
    assert rows[0]["text"] == [e.text for e in edge.evidence]
    spans = json.loads(rows[0]["spans"])
    assert [(s["section"], s["sentence"], s["start"], s["end"]) for s in spans] == [
        (e.section, e.sentence, e.start, e.end) for e in edge.evidence
    ]


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


def test_node_create_fast_path_and_its_fallback_to_merge(kg, store):
    """An empty label is written with CREATE; when another loader's key turns up mid-phase, the
    server refuses the CREATE batch (uniqueness constraint) and it is written again with MERGE."""
    from medkg.store.neo4j_load import _Run, write_lane
    from medkg.store.neo4j_write import Journal, plan, specs

    report = store.load(kg, batch_size=2)
    assert {"Image", "Study", "Report", "Concept", "POSITIVE"} <= set(report.created_types)
    assert report.nodes_created == len(list(kg.nodes())) + 1  # + the GraphInfo node
    store.cypher("MATCH (n) DETACH DELETE n", write=True)
    phases = plan(kg, "compact")
    image_batches = [spec for spec in specs(phases, 2, 1)[0] if spec.phase.name == "Image"]
    later = image_batches[1]  # not the phase's first batch: it follows the first batch's choice
    taken = later.phase.keys[later.lo]
    store.cypher("CREATE (:Image {id: $id})", {"id": taken}, write=True)  # the other loader's node
    run = _Run(None)
    run.created.add("Image")  # as if the first batch had found the label empty
    write_lane(store, [later], Journal("d", 1, 2, 100), True, True, run)
    assert "Image" not in run.created
    rows = store.cypher("MATCH (i:Image) RETURN i.id AS id, i.study_id AS s ORDER BY id")
    keys = later.phase.keys[later.lo : later.stop]
    assert [r["id"] for r in rows] == sorted(keys)
    assert all(r["s"] == kg.images[r["id"]].study_id for r in rows)  # the MERGE set every property
