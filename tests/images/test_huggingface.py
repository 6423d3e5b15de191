"""The Hugging Face encoder on tiny models built from configs and saved locally (no downloads)."""

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from medkg.errors import InputFileError  # noqa: E402
from medkg.images import HuggingFaceImageEncoder, ImageEncoder  # noqa: E402

VISION = dict(
    hidden_size=32,
    intermediate_size=37,
    num_hidden_layers=2,
    num_attention_heads=4,
    image_size=32,
    patch_size=8,
)


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> Path:
    import torch

    torch.manual_seed(0)
    root = tmp_path_factory.mktemp("hf")
    text = dict(
        hidden_size=32,
        intermediate_size=37,
        num_hidden_layers=1,
        num_attention_heads=4,
        vocab_size=99,
        bos_token_id=0,
        eos_token_id=1,
        pad_token_id=1,
    )
    clip = transformers.CLIPModel(
        transformers.CLIPConfig(vision_config=VISION, text_config=text, projection_dim=16)
    )
    clip.save_pretrained(root / "clip")
    transformers.CLIPImageProcessor(
        size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32}
    ).save_pretrained(root / "clip")
    transformers.ViTModel(transformers.ViTConfig(**VISION)).save_pretrained(root / "vit")
    transformers.ViTImageProcessor(size={"height": 32, "width": 32}).save_pretrained(root / "vit")
    return root


@pytest.fixture(scope="module")
def files(shared_dir: Path) -> list[Path]:
    folder = shared_dir / "data" / "images"
    return [folder / "00000001_000.png", folder / "Fake_MONOHR1.dcm", folder / "00027426_000.png"]


def test_clip_style_model_uses_projected_image_features(models, files):
    enc = HuggingFaceImageEncoder(models / "clip", batch_size=2)
    assert isinstance(enc, ImageEncoder)
    assert (enc.name, enc.dim, enc.semantic, enc.clip_style) == ("hf:clip", 16, True, True)
    vectors = enc.encode(files)
    assert vectors.shape == (3, 16) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    # batching does not change the result, and the encoder matches the model called directly
    np.testing.assert_allclose(enc.encode(files[:1]), vectors[:1], atol=1e-5)
    import torch

    from medkg.images.huggingface import _to_rgb_uint8
    from medkg.images.reading import read_image

    batch = enc.processor(images=[_to_rgb_uint8(read_image(files[0]).pixels)], return_tensors="pt")
    with torch.inference_mode():
        direct = enc.model.get_image_features(pixel_values=batch["pixel_values"]).pooler_output.numpy()
    np.testing.assert_allclose(vectors[0], direct[0] / np.linalg.norm(direct[0]), atol=1e-5)


def test_automodel_pooled_output(models, files):
    enc = HuggingFaceImageEncoder(models / "vit", name="tiny-vit")
    assert (enc.name, enc.dim, enc.clip_style) == ("tiny-vit", 32, False)
    vectors = enc.encode(files)
    assert vectors.shape == (3, 32)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert enc.encode([]).shape == (0, 32)


def test_missing_or_incomplete_model_directory(tmp_path, models):
    with pytest.raises(InputFileError, match="no config.json"):
        HuggingFaceImageEncoder(tmp_path)
    (tmp_path / "config.json").write_text((models / "vit" / "config.json").read_text())
    with pytest.raises(InputFileError, match="cannot load the model"):
        HuggingFaceImageEncoder(tmp_path)
