"""``medkg compare IN.csv``: compare a candidate column with a reference column, row by row.

Each row's candidate and reference (one column holding a whole report, or several columns such as
FINDINGS / IMPRESSION pairs: ``candidate_columns=["pred_findings", "pred_impression"]``, each a
section named by the word ``findings`` or ``impression`` in its name, else a whole report) are
compared with :func:`medkg.compare.compare_reports`; one JSON object per row is written to
``output`` as it is computed (``id``, ``line``, ``score``, ``precision``, ``recall``, ``f1``,
``findings``). A bad row stops the run naming the file and line (rows already written stay), or
with ``on_error="skip"`` goes to ``rejects``. An empty cell is an empty report, not an error.

Examples
--------
>>> import pathlib
>>> _ = pathlib.Path("pairs.csv").write_text("id,generated,reference\\n"
...     "a,Small left effusion.,Small left pleural effusion.\\nb,,Right pneumothorax.\\n")
>>> stats = compare_file("pairs.csv", ["generated"], ["reference"], "scores.jsonl", id_column="id")
>>> stats.written, [round(s, 3) for s in stats.scores]
(2, [1.0, 0.0])
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from medkg.compare import Comparer
from medkg.datasets.rejects import ErrorPolicy, Rejects
from medkg.datasets.tabular import open_table, require_columns
from medkg.errors import InputFileError


@dataclass
class CompareStats:
    """What a batch comparison did: rows written and rejected, and the scores in row order."""

    written: int = 0
    rejected: int = 0
    scores: list[float] = field(default_factory=list)

    @property
    def mean(self) -> float:
        return sum(self.scores) / len(self.scores) if self.scores else 0.0


def section_of(column: str) -> str:
    """The section a text column holds, from its name: ``findings``, ``impression`` or ``report``.

    >>> section_of("pred_findings"), section_of("IMPRESSION"), section_of("text")
    ('findings', 'impression', 'report')
    """
    name = column.lower()
    for section in ("findings", "impression"):
        if section in name:
            return section
    return "report"


def _report(values: dict, columns: Sequence[str]):
    texts = {c: str(values.get(c) or "") for c in columns}
    if len(columns) == 1:
        return texts[columns[0]]
    report: dict[str, str] = {}
    for column, text in texts.items():
        section = section_of(column)
        report[section] = f"{report[section]}\n{text}" if section in report else text
    return report


def compare_file(
    path: str | os.PathLike[str],
    candidate_columns: Sequence[str],
    reference_columns: Sequence[str],
    output: str | os.PathLike[str],
    *,
    id_column: str | None = None,
    format: str | None = None,
    significance=None,
    extractor=None,
    on_error: str = "raise",
    rejects: Rejects = None,
    progress: bool | None = None,
) -> CompareStats:
    """Compare every row of a CSV/JSONL file and write one JSON line per row to ``output``."""
    src = Path(path)
    if not src.is_file():
        raise InputFileError("input file not found", path=src, hint="pass the CSV/JSONL of report pairs")
    table = open_table(src, format=format)
    wanted = [*candidate_columns, *reference_columns, *([id_column] if id_column else [])]
    require_columns(table, wanted)
    comparer = Comparer(extractor, significance)
    stats = CompareStats()
    bar = None
    if progress or (progress is None and sys.stderr.isatty()):
        from tqdm import tqdm

        bar = tqdm(unit=" pairs", mininterval=0.5)
    try:
        with Path(output).open("w", encoding="utf-8") as out, ErrorPolicy(on_error, rejects) as policy:
            for row in table.rows(policy):
                result = comparer.compare(
                    _report(row.values, candidate_columns), _report(row.values, reference_columns)
                )
                record = {
                    "id": str(row.values[id_column]) if id_column else str(stats.written + 1),
                    "line": row.line,
                    **result.summary(),
                }
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                out.flush()
                stats.written += 1
                stats.scores.append(result.score)
                if bar is not None:
                    bar.update(1)
            stats.rejected = policy.rejected
    finally:
        table.close()
        if bar is not None:
            bar.close()
    return stats


__all__ = ["CompareStats", "compare_file", "section_of"]
