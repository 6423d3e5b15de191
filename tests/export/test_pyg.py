"""PyG HeteroData of a real built graph: node and edge shapes, features, and mapping back to ids."""

from __future__ import annotations

import numpy as np
import pytest

import medkg.export  # noqa: F401  (registers the formats)
from medkg.errors import GraphError
from medkg.export import load_pyg, to_pyg
from medkg.graph import ImageEmbeddings, naf_view
from medkg.graph.export import export

torch = pytest.importorskip("torch")
pytest.importorskip("torch_geometric")


def test_node_and_edge_types(built_kg):
    data, ids = to_pyg(naf_view(built_kg))
    sizes = {nt: data[nt].num_nodes for nt in data.node_types}
    assert sizes == {"patient": 2, "study": 4, "report": 4, "image": 6, "concept": 9}
    shapes = {et: tuple(data[et].edge_index.shape) for et in data.edge_types}
    assert shapes == {
        ("concept", "ISA", "concept"): (2, 4),
        ("concept", "SUGGESTIVE_OF", "concept"): (2, 1),
        ("image", "NEGATIVE", "concept"): (2, 2),
        ("image", "POSITIVE", "concept"): (2, 6),
        ("image", "UNCERTAIN", "concept"): (2, 2),
        ("patient", "HAS_STUDY", "study"): (2, 3),
        ("study", "HAS_IMAGE", "image"): (2, 6),
        ("study", "HAS_REPORT", "report"): (2, 4),
    }
    assert ids.ids["concept"] == (
        "C0004144", "C0018800", "C0024115", "C0032227", "C0032285", "C0032326", "C0034063",
        "C0149781", "C0264490",
    )  # fmt: skip
    assert data["image", "POSITIVE", "concept"].support.tolist() == [1, 1, 1, 1, 1, 1]
    assert data["image"].naf_kept.tolist() == [True, True, False, False, False, False]
    assert "x" not in data["image"]


def test_mapping_back_to_cuis(built_kg):
    kg = naf_view(built_kg)
    data, ids = to_pyg(kg)
    for rel in ("POSITIVE", "NEGATIVE", "UNCERTAIN"):
        src, dst = data["image", rel, "concept"].edge_index.tolist()
        back = {(ids.id("image", i), ids.id("concept", j)) for i, j in zip(src, dst, strict=True)}
        assert back == {(e.source, e.target) for e in kg.findings.values() if str(e.type) == rel}
    src, dst = data["concept", "ISA", "concept"].edge_index.tolist()
    isa = [(ids.id("concept", i), ids.id("concept", j)) for i, j in zip(src, dst, strict=True)]
    assert isa == [
        ("C0032285", "C0024115"), ("C0034063", "C0264490"),
        ("C0149781", "C0032326"), ("C0264490", "C0024115"),
    ]  # fmt: skip
    assert ids.index("concept", "C0032227") == 3
    with pytest.raises(GraphError):
        ids.index("concept", "C9999999")


def test_image_embeddings_as_features(built_kg):
    vectors = np.arange(8, dtype=np.float32).reshape(2, 4)
    kg = naf_view(built_kg)
    kg.embeddings = ImageEmbeddings(("I3", "I1a"), vectors, encoder="test")
    data, ids = to_pyg(kg)
    x = data["image"].x
    assert tuple(x.shape) == (6, 4)
    assert x[ids.index("image", "I3")].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert x[ids.index("image", "I1a")].tolist() == [4.0, 5.0, 6.0, 7.0]
    assert x[ids.index("image", "I2")].tolist() == [0.0, 0.0, 0.0, 0.0]
    assert data["image"].has_x.tolist() == [True, False, False, True, False, False]


def test_pyg_export_file(built_kg, tmp_path):
    result = export(built_kg, "pyg", tmp_path / "kg.pt")
    assert (result.format, result.rows) == ("pyg", 25 + 28)
    data, ids = load_pyg(tmp_path / "kg.pt")
    assert data["image", "POSITIVE", "concept"].edge_index.shape == (2, 6)
    assert ids.id("image", 0) == "I1a"
