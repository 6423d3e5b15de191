"""Deprecated alias of :mod:`medkg.evaluation.gold_matching`, where this module moved; importing it warns."""

import warnings

from medkg.evaluation.gold_matching import GoldMatcher, recall_precision

__all__ = ["GoldMatcher", "recall_precision"]

warnings.warn(
    "medkg.rag.matching moved to medkg.evaluation.gold_matching; import it from there",
    DeprecationWarning,
    stacklevel=2,
)
