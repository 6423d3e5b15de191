"""Deprecated alias of :mod:`medkg.evaluation.text_overlap`, where this module moved; importing it warns."""

import warnings

from medkg.evaluation.text_overlap import bleu, lcs_length, rouge_l, tokens

__all__ = ["bleu", "lcs_length", "rouge_l", "tokens"]

warnings.warn(
    "medkg.rag.textmetrics moved to medkg.evaluation.text_overlap; import it from there",
    DeprecationWarning,
    stacklevel=2,
)
