"""Any CSV or JSON Lines file of reports. Edit the column names to match your file.

Each text column's name is its section name (findings, impression, indication, ... or "report"
for a whole free-text report). Copy this file, edit it, and pass its path to ``medkg build``.
"""

from medkg.datasets import Recipe

RECIPE = Recipe(
    name="generic",
    reader="generic",
    description="reports from a CSV/JSONL file with configurable columns",
    reader_options={
        "id_column": "id",
        "text_columns": ["findings", "impression"],
        "image_column": None,  # e.g. "images": paths separated by ";" (a JSON list in JSONL)
        "study_column": None,  # default: the report id
        "patient_column": None,
        "view_column": None,  # e.g. "view": PA, AP, LATERAL ...
        "format": None,  # "csv" or "jsonl"; guessed from the file name
        "duplicates": "raise",  # or "skip" (keep the first) / "keep"
        "on_error": "raise",  # or "skip" (with "rejects": "rejects.jsonl")
    },
    graph_options={
        "preset": "default",
        "sections": ["findings", "impression"],
        "image_policy": "all",
        "naf": None,
    },
)
