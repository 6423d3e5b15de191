"""Dataset recipes: small Python files naming a reader, its options and the graph options.

A recipe file defines ``RECIPE = Recipe(...)``. The shipped ones live in ``builders/`` (in a wheel:
``medkg/_data/builders``) and are found by name (``"openi"``, ``"mimic-cxr"``, ``"generic"``,
``"medmkg"``); copy one, edit it, and pass its path instead.

Examples
--------
>>> recipe = load_recipe("openi")
>>> recipe.reader, recipe.graph_options["sections"]
('openi', ['findings', 'impression'])
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medkg._resources import data_dir
from medkg.errors import ConfigError, InputFileError


@dataclass(frozen=True)
class Recipe:
    """How to build a graph from one dataset.

    Parameters
    ----------
    name:
        Short name (``"openi"``).
    reader:
        Name of the reader in :data:`medkg.datasets.READERS`.
    reader_options:
        Keyword arguments of the reader (``read(...)`` keywords override them).
    graph_options:
        Plain settings the graph builder interprets: ``preset`` (``"default"``/``"medmkg"``),
        :class:`medkg.graph.options.GraphOptions` fields (``sections``, ``image_policy``,
        ``excluded_semantic_types``, ``drop_neutral`` ...) and ``naf`` (None: off; a dict of
        NaF settings ``budget``, ``k``, ``skip_if_nothing_new``: on).
    description:
        One line shown by the CLI.
    path:
        The file it was loaded from.
    """

    name: str
    reader: str
    reader_options: dict[str, Any] = field(default_factory=dict)
    graph_options: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    path: Path | None = None


def recipe_names() -> list[str]:
    """Names of the shipped recipes (``builders/*.py``)."""
    return sorted(
        p.stem.replace("_", "-") for p in data_dir("builders").glob("*.py") if not p.stem.startswith("_")
    )


def _resolve(name_or_path: str | Path) -> Path:
    text = str(name_or_path)
    candidate = Path(text)
    if text.endswith(".py") or candidate.is_file() or "/" in text or "\\" in text:
        if not candidate.is_file():
            raise InputFileError("recipe file not found", path=candidate)
        return candidate
    shipped = data_dir("builders") / f"{text.replace('-', '_')}.py"
    if not shipped.is_file():
        raise ConfigError(
            f"unknown recipe {text!r}", hint=f"use one of {recipe_names()} or the path of a .py recipe"
        )
    return shipped


def load_recipe(name_or_path: str | Path) -> Recipe:
    """Load a recipe by shipped name or from a ``.py`` file.

    Parameters
    ----------
    name_or_path:
        ``"openi"``, ``"mimic-cxr"``, ``"mimic-style"``, ``"generic"``, ``"medmkg"``, or a path to a recipe file.

    Returns
    -------
    Recipe

    Examples
    --------
    >>> load_recipe("medmkg").graph_options["preset"]
    'medmkg'
    """
    from medkg.datasets.readers import READERS

    path = _resolve(name_or_path)
    module_name = f"medkg_recipe_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ConfigError("cannot load this file as Python", path=path)
    module = importlib.util.module_from_spec(spec)
    try:
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    except Exception as exc:  # a user's recipe may fail in any way: name the file
        raise ConfigError(f"recipe failed to load: {type(exc).__name__}: {exc}", path=path) from exc
    finally:
        sys.modules.pop(module_name, None)
    recipe = getattr(module, "RECIPE", None)
    if not isinstance(recipe, Recipe):
        raise ConfigError(
            "no RECIPE = Recipe(...) in this file",
            path=path,
            hint="see the shipped recipes in builders/ for the form",
        )
    if recipe.reader not in READERS:
        raise ConfigError(
            f"unknown reader {recipe.reader!r}", path=path, hint=f"use one of {sorted(READERS)}"
        )
    return Recipe(
        recipe.name,
        recipe.reader,
        dict(recipe.reader_options),
        dict(recipe.graph_options),
        recipe.description,
        path,
    )
