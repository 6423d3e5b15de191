"""`medkg eval rag` on real Open-i reports (read in place; halves of the first 300 rows written to tmp)."""

from __future__ import annotations

import csv
import json

from typer.testing import CliRunner

from medkg.cli import app


def test_eval_rag_cli(openi_dev, tmp_path):
    with openi_dev.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[:300]
    for name, part in (("train.csv", rows[:150]), ("test.csv", rows[150:])):
        with (tmp_path / name).open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(part)
    result = CliRunner().invoke(
        app,
        [
            "eval",
            "rag",
            "--train",
            str(tmp_path / "train.csv"),
            "--test",
            str(tmp_path / "test.csv"),
            "--id-column",
            "uid",
            "--text-columns",
            "findings,impression",
            "--gold-column",
            "MeSH",
            "--k",
            "7",
            "--graph-codes",
            "--folds",
            "3",
        ],
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.output.strip().splitlines()[-1])
    assert (metrics["train_fit_reports"], metrics["calibration_reports"], metrics["test_reports"]) == (
        120,
        30,
        150,
    )
    for key in (
        "recall@7",
        "baseline_recall@7",
        "baseline_extracted_recall@7",
        "recall@adaptive",
        "recall@calibrated",
        "rougeL",
        "bleu4",
        "resolved_recall@7",
        "baseline_resolved_recall@7",
        "codes_only_recall@7",
        "text_codes_recall@7",
        "cv_recall@7",
    ):
        assert 0.0 <= metrics[key] <= 1.0
    # an ISA descendant of a gold finding is a hit too: never fewer hits than strict matching
    assert metrics["resolved_recall@7"] >= metrics["recall@7"]
    assert "graph (text + manual codes of train), k=7" in result.output
    assert metrics["evaluated"] + metrics["skipped_empty_gold"] == metrics["test_with_labels"]
    assert "calibrated k=" in result.output
