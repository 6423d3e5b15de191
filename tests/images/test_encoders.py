import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from medkg.errors import ConfigError
from medkg.images import ImageEncoder, PixelStatsEncoder, read_image
from medkg.images.encoders import _block_resize

DICOM = "1.2.276.0.7230010.3.1.4.8323329.6904.1517875201.850819.dcm"


@pytest.fixture(scope="module")
def files(shared_dir: Path) -> list[Path]:
    folder = shared_dir / "data" / "images"
    return [
        folder / "00000001_000.png",
        folder / "00027426_000.png",
        folder / DICOM,
        folder / "Fake_MONOHR1.dcm",
    ]


def test_pixel_stats_is_a_non_semantic_image_encoder(files):
    enc = PixelStatsEncoder()
    assert isinstance(enc, ImageEncoder)
    assert (enc.name, enc.dim, enc.semantic) == ("pixel-stats-16x16-h32", 297, False)
    vectors = enc.encode(files)
    assert vectors.shape == (4, 297) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-6)
    # paths, ImageData and arrays give the same vectors
    same = enc.encode([read_image(files[0]), read_image(files[0]).pixels])
    np.testing.assert_allclose(same, vectors[[0, 0]], atol=1e-6)
    sims = vectors @ vectors.T
    # the two chest PNGs look more alike than a PNG and its DICOM-inverted neighbour
    assert sims[0, 1] > sims[2, 3]
    assert enc.encode([]).shape == (0, 297)


def test_pixel_stats_exact_small_case():
    enc = PixelStatsEncoder(size=2, bins=2)
    flat = np.full((4, 4), 0.25, dtype=np.float32)
    [vector] = enc.encode([flat])
    # thumbnail is constant (centred: zeros), histogram all in bin 0, stats all -0.25 except std = -0.5
    stats = np.array([-0.25, -0.5, -0.25, -0.25, -0.25, -0.25, -0.25, -0.25, -0.25])
    expected = np.concatenate([[0, 0, 0, 0], [1.0, 0.0], stats / np.linalg.norm(stats)]) / np.sqrt(2)
    np.testing.assert_allclose(vector, expected, atol=1e-6)


def test_block_resize_averages_areas():
    gray = np.arange(16, dtype=np.float32).reshape(4, 4)
    np.testing.assert_array_equal(_block_resize(gray, 2), [[2.5, 4.5], [10.5, 12.5]])
    assert _block_resize(np.ones((3, 5), dtype=np.float32), 8).shape == (8, 8)


def test_bad_inputs():
    with pytest.raises(ConfigError):
        PixelStatsEncoder(size=0)
    with pytest.raises(ConfigError, match="shape"):
        PixelStatsEncoder().encode([np.zeros((2, 2, 4), dtype=np.float32)])


def test_core_import_does_not_load_torch():
    code = (
        "import sys, medkg.images, medkg.datasets;"
        "print('torch' in sys.modules, 'transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
