"""From a dataset recipe and a user's overrides to the settings of one build (``medkg build``'s options).

Examples
--------
>>> plan = plan_build("openi", naf=False, store_text=False)
>>> plan.recipe.reader, plan.options.store_text, plan.naf_settings
('openi', False, None)
>>> plan_build("openi", naf_budget=50).naf_settings
NafSettings(budget=50, k=1, skip_if_nothing_new=False)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from medkg.datasets.recipes import Recipe, load_recipe
from medkg.errors import ConfigError
from medkg.graph.naf import NafSettings
from medkg.graph.options import GraphOptions, options_from_settings

Engine = Literal["local", "dask"]
ENGINES: tuple[str, ...] = ("local", "dask")
ON_ERROR: tuple[str, ...] = ("raise", "skip")


@dataclass(frozen=True, slots=True)
class BuildPlan:
    """What a build reads (``recipe``), how it builds the graph and whether it applies NaF."""

    recipe: Recipe
    options: GraphOptions
    naf_settings: NafSettings | None


def plan_build(
    recipe: str | Path | Recipe,
    *,
    preset: str | None = None,
    naf: bool | None = None,
    naf_budget: int | None = None,
    naf_k: int | None = None,
    store_text: bool | None = None,
    anatomy_edges: str | None = None,
) -> BuildPlan:
    """The recipe's graph options with the given overrides (None: keep the recipe's).

    Parameters
    ----------
    recipe:
        A shipped recipe name (``"openi"``, ``"mimic-cxr"``, ``"generic"``, ``"medmkg"``), a recipe
        file, or a :class:`~medkg.datasets.Recipe`.
    preset:
        ``"default"`` or ``"medmkg"`` graph options instead of the recipe's preset.
    naf:
        True: apply Neighbor-aware Filtering (with the recipe's NaF settings if it has any); False:
        never; None: as the recipe says. ``naf_budget`` or ``naf_k`` given also turn it on.
    store_text, anatomy_edges:
        :class:`~medkg.graph.GraphOptions` overrides.
    """
    loaded = recipe if isinstance(recipe, Recipe) else load_recipe(recipe)
    settings = dict(loaded.graph_options)
    if preset is not None:
        settings["preset"] = preset
    options, naf_dict = options_from_settings(settings)
    if store_text is not None:
        options = replace(options, store_text=store_text)
    if anatomy_edges is not None:
        options = replace(options, anatomy_edges=anatomy_edges)
    if naf is False:
        naf_dict = None
    elif naf or naf_budget is not None or naf_k is not None:
        naf_dict = dict(naf_dict or {})
        if naf_k is not None or "k" not in naf_dict:
            naf_dict["k"] = naf_k if naf_k is not None else 1
        if naf_budget is not None:
            naf_dict["budget"] = naf_budget
    naf_settings = NafSettings(**naf_dict) if naf_dict is not None else None
    return BuildPlan(loaded, options, naf_settings)


def check_engine(
    engine: str, *, scheduler: str | None, incremental: bool, encoder: object, on_error: str | None
) -> None:
    """Refuse option combinations a build cannot honour, before any record is read."""
    if engine not in ENGINES:
        raise ConfigError(f"unknown --engine {engine!r}", hint="use local or dask")
    if on_error not in (None, *ON_ERROR):
        raise ConfigError(f"unknown --on-error {on_error!r}", hint="use raise or skip")
    if engine == "dask":
        if incremental:
            raise ConfigError(
                "--add is not supported with --engine dask",
                hint="build the whole input with dask, or add reports with --engine local",
            )
        if encoder not in (None, "none"):
            raise ConfigError(
                "--encoder is not supported with --engine dask",
                hint="build with dask, then embed images with --engine local --encoder ...",
            )
    elif scheduler is not None:
        raise ConfigError("--scheduler needs --engine dask", hint="add --engine dask")
