from __future__ import annotations

import numpy as np
import pytest

from medkg.errors import ReadOnlyError, SchemaError, StoreError
from medkg.graph import ImageEmbeddings, checksum
from medkg.store.base import GraphStore, NodeRef
from medkg.store.ladybug import LadybugStore


def test_round_trip_equals(kg, tmp_path):
    with LadybugStore(tmp_path / "s", read_only=False) as store:
        assert isinstance(store, GraphStore)
        summary = store.write(kg)
        back = store.read_graph()
    assert summary.checksum == checksum(kg) == checksum(back)
    assert back.counts() == kg.counts()
    assert back.info == kg.info
    assert back.findings == kg.findings and back.images == kg.images and back.concepts == kg.concepts


def test_round_trip_without_text(records, extractor, ontology, tmp_path):
    from medkg.graph import GraphOptions, build_graph

    kg = build_graph(records, extractor, ontology, GraphOptions(store_text=False))
    with LadybugStore(tmp_path / "s", read_only=False) as store:
        store.write(kg)
        assert checksum(store.read_graph()) == checksum(kg)
        rows = store.cypher("MATCH (r:Report) RETURN r.text AS t")
        ev = store.cypher("MATCH ()-[e:POSITIVE]->() RETURN e.ev_text AS t")
    assert {r["t"] for r in rows} == {None}
    assert all(r["t"] == [] for r in ev)


def test_write_twice_is_idempotent(kg, tmp_path):
    with LadybugStore(tmp_path / "s", read_only=False) as store:
        first = store.write(kg)
        second = store.write(kg)
        assert first.checksum == second.checksum == checksum(store.read_graph())
        n = store.cypher("MATCH ()-[r:POSITIVE]->() RETURN count(r) AS n")
    assert n == [{"n": 9}]
    assert len([p for p in (tmp_path / "s" / "builds").iterdir()]) == 2  # new + previous build


def test_cypher_with_params_and_read_only(kg, C, tmp_path):
    LadybugStore(tmp_path / "s", read_only=False).write(kg)
    store = LadybugStore(tmp_path / "s")
    q = "MATCH (i:Image)-[r:POSITIVE]->(c:Concept {cui: $cui}) RETURN count(i) AS n, sum(r.support) AS s"
    assert store.cypher(q, {"cui": C.EFFUSION}) == [{"n": 2, "s": 2}]
    rows = store.cypher(
        "MATCH (i:Image {id: 'I3'})-[r]->(c:Concept) RETURN label(r) AS t, c.name AS name ORDER BY t"
    )
    assert rows == [{"t": "POSITIVE", "name": "pulmonary edema"}, {"t": "UNCERTAIN", "name": "Pneumothorax"}]
    with pytest.raises(ReadOnlyError):
        store.cypher("MATCH (c:Concept) SET c.name = 'x'")
    with pytest.raises(ReadOnlyError):
        store.cypher("MATCH (c:Concept) SET c.name = 'x'", write=True)
    with pytest.raises(StoreError, match="LadybugDB"):
        store.cypher("MATCH (c:Nope) RETURN c")
    store.close()
    writable = LadybugStore(tmp_path / "s", read_only=False)
    writable.cypher("MATCH (c:Concept {cui: $cui}) SET c.name = 'changed'", {"cui": C.EDEMA}, write=True)
    assert writable.cypher("MATCH (c:Concept {cui: $cui}) RETURN c.name AS n", {"cui": C.EDEMA}) == [
        {"n": "changed"}
    ]
    writable.close()


def test_neighbours_and_subgraph(kg, C, tmp_path):
    with LadybugStore(tmp_path / "s", read_only=False) as store:
        store.write(kg)
        around = store.neighbours([NodeRef("Image", "I3")], relations=["POSITIVE", "UNCERTAIN"])
        assert set(around.findings) == {("POSITIVE", "I3", C.EDEMA), ("UNCERTAIN", "I3", C.PNEUMOTHORAX)}
        assert set(around.concepts) == {C.EDEMA, C.PNEUMOTHORAX} and set(around.images) == {"I3"}
        assert (
            around.findings[("UNCERTAIN", "I3", C.PNEUMOTHORAX)]
            == kg.findings[("UNCERTAIN", "I3", C.PNEUMOTHORAX)]
        )
        into = store.neighbours([NodeRef("Concept", C.PNEUMOTHORAX)], direction="in")
        assert set(into.images) == {"I1a", "I1b", "I3"} and set(into.concepts) == {
            C.PNEUMOTHORAX,
            C.SPONT_PTX,
        }
        sub = store.subgraph(concepts=[C.SPONT_PTX], hops=2, relations=["ISA", "UNCERTAIN"])
        assert set(sub.ontology) == {("ISA", C.SPONT_PTX, C.PNEUMOTHORAX)}
        assert set(sub.findings) == {("UNCERTAIN", "I3", C.PNEUMOTHORAX)}
        with pytest.raises(SchemaError):
            store.neighbours([NodeRef("Image", "I3")], relations=["POSITIVE]->() DETACH DELETE (x"])
        with pytest.raises(SchemaError):
            store.neighbours([NodeRef("Image) DETACH DELETE (n", "I3")])


def test_knn(kg, tmp_path):
    vectors = np.eye(6, 4, dtype=np.float32) + 0.1
    kg.embeddings = ImageEmbeddings(tuple(sorted(kg.images)), vectors, "test-vectors")
    with LadybugStore(tmp_path / "s", read_only=False) as store:
        store.write(kg)
        hits = store.knn(np.array([1.1, 0.1, 0.1, 0.1]), k=2)
        back = store.read_graph()
    # cos(q, I1a) = 1; cos(q, I4) = cos(q, I4L) = (0.11 + 3 * 0.01) / (sqrt(1.24) * 0.2); ties by id
    assert hits == [
        ("I1a", pytest.approx(1.0, abs=1e-6)),
        ("I4", pytest.approx(0.14 / (1.24**0.5 * 0.2), abs=1e-6)),
    ]
    assert back.embeddings.encoder == "test-vectors"
    np.testing.assert_array_equal(back.embeddings.vectors, vectors)


def test_empty_store_errors(tmp_path):
    with pytest.raises(StoreError, match="no graph"):
        LadybugStore(tmp_path / "none").read_graph()
    with pytest.raises(ReadOnlyError):
        LadybugStore(tmp_path / "none").write(None)
