"""Image files and image encoders.

``read_image`` reads PNG/JPEG/DICOM pixels and metadata; encoders turn images into unit vectors:
:class:`PixelStatsEncoder` (built in, non-semantic) and
:class:`~medkg.images.huggingface.HuggingFaceImageEncoder` (a local Hugging Face model; needs the
``ml`` extra, imported lazily).

Examples
--------
>>> from medkg.images import PixelStatsEncoder
>>> PixelStatsEncoder().dim
297
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from medkg.images.encoders import ImageEncoder, PixelStatsEncoder, encoder_from_spec
from medkg.images.reading import ImageData, read_image

if TYPE_CHECKING:  # pragma: no cover
    from medkg.images.huggingface import HuggingFaceImageEncoder

__all__ = [
    "HuggingFaceImageEncoder",
    "ImageData",
    "ImageEncoder",
    "PixelStatsEncoder",
    "encoder_from_spec",
    "read_image",
]


def __getattr__(name: str) -> Any:
    if name == "HuggingFaceImageEncoder":  # imports torch/transformers only when asked for
        from medkg.images.huggingface import HuggingFaceImageEncoder

        return HuggingFaceImageEncoder
    raise AttributeError(f"module 'medkg.images' has no attribute {name!r}")
