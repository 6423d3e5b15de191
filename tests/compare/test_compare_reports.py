"""compare_reports / report_score: known answers for each kind of agreement and error (issue 16)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from typer.testing import CliRunner

from medkg.cli import app
from medkg.compare import Comparer, Significance, compare_reports, report_score
from medkg.errors import ParseError


@pytest.fixture(scope="module")
def comparer():
    return Comparer()


def kinds(result):
    return [(m.kind, m.name, m.relation, m.errors) for m in result.matches]


def test_identical_texts_and_normal_statements(comparer):
    report = "Small right pleural effusion. Moderate cardiomegaly. No pneumothorax."
    assert comparer.compare(report, report).score == 1.0
    # normal statements that agree, or concern findings the reference does not mention: exactly 0
    assert comparer.compare(report + " Lungs are clear of edema. No fracture.", report).score == 1.0
    # a reference with no abnormal finding and a candidate with no false finding: exactly 1
    assert comparer.compare("No acute cardiopulmonary process.", "Lungs are clear. No effusion.").score == 1.0
    assert comparer.compare("", "Lungs are clear.").score == 1.0


def test_paraphrase_robustness(comparer):
    flipped = comparer.compare("Pleural effusion.", "No pleural effusion.")
    paraphrase = comparer.compare("The pleural spaces are clear.", "No pleural effusion.")
    assert (flipped.score, paraphrase.score) == (0.0, 1.0)
    assert kinds(flipped) == [("false", "Pleural Effusion", "", ("the reference says absent",))]


def test_empty_or_silent_candidate_scores_zero(comparer):
    for silent in ("", "Heart size is normal."):
        result = comparer.compare(silent, "Large right pneumothorax.")
        assert (result.score, result.recall) == (0.0, 0.0)
        assert kinds(result) == [("missing", "Pneumothorax", "", ())]


def test_negated_worse_than_missing(comparer):
    denied = comparer.compare("No pneumothorax.", "Large right pneumothorax.")
    assert kinds(denied) == [("negated", "Pneumothorax", "", ("denied by the candidate",))]
    assert denied.score == -0.5  # raw -1, kept in (-1, 0) as raw / (1 - raw)
    # a denial on the other side only is no denial
    assert comparer.compare("No left pneumothorax.", "Large right pneumothorax.").score == 0.0


def test_matching_through_is_a_and_radiographic_parents(comparer):
    less = comparer.compare("Chronic lung disease.", "Pulmonary fibrosis.")
    assert kinds(less) == [("matched", "Pulmonary Fibrosis", "less specific", ())]
    assert less.score == 0.5
    opacity = comparer.compare("Right lower lobe opacity.", "Right lower lobe pneumonia.")
    assert kinds(opacity)[0][:3] == ("matched", "Pneumonia", "less specific")
    # a more specific candidate finding covers the broader one its reference gives as the sign
    both = comparer.compare(
        "Right upper lobe pneumonia.", "Right upper lobe consolidation consistent with pneumonia."
    )
    assert both.score == 1.0
    assert {m.relation for m in both.matches} == {"same", "more specific"}


def test_attribute_errors(comparer):
    side = comparer.compare("Small left pleural effusion.", "Small right pleural effusion.")
    assert kinds(side)[0][3] == ("wrong side: left, the reference has right",)
    assert side.score == -0.3333  # no credit, cost w/2: raw -0.5
    severity = comparer.compare("Large right pleural effusion.", "Small right pleural effusion.")
    assert kinds(severity)[0][3] == ("severity: large / severe, the reference has small / mild",)
    assert severity.score == 0.5
    certainty = comparer.compare("Pneumonia cannot be excluded.", "Right lower lobe pneumonia.")
    assert kinds(certainty)[0][3] == ("certainty: uncertain, the reference is present",)
    assert certainty.score == 0.75
    size = comparer.compare("8 mm nodule in the right upper lobe.", "2.5 cm nodule in the right upper lobe.")
    assert kinds(size)[0][3] == ("size: 8 mm, the reference has 25 mm",)
    change = comparer.compare("Increased left pleural effusion.", "Decreased left pleural effusion.")
    assert kinds(change)[0][3] == ("change: worse, the reference has better",)
    assert (size.score, change.score) == (0.75, 0.75)
    lobe = comparer.compare("Right lower lobe consolidation.", "Right upper lobe consolidation.")
    assert kinds(lobe)[0][3] == ("location: Right lower lobe, the reference has Right upper lobe",)


def test_device_position_is_a_significance_error(comparer):
    well = "ET tube 4 cm above the carina."
    low = "ET tube tip in the right mainstem bronchus."
    assert comparer.compare(well, well).score == 1.0
    result = comparer.compare(low, well)
    assert kinds(result) == [
        ("matched", "Endotracheal tube", "same", ("significance: urgent, the reference reads minor",))
    ]
    assert result.score < -0.9
    assert comparer.compare(well, low).score < comparer.compare(low, low).score


def test_clinical_significance_weights(comparer):
    ref = "Small right pneumothorax. Calcified granuloma in the left upper lobe."
    missed_urgent = comparer.compare("Calcified granuloma in the left upper lobe.", ref)
    missed_minor = comparer.compare("Small right pneumothorax.", ref)
    assert (missed_urgent.score, missed_minor.score) == (0.0769, 0.9231)  # weights 3 and 0.25
    false_urgent = comparer.compare("Lungs are clear. Right pneumothorax.", "Lungs are clear.")
    false_minor = comparer.compare("Lungs are clear. Calcified granuloma.", "Lungs are clear.")
    assert false_urgent.score < false_minor.score == 0.75
    assert [m.weight for m in false_urgent.false_findings] == [3.0]


def test_hedged_false_finding_costs_half(comparer):
    assert comparer.compare("Right lower lobe pneumonia.", "Lungs are clear.").score == 0.0
    assert comparer.compare("Pneumonia cannot be excluded.", "Lungs are clear.").score == 0.5


def test_precision_recall_f1(comparer):
    result = comparer.compare(
        "Right pneumothorax. Left pleural effusion.", "Right pneumothorax. Cardiomegaly."
    )
    assert (result.precision, result.recall, result.f1) == (0.5, 0.5, 0.5)
    assert [m.name for m in result.false_findings] == ["Pleural Effusion"]
    assert [m.name for m in result.missing_findings] == ["Cardiomegaly"]


def test_report_score_sections_and_threads(comparer):
    sections = {"findings": "Small left pleural effusion.", "impression": "Left effusion."}
    assert report_score(sections, "FINDINGS: Small left pleural effusion.") == 1.0
    ref = "Large right pneumothorax. Moderate cardiomegaly."
    texts = ["Right pneumothorax.", "No pneumothorax.", "Cardiomegaly.", "", ref] * 20
    alone = [report_score(t, ref) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(lambda t: report_score(t, ref), texts)) == alone


def test_editable_significance_file(tmp_path, comparer):
    text = tmp_path / "sig.tsv"
    shipped = Significance.load(onto=comparer.ontology).path.read_text()
    text.write_text(shipped.replace("finding\tGranuloma\tminor", "finding\tGranuloma\turgent"))
    ref = "Small right pneumothorax. Calcified granuloma in the left upper lobe."
    assert compare_reports("Small right pneumothorax.", ref, significance=str(text)).score == 0.5
    bad = tmp_path / "bad.tsv"
    bad.write_text("kind\tname\tvalue\twhen\tnote\ntier\turgent\t3\nfinding\tPneumothorax\tsevere\n")
    with pytest.raises(ParseError, match=r"bad.tsv:3.*unknown tier 'severe'"):
        Significance.load(bad, comparer.ontology)


def test_html_view(comparer):
    html = comparer.compare("Small left pleural effusion.", "Small right pleural effusion.")._repr_html_()
    assert "score -0.333" in html and "#fff4e5" in html and "wrong side" in html


def test_compare_command_on_a_csv(tmp_path):
    src = tmp_path / "pairs.csv"
    src.write_text(
        "id,gen_findings,gen_impression,reference\n"
        "a,Small left effusion.,Left effusion.,Small left pleural effusion.\n"
        "b,,,Large right pneumothorax.\n"
        'c,"No pneumothorax.",,"Large right pneumothorax."\n'
    )
    out = tmp_path / "scores.jsonl"
    result = CliRunner().invoke(
        app,
        [
            "compare",
            str(src),
            "--candidate-column",
            "gen_findings,gen_impression",
            "--reference-column",
            "reference",
            "--id-column",
            "id",
            "--output",
            str(out),
            "--no-progress",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["id"], r["line"], r["score"]) for r in rows] == [("a", 2, 1.0), ("b", 3, 0.0), ("c", 4, -0.5)]
    assert rows[2]["findings"][0]["kind"] == "negated"
    assert "3 pairs compared, mean score 0.1667" in result.stdout
    one = CliRunner().invoke(
        app, ["compare", "--candidate", "No pneumothorax.", "--reference", "Right pneumothorax."]
    )
    assert one.exit_code == 0 and json.loads(one.stdout.splitlines()[-1])["score"] == -0.5


def test_bad_row_names_the_line_and_keeps_what_was_written(tmp_path):
    from medkg.workflows import compare_file

    src = tmp_path / "pairs.csv"
    src.write_text('c,r\nLeft effusion.,Left effusion.\n"unclosed,Right pneumothorax.\n')
    out = tmp_path / "scores.jsonl"
    with pytest.raises(ParseError, match=r"pairs.csv:3"):
        compare_file(src, ["c"], ["r"], out)
    assert [json.loads(line)["score"] for line in out.read_text().splitlines()] == [1.0]
    with pytest.raises(Exception, match=r"column\(s\) \['missing'\] not found"):
        compare_file(src, ["missing"], ["r"], out)
