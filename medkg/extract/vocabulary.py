"""Deprecated: the concept dictionary moved to :mod:`medkg.link.vocabulary`."""

import warnings

from medkg.link.vocabulary import STOP_FORMS, TUI_PRIORITY, Vocabulary, plural, surface_forms

__all__ = ["STOP_FORMS", "TUI_PRIORITY", "Vocabulary", "plural", "surface_forms"]

warnings.warn(
    "medkg.extract.vocabulary moved to medkg.link.vocabulary; import it from there",
    DeprecationWarning,
    stacklevel=2,
)
