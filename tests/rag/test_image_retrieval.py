"""Retriever.retrieve(image=...) on the small graph with image embeddings: in memory, on LadybugDB and Neo4j.

Images i1..i5 of the small graph (conftest.CASES) get hand-made unit vectors, so neighbours and
aggregated scores are known exactly; another test embeds the shared PNG/DICOM files with the
non-semantic PixelStatsEncoder and checks that the output says so.
"""

from __future__ import annotations

import numpy as np
import pytest

from medkg.errors import RetrievalError
from medkg.graph.model import ImageEmbeddings
from medkg.rag import RankingWeights, Retriever, explain
from medkg.rag.retriever import NON_SEMANTIC_NOTE, exact_knn

# cosine with the query (1, 0, 0): i1 1.0, i2 0.8, i5 0.6, i3 0, i4 0
VECTORS = {
    "i1": [1.0, 0.0, 0.0],
    "i2": [0.8, 0.6, 0.0],
    "i3": [0.0, 1.0, 0.0],
    "i4": [0.0, 0.0, 1.0],
    "i5": [0.6, 0.0, 0.8],
}
QUERY = np.array([1.0, 0.0, 0.0], dtype=np.float32)


class VectorEncoder:
    """An encoder whose 'images' already are vectors (the query is given as its embedding)."""

    dim = 3

    def __init__(self, semantic: bool = True) -> None:
        self.semantic = semantic
        self.name = "hand-made-3d"

    def encode(self, images):
        return np.asarray(images, dtype=np.float32).reshape(len(images), -1)


def _with_vectors(kg, encoder: str = "hand-made-3d"):
    ids = tuple(sorted(VECTORS))
    kg.embeddings = ImageEmbeddings(ids, np.array([VECTORS[i] for i in ids], dtype=np.float32), encoder)
    return kg


