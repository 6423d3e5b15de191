"""A Hugging Face vision model from a local directory as an :class:`ImageEncoder` (needs ``medkg[ml]``).

CLIP-style models (``model_type`` ``clip``, ``siglip``, ...: anything with ``get_image_features``)
give their projected image embedding; other models (ViT, DINOv2, ResNet ... via ``AutoModel``)
give their pooled output, or the mean of the last hidden state when they have no pooler. Nothing
is downloaded: the directory must hold the model and its image processor (``save_pretrained``).
torch and transformers are imported when the encoder is created, never with ``medkg.images``.

Examples
--------
>>> enc = HuggingFaceImageEncoder("/models/biomedclip-vision")  # needs torch and a model  # doctest: +SKIP
>>> enc.encode(["chest.png"]).shape                             # doctest: +SKIP
(1, 512)
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from medkg.errors import ConfigError, InputFileError
from medkg.images.encoders import ImageEncoder, ImageInput, l2_normalize, load_pixels

log = logging.getLogger(__name__)


def _to_rgb_uint8(pixels: np.ndarray) -> np.ndarray:
    array = np.clip(pixels, 0.0, 1.0)
    if array.ndim == 2:
        array = np.repeat(array[:, :, None], 3, axis=2)
    elif array.shape[2] == 1:
        array = np.repeat(array, 3, axis=2)
    return (array * 255.0 + 0.5).astype(np.uint8)


class HuggingFaceImageEncoder(ImageEncoder):
    """Image embeddings from a local Hugging Face model directory.

    Parameters
    ----------
    path:
        Directory written by ``save_pretrained`` (``config.json``, weights, ``preprocessor_config.json``).
    device:
        torch device (``"cpu"``, ``"cuda"``).
    batch_size:
        Images per forward pass.
    name:
        Name recorded with the vectors (default: the directory name).
    """

    semantic = True

    def __init__(
        self, path: str | Path, *, device: str = "cpu", batch_size: int = 16, name: str | None = None
    ):
        self.path = Path(path)
        if not (self.path / "config.json").is_file():
            raise InputFileError(
                "no config.json: not a saved Hugging Face model directory",
                path=self.path,
                hint="save the model and its image processor with save_pretrained()",
            )
        try:
            import torch
            from transformers import AutoConfig, AutoImageProcessor, AutoModel
        except ImportError as exc:
            raise ConfigError(
                "the Hugging Face encoder needs torch and transformers", hint='pip install "medkg[ml]"'
            ) from exc
        self._torch = torch
        self.device = device
        self.batch_size = max(1, batch_size)
        self.name = name or f"hf:{self.path.name}"
        try:
            config = AutoConfig.from_pretrained(self.path, local_files_only=True)
            self.processor = AutoImageProcessor.from_pretrained(self.path, local_files_only=True)
            model = AutoModel.from_pretrained(self.path, local_files_only=True)
        except (OSError, ValueError, KeyError) as exc:
            raise InputFileError(
                f"cannot load the model: {exc}",
                path=self.path,
                hint="the directory needs the model and its image processor",
            ) from exc
        self.model = model.to(device).eval()
        self.clip_style = hasattr(self.model, "get_image_features")
        self.model_type = getattr(config, "model_type", "?")
        self.dim = int(self._forward([np.zeros((8, 8), dtype=np.float32)]).shape[1])
        log.info(
            "loaded %s (%s, dim %d, %s)",
            self.path,
            self.model_type,
            self.dim,
            "image features" if self.clip_style else "pooled output",
        )

    def _forward(self, pixels: Sequence[np.ndarray]) -> np.ndarray:
        torch = self._torch
        batch = self.processor(images=[_to_rgb_uint8(p) for p in pixels], return_tensors="pt")
        values = batch["pixel_values"].to(self.device)
        with torch.inference_mode():
            if self.clip_style:
                out = self.model.get_image_features(pixel_values=values)
            else:
                out = self.model(pixel_values=values)
            tensor = out if isinstance(out, torch.Tensor) else self._pooled(out)
        return tensor.reshape(tensor.shape[0], -1).float().cpu().numpy()

    def _pooled(self, out) -> object:  # noqa: ANN001 - a transformers ModelOutput
        pooled = getattr(out, "pooler_output", None)
        if pooled is not None:
            return pooled
        hidden = getattr(out, "last_hidden_state", None)
        if hidden is None:
            raise ConfigError(
                f"model {self.model_type!r} returns neither pooler_output nor last_hidden_state",
                path=self.path,
            )
        return hidden.mean(dim=1) if hidden.ndim == 3 else hidden.mean(dim=(2, 3))

    def encode(self, images: Sequence[ImageInput]) -> np.ndarray:
        """(n, dim) float32 unit vectors; images are converted to RGB uint8 for the processor.

        Examples
        --------
        >>> enc = HuggingFaceImageEncoder("/models/vit")   # needs torch and a model  # doctest: +SKIP
        >>> enc.encode(["a.png", "b.dcm"]).shape           # doctest: +SKIP
        (2, 768)
        """
        rows = [
            self._forward([load_pixels(i) for i in images[start : start + self.batch_size]])
            for start in range(0, len(images), self.batch_size)
        ]
        if not rows:
            return np.zeros((0, self.dim), dtype=np.float32)
        return l2_normalize(np.concatenate(rows))
