"""Image embeddings in builds: `medkg build --encoder` over a generic CSV whose images are real files."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from medkg.cli import app
from medkg.errors import ConfigError
from medkg.graph.embed import embed_images, encoder_from_spec
from medkg.images import PixelStatsEncoder
from medkg.store.ladybug import LadybugStore

IMAGES = ("00000001_000.png", "00027426_000.png", "Fake_MONOHR1.dcm")

RECIPE = """
from medkg.datasets import Recipe

RECIPE = Recipe(
    name="csv-with-images",
    reader="generic",
    description="test table",
    reader_options={"id_column": "id", "text_columns": ["findings"], "image_column": "images",
                    "view_column": "view", "image_root": IMAGE_ROOT},
    graph_options={"preset": "default"},
)
"""


@pytest.fixture()
def dataset(tmp_path, shared_dir):
    root = shared_dir / "data" / "images"
    (tmp_path / "recipe.py").write_text(RECIPE.replace("IMAGE_ROOT", repr(str(root))))
    rows = [
        "id,findings,images,view",
        f"r1,Small right pleural effusion.,{IMAGES[0]};{IMAGES[1]},PA",
        f"r2,No pneumothorax.,{IMAGES[2]};missing.png,AP",
    ]
    (tmp_path / "reports.csv").write_text("\n".join(rows) + "\n")
    return tmp_path


def test_build_cli_with_pixel_stats_encoder(dataset, shared_dir):
    out = dataset / "kg"
    args = ["build", str(dataset / "recipe.py"), "--data", str(dataset / "reports.csv"), "--out", str(out)]
    res = CliRunner().invoke(app, [*args, "--encoder", "pixel-stats"])
    assert res.exit_code == 0, res.output
    assert "3 encoded, 0 reused, 1 without a file, 0 unreadable" in res.output
    expected = PixelStatsEncoder().encode([shared_dir / "data" / "images" / IMAGES[0]])[0]
    with LadybugStore(out) as store:
        kg = store.read_graph()
        assert kg.embeddings.ids == IMAGES and kg.embeddings.encoder == "pixel-stats-16x16-h32"
        assert kg.embeddings.vectors.shape == (3, 297)
        np.testing.assert_allclose(kg.embeddings.vectors[0], expected, rtol=1e-6)
        hits = store.knn(expected, k=2)
        assert hits[0][0] == IMAGES[0] and hits[0][1] == pytest.approx(1.0, abs=1e-5)
        rows = store.cypher("MATCH (i:Image) RETURN i.id AS id, size(i.embedding) AS n ORDER BY id")
    assert rows == [{"id": i, "n": 297} for i in IMAGES] + [{"id": "missing.png", "n": None}]
    res = CliRunner().invoke(app, [*args, "--add", "--encoder", "pixel-stats"])  # nothing new
    assert res.exit_code == 0, res.output
    assert "0 encoded, 3 reused, 1 without a file" in res.output


def test_embed_images_without_files_and_encoder_specs(records, extractor, ontology):
    from medkg.graph import build_graph

    kg = build_graph(records, extractor, ontology)  # fixture paths images/I1a.png ... do not exist
    report = embed_images(kg, PixelStatsEncoder())
    assert (report.encoded, report.no_file, kg.embeddings) == (0, 6, None)
    assert encoder_from_spec("none") is None and encoder_from_spec("pixel-stats").dim == 297
    with pytest.raises(ConfigError, match="unknown image encoder"):
        encoder_from_spec("clip")
