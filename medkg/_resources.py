"""Locate data shipped with medkg (the seed ontology, dataset recipes).

In a wheel they live in ``medkg/_data/<name>``; in a source checkout (editable install) they are
the top-level ``ontologies/`` and ``builders/`` directories.
"""

from __future__ import annotations

from pathlib import Path

from medkg.errors import InputFileError

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Directory of shipped data ``name`` (``"ontologies"`` or ``"builders"``)."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise InputFileError(
        f"shipped data directory {name!r} not found",
        path=_PACKAGE / "_data" / name,
        hint="reinstall medkg; the wheel must contain medkg/_data",
    )
