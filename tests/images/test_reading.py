from pathlib import Path

import numpy as np
import pytest

from medkg.errors import InputFileError, ParseError
from medkg.images import read_image

FIXTURES = Path(__file__).parent / "fixtures"
DICOM = "1.2.276.0.7230010.3.1.4.8323329.6904.1517875201.850819.dcm"


@pytest.fixture(scope="module")
def images(shared_dir: Path) -> Path:
    return shared_dir / "data" / "images"


def test_png_pixels_and_size(images):
    image = read_image(images / "00000001_000.png")
    assert (image.format, image.width, image.height, image.modality, image.view_position) == (
        "png",
        512,
        512,
        None,
        None,
    )
    assert image.pixels.dtype == np.float32 and image.pixels.shape == (512, 512)
    assert float(image.pixels.min()) == 0.0 and float(image.pixels.max()) == 1.0
    assert round(float(image.pixels.mean()), 6) == 0.502495
    assert image.metadata == {"mode": "L"}


def test_dicom_jpeg_baseline_decodes_with_pillow(images):
    image = read_image(images / DICOM)
    assert (image.format, image.width, image.height, image.modality, image.view_position) == (
        "dicom",
        1024,
        1024,
        "CR",
        "PA",
    )
    assert image.metadata["transfer_syntax"] == "1.2.840.10008.1.2.4.50"
    assert image.metadata["photometric"] == "MONOCHROME2"
    assert image.metadata["body_part"] == "CHEST"
    assert image.pixels.shape == (1024, 1024) and image.pixels.dtype == np.float32
    assert round(float(image.pixels.mean()), 6) == 0.631488


def test_monochrome1_is_inverted(images):
    normal = read_image(images / DICOM).pixels
    inverted = read_image(images / "Fake_MONOHR1.dcm")
    assert inverted.metadata["photometric"] == "MONOCHROME1"
    np.testing.assert_allclose(inverted.pixels, 1.0 - normal, atol=1e-6)


def test_header_only(images):
    image = read_image(images / DICOM, pixels=False)
    assert image.pixels is None and (image.width, image.view_position) == (1024, "PA")
    assert read_image(images / "00027426_000.png", pixels=False).pixels is None


def test_small_fixtures_exact_values():
    gray = read_image(FIXTURES / "tiny.png").pixels
    assert gray.shape == (6, 8)
    np.testing.assert_array_equal(gray, (np.arange(48).reshape(6, 8) * 5).astype(np.float32) / 255)
    deep = read_image(FIXTURES / "tiny16.png").pixels
    assert deep[5, 7] == np.float32(47000 / 65535)
    colour = read_image(FIXTURES / "tiny_rgb.jpg")
    assert (colour.format, colour.pixels.shape) == ("jpeg", (6, 8, 3))


@pytest.mark.filterwarnings("ignore:End of file reached:UserWarning")
def test_corrupt_and_missing_files(tmp_path, images):
    broken_png = tmp_path / "broken.png"
    broken_png.write_bytes((images / "00000001_000.png").read_bytes()[:5000])
    with pytest.raises(ParseError, match="damaged image") as info:
        read_image(broken_png)
    assert info.value.path == str(broken_png)
    not_image = tmp_path / "notes.png"
    not_image.write_text("hello")
    with pytest.raises(ParseError, match="not an image"):
        read_image(not_image)
    broken_dcm = tmp_path / "broken.dcm"
    broken_dcm.write_bytes((images / DICOM).read_bytes()[:20000])
    with pytest.raises(ParseError, match="DICOM") as info:
        read_image(broken_dcm)
    assert info.value.path == str(broken_dcm)
    garbage = tmp_path / "garbage.dcm"
    garbage.write_bytes(b"\x00" * 50)
    with pytest.raises(ParseError, match="DICOM"):
        read_image(garbage)
    with pytest.raises(InputFileError, match="not found"):
        read_image(tmp_path / "none.png")
