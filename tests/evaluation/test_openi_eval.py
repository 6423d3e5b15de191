"""``medkg eval openi`` on the real dev split with the shipped seed ontology."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from medkg.evaluation.metrics import Counts, macro_f1, micro

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"


def test_counts():
    a, b = Counts(8, 2, 2), Counts(0, 1, 0)
    assert micro([a, b]).as_dict() == {
        "tp": 8,
        "fp": 3,
        "fn": 2,
        "precision": 0.7273,
        "recall": 0.8,
        "f1": 0.7619,
    }
    assert round(macro_f1([a, b]), 4) == 0.8


def test_eval_openi_cli():
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "medkg",
            "eval",
            "openi",
            "--split",
            str(SHARED / "data/openi/dev.csv"),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "== fuzzy linking on (default pipeline): 1000 reports"
    figures = json.loads(lines[-1])
    assert set(figures) == {"split", "fuzzy", "no_fuzzy"}
    assert figures["fuzzy"]["reports"] == 1000
    assert set(figures["fuzzy"]["errors"]) <= {"missed", "false_positive", "wrong_assertion"}
    assert figures["fuzzy"]["labels"]["Cardiomegaly"]["f1"] >= 0.95
    assert figures["fuzzy"]["micro"]["f1"] >= 0.93


def test_head_terms_count_once_per_head_and_only_findings():
    from medkg.evaluation.openi import head_term_counts, predicted_findings
    from medkg.extract import Extractor

    # a head looked up to two CUIs (e.g. "Pulmonary Atelectasis") is one head term, found by either
    assert head_term_counts([frozenset({"A1", "A2"}), frozenset({"B"})], {"A2", "C"}) == (1, 1, 1)
    ex = Extractor(fuzzy=False)
    onto = ex.ontology
    names = {c: onto.get(c).name for c in predicted_findings(ex.extract({"findings": (
        "The spine is normal. The lungs are hypoinflated. Tortuous aorta.")}))}
    assert sorted(names.values()) == ["Aorta", "Lung"]
    no_finding = {c.cui for c in onto.lookup("no finding")}
    statement = {"impression": "No acute cardiopulmonary abnormality."}
    alone = predicted_findings(ex.extract(statement), no_finding)
    mixed = predicted_findings(ex.extract({"impression": "No acute disease. Low lung volumes."}), no_finding)
    assert alone == no_finding
    assert [onto.get(c).name for c in mixed] == ["Lung"]
