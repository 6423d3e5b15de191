"""The hand-annotated relation gold and its scorer (``medkg eval relations``)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from medkg.errors import ParseError
from medkg.evaluation.metrics import Counts
from medkg.evaluation.relations import (
    Item,
    RelationsResult,
    read_annotations,
    score_report,
    text_digest,
)
from medkg.extract.sections import combine_sections
from medkg.extract.types import Mention, MentionRelation, ReportExtraction, Section

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
GOLD = REPO / "annotations" / "relations_dev.tsv"
DEV = SHARED / "data" / "openi" / "dev.csv"


def test_gold_counts_and_sample():
    reports, items = read_annotations(GOLD)
    assert len(reports) == 109
    assert Counter(i.kind for i in items) == {
        "located_at": 101, "laterality": 61, "severity": 49, "modify": 40, "suggestive_of": 35}
    rows = [r for r in csv.DictReader(DEV.open(newline="", encoding="utf-8")) if r["findings"].strip()]
    assert list(reports) == [r["uid"] for r in rows[::8]]


def test_gold_offsets_fit_the_texts():
    reports, items = read_annotations(GOLD)
    texts = {}
    for row in csv.DictReader(DEV.open(newline="", encoding="utf-8")):
        if row["uid"] in reports:
            parts = {"findings": row["findings"], "impression": row["impression"]}
            texts[row["uid"]] = combine_sections(parts)[0]
    assert {uid: text_digest(t) for uid, t in texts.items()} == reports
    for i in items:
        span = texts[i.uid][i.start:i.end]
        assert span == span.strip() and span, i
    assert texts["4"][64:73] == "opacities"


def test_bad_line_names_file_and_line(tmp_path):
    bad = tmp_path / "gold.tsv"
    bad.write_text("1\treport\t\t\t\t\tabc\n1\tlocated_at\t0\t5\t\t\t\n", encoding="utf-8")
    with pytest.raises(ParseError) as err:
        read_annotations(bad)
    assert err.value.line == 2
    assert "bad spans for located_at" in str(err.value)


def test_score_report_overlap_and_precoordination():
    text = "Calcified granuloma in the right lower lobe."
    ms = (Mention("MKG:calcified_granuloma", "Calcified granuloma", "Calcified granuloma", 0, 19,
                  Section.FINDINGS, 0, laterality="right", semantic_types=("T046",)),
          Mention("MKG:x", "Lobe", "right lower lobe", 27, 43, Section.FINDINGS, 0, semantic_types=("T023",)))
    ex = ReportExtraction("u", text, mentions=ms, relations=(MentionRelation("located_at", 0, 1),))
    gold = [Item("u", "modify", 0, 9, 10, 19), Item("u", "laterality", 10, 19, value="left|right"),
            Item("u", "located_at", 10, 19, 33, 43), Item("u", "severity", 10, 19, value="small")]
    from medkg.evaluation.relations import predicted_items

    result = RelationsResult({k: Counts() for k in ("laterality", "severity", "located_at", "modify")})
    score_report(gold, predicted_items(ex), ex, result)
    assert {k: (c.tp, c.fp, c.fn) for k, c in result.counts.items()} == {
        "laterality": (1, 0, 0), "severity": (0, 0, 1), "located_at": (1, 0, 0), "modify": (1, 0, 0)}
    assert result.precoordinated == 1
    assert [e[0] for e in result.errors] == ["missed"]


def test_eval_relations_cli():
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-c", "from medkg.cli import main; main()", "eval", "relations",
         "--annotations", str(GOLD), "--split", str(DEV), "--errors", "3"],
        capture_output=True, text=True, cwd=REPO, env=env, check=True)
    lines = proc.stdout.strip().splitlines()
    assert lines[0] == "== 109 annotated reports, gold " + str(GOLD)
    summary = json.loads(lines[-1])
    assert summary["reports"] == 109
    assert sum(summary[k]["tp"] + summary[k]["fn"] for k in
               ("laterality", "severity", "located_at", "suggestive_of", "modify")) == 286
    assert summary["overall"]["tp"] + summary["overall"]["fn"] == 286
