"""Deprecated alias of :mod:`medkg.evaluation.rag_report`, where this module moved; importing it warns."""

import warnings

from medkg.evaluation.rag_report import report_lines

__all__ = ["report_lines"]

warnings.warn(
    "medkg.rag.eval_report moved to medkg.evaluation.rag_report; import it from there",
    DeprecationWarning,
    stacklevel=2,
)
