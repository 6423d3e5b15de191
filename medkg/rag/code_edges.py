"""Deprecated alias of :mod:`medkg.evaluation.code_edges`, where this module moved; importing it warns."""

import warnings

from medkg.evaluation.code_edges import CODE_SECTION, add_code_edges, codes_only_graph, with_code_edges

__all__ = ["CODE_SECTION", "add_code_edges", "codes_only_graph", "with_code_edges"]

warnings.warn(
    "medkg.rag.code_edges moved to medkg.evaluation.code_edges; import it from there",
    DeprecationWarning,
    stacklevel=2,
)
