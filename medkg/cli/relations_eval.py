"""Deprecated alias of :mod:`medkg.cli.evaluate`, which now defines ``medkg eval relations``; it warns."""

import warnings

from medkg.cli.evaluate import eval_relations, register

__all__ = ["eval_relations", "register"]

warnings.warn(
    "medkg.cli.relations_eval moved to medkg.cli.evaluate; import it from there",
    DeprecationWarning,
    stacklevel=2,
)
