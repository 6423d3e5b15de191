"""Deprecated alias of :mod:`medkg.testing.tiny_models`, where this module moved; importing it warns."""

import warnings

from medkg.testing.tiny_models import (
    CHAT_TEMPLATE,
    SENTENCES,
    SPECIAL,
    build_tiny_image_text_model,
    build_tiny_text_model,
    tiny_tokenizer,
)

__all__ = [
    "CHAT_TEMPLATE",
    "SENTENCES",
    "SPECIAL",
    "build_tiny_image_text_model",
    "build_tiny_text_model",
    "tiny_tokenizer",
]

warnings.warn(
    "medkg.rag.generators.tiny moved to medkg.testing.tiny_models; import it from there",
    DeprecationWarning,
    stacklevel=2,
)
