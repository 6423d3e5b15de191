"""Image encoders behind one interface, and the built-in non-semantic baseline.

Every encoder has ``name``, ``dim``, ``semantic`` (False: vectors reflect pixel statistics, not
medical content) and ``encode(images) -> (n, dim)`` float32 rows of unit L2 norm. ``images`` are
paths, :class:`~medkg.images.reading.ImageData` or float arrays in [0, 1].

Examples
--------
>>> import numpy as np
>>> enc = PixelStatsEncoder(size=8, bins=16)
>>> vectors = enc.encode([np.linspace(0, 1, 64, dtype=np.float32).reshape(8, 8)])
>>> vectors.shape, vectors.dtype, round(float(np.linalg.norm(vectors[0])), 6), enc.semantic
((1, 89), dtype('float32'), 1.0, False)
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from os import PathLike

import numpy as np

from medkg.errors import ConfigError
from medkg.images.reading import ImageData, read_image

ImageInput = str | PathLike[str] | ImageData | np.ndarray


def load_pixels(item: ImageInput) -> np.ndarray:
    """Float32 pixels in [0, 1] of a path, an ImageData or an array."""
    if isinstance(item, np.ndarray):
        array = item
    elif isinstance(item, ImageData):
        array = item.pixels if item.pixels is not None else read_image(item.path).pixels
    else:
        array = read_image(item).pixels
    assert array is not None
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (1, 3)):
        raise ConfigError(f"image array of shape {array.shape}", hint="pass (H, W) or (H, W, 3) arrays")
    return np.asarray(array, dtype=np.float32)


def grayscale(array: np.ndarray) -> np.ndarray:
    """(H, W) luminance of a grayscale or RGB array."""
    if array.ndim == 2:
        return array
    if array.shape[2] == 1:
        return array[:, :, 0]
    return (array @ np.array([0.299, 0.587, 0.114], dtype=np.float32)).astype(np.float32)


def l2_normalize(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)


class ImageEncoder(ABC):
    """Turns images into fixed-size unit vectors (see the module docstring)."""

    name: str
    dim: int
    semantic: bool

    @abstractmethod
    def encode(self, images: Sequence[ImageInput]) -> np.ndarray:
        """(n, dim) float32 array of L2-normalised vectors, one row per image, in order."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, dim={self.dim}, semantic={self.semantic})"


def _block_resize(gray: np.ndarray, size: int) -> np.ndarray:
    """Area-average ``gray`` down (or nearest-repeat it up) to ``size`` × ``size``."""
    if gray.shape[0] < size:  # small images: repeat pixels first
        gray = np.repeat(gray, -(-size // gray.shape[0]), axis=0)
    if gray.shape[1] < size:
        gray = np.repeat(gray, -(-size // gray.shape[1]), axis=1)
    h, w = gray.shape
    rows = np.linspace(0, h, size + 1).astype(int)
    cols = np.linspace(0, w, size + 1).astype(int)
    summed = np.add.reduceat(np.add.reduceat(gray, rows[:-1], axis=0), cols[:-1], axis=1)
    counts = np.outer(np.diff(rows), np.diff(cols))
    return (summed / counts).astype(np.float32)


class PixelStatsEncoder(ImageEncoder):
    """Honest, non-semantic baseline: a thumbnail, an intensity histogram and summary statistics.

    The vector concatenates three unit-norm blocks, then is L2-normalised:

    - the ``size`` × ``size`` area-averaged thumbnail, centred and scaled per image (layout);
    - the square root of the ``bins``-bin intensity histogram (Hellinger; exposure/contrast);
    - mean, std, 5/25/50/75/95th percentiles, min and max, centred at 0.5 (9 values).

    Similar vectors mean similar-looking pixels, nothing more: ``semantic`` is False. Use it for
    demos and tests; use :class:`~medkg.images.huggingface.HuggingFaceImageEncoder` for meaning.

    Parameters
    ----------
    size:
        Thumbnail side (``size**2`` values).
    bins:
        Histogram bins over [0, 1].
    """

    semantic = False
    N_STATS = 9

    def __init__(self, size: int = 16, bins: int = 32) -> None:
        if size < 1 or bins < 1:
            raise ConfigError(f"PixelStatsEncoder needs size >= 1 and bins >= 1, got {size}, {bins}")
        self.size = size
        self.bins = bins
        self.name = f"pixel-stats-{size}x{size}-h{bins}"
        self.dim = size * size + bins + self.N_STATS

    def _vector(self, pixels: np.ndarray) -> np.ndarray:
        gray = np.clip(grayscale(pixels), 0.0, 1.0)
        thumb = _block_resize(gray, self.size).ravel()
        thumb = thumb - thumb.mean()
        hist = np.sqrt(np.histogram(gray, bins=self.bins, range=(0.0, 1.0))[0] / max(gray.size, 1))
        pct = np.percentile(gray, [5, 25, 50, 75, 95])
        stats = np.array([gray.mean(), gray.std(), *pct, gray.min(), gray.max()], dtype=np.float32) - 0.5
        blocks = [l2_normalize(b.reshape(1, -1))[0] for b in (thumb, hist, stats)]
        return np.concatenate(blocks).astype(np.float32)

    def encode(self, images: Sequence[ImageInput]) -> np.ndarray:
        """Encode ``images`` (paths, ImageData or arrays); see the class docstring.

        Examples
        --------
        >>> PixelStatsEncoder().encode(["chest.png"]).shape
        (1, 297)
        """
        if not len(images):
            return np.zeros((0, self.dim), dtype=np.float32)
        return l2_normalize(np.stack([self._vector(load_pixels(item)) for item in images]))


#: Encoder kinds of :func:`encoder_from_spec` and whether they take an argument.
ENCODER_KINDS = {"none": False, "pixel-stats": False, "hf": True}
ENCODER_HINT = "use none, pixel-stats or hf:PATH (a local model)"
_PIXEL_NAME = re.compile(r"pixel-stats-(\d+)x\1-h(\d+)")


def encoder_from_spec(spec: str | None) -> ImageEncoder | None:
    """The image encoder named by ``spec``, or None for ``none``.

    ``pixel-stats`` is :class:`PixelStatsEncoder` with its defaults; an encoder's own ``name``
    (``pixel-stats-16x16-h32``, as a graph records it with its embeddings) rebuilds that encoder;
    ``hf:PATH`` loads a local Hugging Face vision model directory.

    Examples
    --------
    >>> encoder_from_spec("none") is None
    True
    >>> encoder_from_spec(PixelStatsEncoder(size=8, bins=4).name)
    PixelStatsEncoder(name='pixel-stats-8x8-h4', dim=77, semantic=False)
    >>> encoder_from_spec("hf:/models/my-vit")   # needs torch and a model # doctest: +SKIP
    HuggingFaceImageEncoder(name='hf:my-vit', dim=768, semantic=True)
    """
    from medkg.spec import parse_spec

    if spec is None or spec == "":
        return None
    named = _PIXEL_NAME.fullmatch(spec)
    if named is not None:
        return PixelStatsEncoder(size=int(named.group(1)), bins=int(named.group(2)))
    parsed = parse_spec(spec, ENCODER_KINDS, what="image encoder", hint=ENCODER_HINT)
    if parsed.kind == "none":
        return None
    if parsed.kind == "pixel-stats":
        return PixelStatsEncoder()
    from medkg.images.huggingface import HuggingFaceImageEncoder

    return HuggingFaceImageEncoder(parsed.argument)
