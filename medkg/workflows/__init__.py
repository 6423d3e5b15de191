"""The application layer: functions that wire several stages (what the CLI commands run).

Stage packages (``datasets`` → ``extract`` → ``graph`` → ``store`` → ``rag``) only import downward;
whatever reads a dataset, extracts, builds, stores and reports in one call lives here:

- :func:`build` — ``medkg build``: a recipe's dataset into the embedded store (local or Dask engine);
  :func:`build_store` / :func:`build_store_dask` from records; :func:`plan_build` resolves a
  recipe and overrides into graph options and NaF settings.
- :func:`run_batch` — ``medkg extract`` / ``medkg label``: a CSV/JSONL of reports to JSONL or CSV.
"""

from medkg.workflows.batch import RunStats, extraction_to_json, run_batch
from medkg.workflows.build import BuildResult, build, build_store, build_store_dask, finish_build
from medkg.workflows.plan import BuildPlan, plan_build
from medkg.workflows.timing import StageClock, TimedRecords, cpu_now

__all__ = [
    "BuildPlan",
    "BuildResult",
    "RunStats",
    "StageClock",
    "TimedRecords",
    "build",
    "build_store",
    "build_store_dask",
    "cpu_now",
    "extraction_to_json",
    "finish_build",
    "plan_build",
    "run_batch",
]
