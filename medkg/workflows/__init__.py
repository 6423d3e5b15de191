"""The application layer: functions that wire several stages (what the CLI commands run).

Stage packages (``datasets`` → ``extract`` → ``graph`` → ``store`` → ``rag``) only import downward;
whatever reads a dataset, extracts, builds, stores and reports in one call lives here:

- :func:`build` — ``medkg build``: a recipe's dataset into the embedded store (local or Dask engine);
  :func:`build_store` / :func:`build_store_dask` from records; :func:`plan_build` resolves a
  recipe and overrides into graph options and NaF settings.
- :func:`run_batch` — ``medkg extract`` / ``medkg label``: a CSV/JSONL of reports to JSONL or CSV.
- :func:`compare_file` — ``medkg compare IN.csv``: candidate vs reference report per row, to JSONL.

Names are imported on first use, so ``medkg label`` (which needs only :mod:`.batch`) does not load
the store or the Dask engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from medkg.workflows.batch import RunStats, extraction_to_json, run_batch
    from medkg.workflows.building import BuildResult, build, build_store, build_store_dask, finish_build
    from medkg.workflows.compare import CompareStats, compare_file
    from medkg.workflows.plan import BuildPlan, plan_build
    from medkg.workflows.timing import StageClock, TimedRecords, cpu_now

#: Public name → the submodule defining it.
_HOMES = {
    "RunStats": "batch",
    "extraction_to_json": "batch",
    "run_batch": "batch",
    "CompareStats": "compare",
    "compare_file": "compare",
    "BuildResult": "building",
    "build": "building",
    "build_store": "building",
    "build_store_dask": "building",
    "finish_build": "building",
    "BuildPlan": "plan",
    "plan_build": "plan",
    "StageClock": "timing",
    "TimedRecords": "timing",
    "cpu_now": "timing",
}

__all__ = [
    "BuildPlan",
    "BuildResult",
    "CompareStats",
    "RunStats",
    "StageClock",
    "TimedRecords",
    "build",
    "build_store",
    "build_store_dask",
    "compare_file",
    "cpu_now",
    "extraction_to_json",
    "finish_build",
    "plan_build",
    "run_batch",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'medkg.workflows' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))
