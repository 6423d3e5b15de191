"""Deprecated alias of :mod:`medkg.evaluation.rag`, where this module moved; importing it warns."""

import warnings

from medkg.evaluation.rag import Case, RagResult, evaluate_rag, read_records, split_calibration

__all__ = ["Case", "RagResult", "evaluate_rag", "read_records", "split_calibration"]

warnings.warn(
    "medkg.rag.evaluation moved to medkg.evaluation.rag; import it from there",
    DeprecationWarning,
    stacklevel=2,
)
