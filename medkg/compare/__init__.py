"""Compare a generated report with a reference report: a fast, offline, clinically weighted score.

``compare_reports(candidate, reference)`` returns a :class:`ReportComparison` (matched, false and
missing findings, attribute errors, each with its two sentences; ``score`` in [-1, 1];
precision / recall / F1 of findings); :func:`report_score` is the bare score, for a reward.
The definition is in :mod:`medkg.compare.score`, the clinical significance weights in the
editable ``significance.tsv`` (:mod:`medkg.compare.significance`).

Examples
--------
>>> report_score("No pleural effusion.", "No pleural effusion or pneumothorax.")
1.0
>>> report_score("Pleural effusion.", "No pleural effusion.")
0.0
>>> round(report_score("Small right pneumothorax.", "Small right pneumothorax. Old healed rib fracture."), 3)
0.923
"""

from __future__ import annotations

from medkg.compare.findings import StatedFinding, report_findings
from medkg.compare.score import Comparer, FindingMatch, ReportComparison, compare_reports
from medkg.compare.significance import Significance


def report_score(candidate, reference, *, extractor=None, significance=None) -> float:
    """The score of :func:`compare_reports` alone (a float in [-1, 1]); thread-safe, no model."""
    return compare_reports(candidate, reference, extractor=extractor, significance=significance).score


__all__ = [
    "Comparer",
    "FindingMatch",
    "ReportComparison",
    "Significance",
    "StatedFinding",
    "compare_reports",
    "report_findings",
    "report_score",
]
