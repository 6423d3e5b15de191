"""One entry point for every dataset: ``read(name_or_recipe, path, **options)``.

Examples
--------
>>> sorted(READERS)
['generic', 'medmkg', 'mimic-cxr', 'openi']
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from medkg.datasets.generic import read_generic
from medkg.datasets.mimic_cxr import read_mimic_cxr
from medkg.datasets.openi import read_openi
from medkg.datasets.types import ReportRecord
from medkg.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from medkg.datasets.recipes import Recipe


def read_medmkg(path: str | Path, *, reader: str | None = None, **options: Any) -> Iterator[ReportRecord]:
    """MEDMKG's inputs: MIMIC-CXR when ``path`` has the MIMIC layout (a ``files/`` tree), else Open-i.

    ``reader="openi"`` or ``"mimic-cxr"`` forces one. The MEDMKG graph options live in the
    ``medmkg`` recipe, not here.
    """
    if reader is None:
        p = Path(path)
        reader = "mimic-cxr" if p.name == "files" or (p / "files").is_dir() else "openi"
    if reader not in ("openi", "mimic-cxr"):
        raise ConfigError(f"medmkg reads 'openi' or 'mimic-cxr', not {reader!r}")
    return READERS[reader](path, **options)


READERS: dict[str, Callable[..., Iterator[ReportRecord]]] = {
    "openi": read_openi,
    "mimic-cxr": read_mimic_cxr,
    "generic": read_generic,
    "medmkg": read_medmkg,
}


def read(name_or_recipe: str | Path | Recipe, path: str | Path, **options: Any) -> Iterator[ReportRecord]:
    """Stream the reports of a dataset as :class:`~medkg.datasets.types.ReportRecord`.

    Parameters
    ----------
    name_or_recipe:
        A recipe name (``"openi"``, ``"mimic-cxr"``, ``"generic"``, ``"medmkg"``), the path of a
        recipe file, or a :class:`~medkg.datasets.recipes.Recipe`; its ``reader_options`` are the
        defaults.
    path:
        The dataset (file or directory; see each reader).
    **options:
        Reader keywords, overriding the recipe's (e.g. ``on_error="skip"``, ``split="test"``).

    Returns
    -------
    Iterator[ReportRecord]
        Records are produced lazily; input errors about the whole dataset (missing files or
        columns) are raised at once, bad records as they are met.

    Examples
    --------
    >>> records = read("openi", "torchxrayvision")  # needs torchxrayvision  # doctest: +SKIP
    >>> records = read("openi", "indiana_reports.csv")
    >>> next(records).report_id
    '1'
    """
    from medkg.datasets.recipes import Recipe, load_recipe

    recipe = name_or_recipe if isinstance(name_or_recipe, Recipe) else load_recipe(name_or_recipe)
    merged = {**recipe.reader_options, **options}
    reader = READERS[recipe.reader]
    try:
        inspect.signature(reader).bind(path, **merged)
    except TypeError as exc:
        raise ConfigError(
            f"bad options for reader {recipe.reader!r}: {exc}",
            path=recipe.path,
            hint="see the reader's docstring for its options",
        ) from None
    return reader(path, **merged)
