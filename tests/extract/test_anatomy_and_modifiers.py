"""On the shipped seed: laterality ceiling, modifiers of fixed-absent rules,
qualified anatomy, "no finding" statements, hedges, the callable module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from medkg.extract import Extractor

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seed() -> Extractor:
    return Extractor(fuzzy=False)


def _m(extractor, text):
    return [(m.text, m.name, m.assertion.value, m.laterality, m.severity, m.method)
            for m in extractor.extract({"findings": text}).mentions]


def test_laterality_reaches_through_anatomy(seed):
    assert _m(seed, "Calcified granuloma in the right lower lobe.") == [
        ("Calcified granuloma", "Calcified granuloma", "present", "right", None, "exact"),
        ("right lower lobe", "Right lower lobe", "present", "right", None, "exact"),
    ]
    # a finding (not anatomy) next still stops the search at its start
    assert _m(seed, "Atelectasis and effusion on the left.")[0][3] is None


@pytest.mark.parametrize("text", ["The lungs are clear bilaterally.", "Clear left lung.",
                                  "Normal heart size on the left."])
def test_fixed_absent_rules_have_no_modifiers(seed, text):
    (found,) = _m(seed, text)
    assert found[2] == "absent" and found[3] is None and found[4] is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Low lung volumes.", ("Low lung volumes", "Lung", "present", None, None, "qualifier")),
        ("The lungs are mildly hypoinflated.",
         ("lungs are mildly hypoinflated", "Lung", "present", None, "mild", "qualifier")),
        ("Hyperexpanded lungs.", ("Hyperexpanded lungs", "Lung", "present", None, None, "qualifier")),
        ("No hyperinflation.", ("hyperinflation", "Lung", "absent", None, None, "qualifier")),
        ("Mild degenerative changes of the thoracic spine.",
         ("degenerative changes of the thoracic spine", "Thoracic Vertebrae", "present", None, "mild",
          "qualifier")),
        ("Degenerative changes in the spine.",
         ("Degenerative changes in the spine", "Spine", "present", None, None, "qualifier")),
        ("Tortuous aorta.", ("Tortuous aorta", "Aorta", "present", None, None, "qualifier")),
        ("The thoracic aorta is tortuous.",
         ("thoracic aorta is tortuous", "Aorta, Thoracic", "present", None, None, "qualifier")),
        ("Elevated right hemidiaphragm.",
         ("Elevated right hemidiaphragm", "Diaphragm", "present", "right", None, "qualifier")),
        ("Blunting of the left costophrenic angle.",
         ("Blunting of the left costophrenic angle", "Costophrenic angle", "present", "left", None,
          "qualifier")),
    ],
)
def test_qualified_anatomy(seed, text, expected):
    assert _m(seed, text) == [expected]


def test_bare_anatomy_is_not_a_finding(seed):
    from medkg.extract.relations import finding_indexes

    r = seed.extract({"findings": "The spine is normal. Low lung volumes. Atherosclerotic changes."})
    assert [(m.text, m.method) for m in r.mentions] == [
        ("spine", "exact"), ("Low lung volumes", "qualifier"), ("Atherosclerotic changes", "exact")]
    assert finding_indexes(r.mentions, r.relations) == [1, 2]


def test_new_phrases(seed):
    assert [(m.text, m.name) for m in seed.extract({"findings": (
        "Low lung volumes with bronchovascular crowding. Calcified left upper lobe granuloma. "
        "Right IJ catheter. Exam limited by patient rotation.")}).mentions] == [
        ("Low lung volumes", "Lung"), ("bronchovascular crowding", "Lung markings"),
        ("Calcified", "Calcinosis"), ("left upper lobe", "Left upper lobe"),
        ("granuloma", "Calcified granuloma"),
        ("catheter", "Catheters, Indwelling"),
        ("patient rotation", "Technical quality of image unsatisfactory")]


def test_no_finding_statement_is_present(seed):
    assert _m(seed, "No acute cardiopulmonary abnormality.") == [
        ("No acute cardiopulmonary abnormality", "No finding", "present", None, None, "rule")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Findings suggest pneumonia.", [("pneumonia", "present", True)]),
        ("Opacity suggestive of pneumonia.", [("Opacity", "present", False), ("pneumonia", "present", True)]),
        ("Probable left basilar atelectasis.",
         [("left basilar", "present", True), ("atelectasis", "present", True)]),
        ("Atelectasis is likely.", [("Atelectasis", "present", True)]),
        ("No pneumonia is likely.", [("pneumonia", "absent", False)]),
        ("Possible pneumonia.", [("pneumonia", "uncertain", False)]),
    ],
)
def test_hedges_stay_present_but_flagged(seed, text, expected):
    r = seed.extract({"findings": text})
    assert [(m.text, m.assertion.value, m.hedged) for m in r.mentions] == expected


def test_module_is_callable():
    code = (
        "import medkg, medkg.extract\n"
        "r = medkg.extract('FINDINGS: No pneumothorax. Small left pleural effusion.')\n"
        "print([(m.text, m.assertion.value, m.laterality, m.severity) for m in r.mentions])\n"
        "print([m.text for m in next(medkg.extract_many([('1', 'Cardiomegaly.')])).mentions])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "[('pneumothorax', 'absent', None, None), ('pleural effusion', 'present', 'left', 'small')]",
        "['Cardiomegaly']",
    ]


def test_eval_relations_registered_once():
    from medkg.cli.evaluate import eval_app

    assert [c.name for c in eval_app.registered_commands].count("relations") <= 1
