"""Deprecated alias of :mod:`medkg.evaluation.factuality`, where this module moved; importing it warns."""

import warnings

from medkg.evaluation.factuality import UNLISTED, FactualityResult, evaluate_factuality, flip_sides

__all__ = ["FactualityResult", "UNLISTED", "evaluate_factuality", "flip_sides"]

warnings.warn(
    "medkg.rag.factuality_eval moved to medkg.evaluation.factuality; import it from there",
    DeprecationWarning,
    stacklevel=2,
)