@pytest.fixture(params=["graph", "ladybug", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request, kg, tmp_path):
    graph = _with_vectors(kg)
    if request.param == "graph":  # in memory: exact cosine over kg.embeddings
        yield graph
        return
    if request.param == "ladybug":
        from medkg.store.ladybug import LadybugStore

        with LadybugStore(tmp_path / "store", read_only=False) as s:
            s.write(graph)
        with LadybugStore(tmp_path / "store") as s:
            yield s
        return
    neo4j = pytest.importorskip("medkg.store.neo4j")
    driver = request.getfixturevalue("neo4j_db")
    uri, auth = request.getfixturevalue("neo4j_server")
    driver.execute_query("MATCH (n) DETACH DELETE n")
    with neo4j.Neo4jStore(uri, password=auth[1] if auth else None) as s:
        s.write(graph)
        yield s


def test_exact_neighbours(store):
    hits = store.knn(QUERY, k=3) if hasattr(store, "knn") else Retriever(store, neighbours=3)._knn(QUERY)
    assert [i for i, _ in hits] == ["i1", "i2", "i5"]
    assert [s for _, s in hits] == pytest.approx([1.0, 0.8, 0.6], abs=1e-6)


def test_exact_knn_breaks_ties_by_id():
    ids = ["i9", "i10", "i2", "i0"]
    vectors = np.array([[1.0, 0.0], [2.0, 0.0], [0.6, 0.8], [0.0, 0.0]])
    assert exact_knn(ids, vectors, np.array([1.0, 0.0]), 4) == [
        ("i10", 1.0),
        ("i9", 1.0),
        ("i2", pytest.approx(0.6, abs=1e-6)),
        ("i0", 0.0),
    ]
    assert [i for i, _ in exact_knn(ids, vectors, np.array([3.0, 0.0]), 1)] == ["i10"]


def test_neighbours_without_similarity_are_no_support(store):
    # all five images are neighbours, but i3 and i4 have cosine 0 with the query: they show
    # cardiomegaly / effusion / atelectasis yet support nothing
    facts = Retriever(store, encoder=VectorEncoder(), neighbours=5).retrieve(image=QUERY, k=5)
    assert facts.concepts() == ["C0018800", "C0032227", "C0004144"]
    assert facts.scores() == pytest.approx([0.75, 0.75, 0.25], abs=1e-6)
    assert [f.provenance.count for f in facts] == [2, 2, 1]
    assert [f.provenance.images for f in facts] == [("i1", "i2"), ("i1", "i2"), ("i5",)]
    assert facts[2].text() == "query image shows Atelectasis (1 image)"


def test_graph_without_embeddings_says_what_to_do(kg):
    with pytest.raises(RetrievalError, match="no image embeddings"):
        Retriever(kg, encoder=VectorEncoder()).retrieve(image=QUERY)


def test_findings_of_neighbours_weighted_by_similarity(store):
    facts = Retriever(store, encoder=VectorEncoder(), neighbours=3).retrieve(image=QUERY, k=5)
    # neighbours i1 (1.0), i2 (0.8), i5 (0.6); total 2.4
    # cardiomegaly and effusion: (1.0 + 0.8) / 2.4 = 0.75 (ties by CUI); atelectasis 0.6 / 2.4
    assert facts.concepts() == ["C0018800", "C0032227", "C0004144"]
    assert facts.scores() == pytest.approx([0.75, 0.75, 0.25], abs=1e-6)
    assert {(f.head, f.relation, f.assertion) for f in facts} == {("query image", "POSITIVE", "present")}
    assert [f.provenance.count for f in facts] == [2, 2, 1]
    assert [f.provenance.images for f in facts] == [("i1", "i2"), ("i1", "i2"), ("i5",)]
    assert [f.provenance.report_ids for f in facts] == [("ri1", "ri2"), ("ri1", "ri2"), ("ri5",)]
    effusion = facts[1]
    assert [(s.report_id, s.text, s.laterality) for s in effusion.provenance.sentences] == [
        ("ri1", "Pleural effusion in ri1.", "left"),
        ("ri2", "Pleural effusion in ri2.", "left"),
    ]
    assert facts.notes == ()  # a semantic encoder: no warning


def test_fixed_and_adaptive_k_on_image_facts(store):
    r = Retriever(store, encoder=VectorEncoder(), neighbours=3)
    assert r.retrieve(image=QUERY, k=1).concepts() == ["C0018800"]
    # scores 0.75, 0.75, 0.25: the largest gap is after the second fact
    assert r.retrieve(image=QUERY, k="adaptive").concepts() == ["C0018800", "C0032227"]


def test_hybrid_leaves_out_the_query_concept(store):
    r = Retriever(store, encoder=VectorEncoder(), neighbours=3, weights=RankingWeights.cooccurrence())
    facts = r.retrieve(image=QUERY, concepts=["Cardiomegaly"], k=5)
    assert facts.concepts() == ["C0032227", "C0004144"]  # effusion leads in both lists
    assert facts[0].score > facts[1].score


def test_non_semantic_encoder_says_so(store):
    r = Retriever(store, encoder=VectorEncoder(semantic=False), neighbours=3)
    facts = r.retrieve(image=QUERY, k=3)
    note = NON_SEMANTIC_NOTE.format(name="hand-made-3d")
    assert facts.notes == (note,)
    assert note.startswith("image neighbours found with the non-semantic hand-made-3d encoder")
    assert "no quality claim without a semantic encoder" in facts._repr_html_()
    assert explain(retriever=r, image=QUERY, k=3).metadata["notes"] == (note,)


def test_pixel_stats_encoder_on_shared_images(kg, tmp_path, shared_dir):
    from medkg.images import PixelStatsEncoder
    from medkg.images.encoders import load_pixels
    from medkg.store.ladybug import LadybugStore

    folder = shared_dir / "data" / "images"
    files = {
        "i1": folder / "00000001_000.png",
        "i2": folder / "00027426_000.png",
        "i3": folder / "1.2.276.0.7230010.3.1.4.8323329.6904.1517875201.850819.dcm",
        "i4": folder / "Fake_MONOHR1.dcm",
    }
    encoder = PixelStatsEncoder()
    inputs = [*files.values(), np.fliplr(load_pixels(files["i1"]))]  # i5: i1 mirrored
    ids = ("i1", "i2", "i3", "i4", "i5")
    kg.embeddings = ImageEmbeddings(ids, encoder.encode(inputs), encoder.name)
    with LadybugStore(tmp_path / "px", read_only=False) as s:
        s.write(kg)
    with LadybugStore(tmp_path / "px") as s:
        hits = s.knn(encoder.encode([files["i2"]])[0], k=5)
        assert hits[0][0] == "i2" and hits[0][1] == pytest.approx(1.0, abs=1e-6)
        assert sorted(i for i, _ in hits) == list(ids)
        # no encoder given: rebuilt from the name stored with the embeddings
        facts = Retriever(s, neighbours=1).retrieve(image=files["i2"], k=5)
    assert encoder.name == "pixel-stats-16x16-h32"
    assert facts.notes == (NON_SEMANTIC_NOTE.format(name="pixel-stats-16x16-h32"),)
    assert facts.concepts() == ["C0018800", "C0032227"]  # i2's findings, similarity 1.0 each
    assert facts.scores() == pytest.approx([1.0, 1.0], abs=1e-6)
