"""Deprecated: text folding moved to :mod:`medkg.link.text` (linking owns surface-form normalisation)."""

import warnings

from medkg.link.text import WORD, fold, fold_phrase

__all__ = ["WORD", "fold", "fold_phrase"]

warnings.warn(
    "medkg.extract.text moved to medkg.link.text; import it from there", DeprecationWarning, stacklevel=2
)
