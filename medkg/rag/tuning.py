"""Deprecated alias of :mod:`medkg.evaluation.tuning`, where this module moved; importing it warns."""

import warnings

from medkg.evaluation.tuning import (
    GRID,
    Case,
    Tuned,
    label_query,
    labelled_concepts,
    make_cases,
    score_cases,
    tune_weights,
)

__all__ = [
    "Case",
    "GRID",
    "Tuned",
    "label_query",
    "labelled_concepts",
    "make_cases",
    "score_cases",
    "tune_weights",
]

warnings.warn(
    "medkg.rag.tuning moved to medkg.evaluation.tuning; import it from there",
    DeprecationWarning,
    stacklevel=2,
)
