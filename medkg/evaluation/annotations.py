"""Deprecated alias of :mod:`medkg.evaluation.relations`, where this module moved; importing it warns."""

import warnings

from medkg.evaluation.relations import (
    COLUMNS,
    KINDS,
    MODIFIER_KINDS,
    RELATION_KINDS,
    Item,
    RelationsResult,
    evaluate_relations,
    predicted_items,
    read_annotations,
    score_report,
    text_digest,
)

__all__ = [
    "COLUMNS",
    "Item",
    "KINDS",
    "MODIFIER_KINDS",
    "RELATION_KINDS",
    "RelationsResult",
    "evaluate_relations",
    "predicted_items",
    "read_annotations",
    "score_report",
    "text_digest",
]

warnings.warn(
    "medkg.evaluation.annotations moved to medkg.evaluation.relations; import it from there",
    DeprecationWarning,
    stacklevel=2,
)
