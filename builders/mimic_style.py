"""MIMIC-CXR-style free-text reports in a CSV or JSONL file: a report id and one whole-report column.

The headers inside the text (FINDINGS:, IMPRESSION:, INDICATION:, ...) are found by extraction; a
report without headers is read as FINDINGS. Reports carry no images here: their relations
(SUGGESTIVE_OF, LOCATED_AT) and concepts join the graph, e.g. added to an Open-i store with
``medkg build mimic-style --data dev.csv --out STORE --add`` (docs/RAG.md, evidence recall).
Copy this file, edit the column names, and pass its path to ``medkg build``.
"""

from medkg.datasets import Recipe

RECIPE = Recipe(
    name="mimic-style",
    reader="generic",
    description="free-text reports (uid, text) such as ../shared/data/mimic-style/dev.csv",
    reader_options={"id_column": "uid", "text_columns": ["text"], "format": "csv"},
    graph_options={
        "preset": "default",
        "sections": ["findings", "impression"],
        "image_policy": "all",
        "naf": None,
    },
)
