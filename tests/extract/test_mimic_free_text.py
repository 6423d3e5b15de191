"""MIMIC-CXR-style free text: sections of unheaded reports, one column holding a whole report, ICU
devices, scope direction, alternatives, CheXpert conventions, empty reports, Hernia, No Finding.

Every report here is written for the test (no corpus text)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from medkg.evaluation.labels import evaluate_labels, read_gold
from medkg.extract.sections import combine_sections, find_sections
from medkg.extract.types import Section
from medkg.labels import label_mapper

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seed():
    from medkg.extract import default_extractor

    return default_extractor()

UNHEADED = (
    "FINAL REPORT\n"
    " PORTABLE AP CHEST FILM ___ AT 21:30\n"
    " \n"
    " REASON FOR EXAM:  Dyspnea, evaluate for pneumonia.\n"
    " \n"
    " Comparison is made with the prior study.\n"
    " \n"
    " The heart is mildly enlarged.  Small left pleural effusion.  ET tube ends 4 cm above the carina.\n"
)


def _labels(extractor, report, schema="chexpert"):
    values = label_mapper(schema, extractor.ontology).label_assertions(extractor.label_inputs(report))
    return {k: v for k, v in values.items() if v is not None}


def _sections(text):
    return [(s.section.value, s.header, " ".join(text[s.start : s.end].split())) for s in find_sections(text)]


def test_unheaded_paragraphs_after_the_indication_are_findings():
    assert _sections(UNHEADED) == [
        ("unknown", "", "FINAL REPORT"),
        ("findings", "PORTABLE AP CHEST FILM ___ AT 21:30", "PORTABLE AP CHEST FILM ___ AT 21:30"),
        ("indication", "REASON FOR EXAM:", "REASON FOR EXAM: Dyspnea, evaluate for pneumonia."),
        ("findings", "", "Comparison is made with the prior study. The heart is mildly enlarged. "
                         "Small left pleural effusion. ET tube ends 4 cm above the carina."),
    ]


def test_pseudo_headers_wet_read_and_new_header_names():
    text = ("WET READ: ___ 9:22 PM\n  Small right effusion.\n"
            "EXAMINATION: CHEST (PORTABLE AP)\nCLINICAL INFORMATION: Fever.\n"
            "PA AND LATERAL CHEST RADIOGRAPH: No pneumothorax.\n"
            "NOTIFICATION: Discussed with Dr. ___.\nRECOMMENDATION(S): CT.\n"
            "FINDINGS AND IMPRESSION: Clear lungs.")
    assert [(sec, header) for sec, header, _ in _sections(text)] == [
        ("findings", "WET READ: ___ 9:22 PM"), ("technique", "EXAMINATION:"),
        ("indication", "CLINICAL INFORMATION:"),
        ("findings", "PA AND LATERAL CHEST RADIOGRAPH:"), ("notification", "NOTIFICATION:"),
        ("recommendation", "RECOMMENDATION(S):"), ("findings", "FINDINGS AND IMPRESSION:"),
    ]
    assert _sections("Mild cardiomegaly.") == [("findings", "", "Mild cardiomegaly.")]
    assert _sections("   \n") == []


def test_one_column_with_a_whole_report_reads_like_the_report(seed):
    as_text, as_column = seed.extract(UNHEADED, "r"), seed.extract({"text": UNHEADED}, "r")
    assert as_column == as_text
    findings = [m for m in as_column.mentions if m.section is Section.FINDINGS]
    assert [(m.name, m.section, m.assertion.value) for m in findings] == [
        ("Cardiomegaly", Section.FINDINGS, "present"),
        ("Pleural Effusion", Section.FINDINGS, "present"),
        ("Endotracheal tube", Section.FINDINGS, "present"),
        ("Carina", Section.FINDINGS, "present"),
    ]
    # a named column is its section; an unnamed one beside it is split at its own headers
    text, spans = combine_sections({"impression": "Normal.", "note": "INDICATION: Cough.\nFINDINGS: Clear."})
    assert text == "IMPRESSION: Normal.\n\nINDICATION: Cough.\nFINDINGS: Clear."
    assert [(s.section.value, text[s.start : s.end].strip()) for s in spans] == [
        ("impression", "IMPRESSION: Normal."), ("indication", "INDICATION: Cough."), ("findings",
         "FINDINGS: Clear."),
    ]


def test_symptoms_and_clinical_questions_set_no_label(seed):
    assert _labels(seed, UNHEADED) == {"Cardiomegaly": 1, "Pleural Effusion": 1, "Support Devices": 1}
    text = ("FINDINGS: Lungs are clear. Recommend CT to evaluate for a mass. "
            "Follow-up to assess for pneumonia.")
    assert _labels(seed, text) == {"No Finding": 1, "Lung Opacity": 0}


@pytest.mark.parametrize("text, expected", [
    ("ET tube tip is 4 cm above the carina. NG tube in the stomach.",
     ["Endotracheal tube", "Nasogastric tube"]),
    ("Enteric tube and Dobhoff tube are in place. OG tube removed.", ["Nasogastric tube", "Nasogastric tube",
                                                                     "Nasogastric tube"]),
    ("Left PICC ends in the SVC. Swan-Ganz catheter in the pulmonary artery.",
     ["Peripherally inserted central catheter", "Central Venous Catheters"]),
    ("Right chest tube and pigtail catheter. Median sternotomy wires.",
     ["Chest Tubes", "Chest Tubes", "Sternotomy wires"]),
    ("Pacer leads terminate in the right ventricle. Tracheostomy in standard position.",
     ["Medical device", "Tracheostomy"]),
    ("Left-sided ICD. Status post aortic valve replacement. Cervical fusion hardware.",
     ["Defibrillators, Implantable", "Heart Valve Prosthesis", "Medical device"]),
])
def test_icu_devices(seed, text, expected):
    found = [m.name for m in seed.extract({"findings": text}).mentions
             if "Support Devices" in label_mapper("chexpert", seed.ontology).labels_of(m.cui)]
    assert found == expected
    assert _labels(seed, {"findings": text})["Support Devices"] == 1


@pytest.mark.parametrize("text, expected", [
    # "possible" does not reach back to the finding before it
    ("Right lower lobe pneumonia with possible pleural effusion.", {"Pneumonia": 1, "Pleural Effusion": -1}),
    # alternatives: "or", "versus", "and/or", a slash
    ("Left base opacity may reflect atelectasis or pneumonia.",
     {"Lung Opacity": 1, "Atelectasis": -1, "Pneumonia": -1}),
    ("Retrocardiac consolidation, atelectasis versus pneumonia.",
     {"Consolidation": 1, "Atelectasis": -1, "Pneumonia": -1}),
    ("Effusion and/or atelectasis at the left base.", {"Pleural Effusion": -1, "Atelectasis": -1}),
    ("Volume loss/infiltrate/effusion at the left base.", {"Lung Opacity": -1, "Pleural Effusion": -1}),
    # CheXpert's uncertain cues
    ("Opacity concerning for pneumonia.", {"Lung Opacity": 1, "Pneumonia": -1}),
    ("Pneumothorax cannot be excluded. Small effusion, if any. Presumed atelectasis.",
     {"Pneumothorax": -1, "Pleural Effusion": -1, "Atelectasis": -1}),
    ("Probable mild edema. Likely small effusion.", {"Edema": -1, "Pleural Effusion": 1}),
    ("Heart size is unchanged.", {"Cardiomegaly": -1}),
    ("Borderline heart size.", {"Cardiomegaly": -1}),
    ("Heart size is top normal.", {"Cardiomegaly": 0, "No Finding": 1}),
    ("Stable cardiomediastinal silhouette.", {"Enlarged Cardiomediastinum": -1}),
    ("Overall cardiac and mediastinal contours are unchanged.",
     {"Cardiomegaly": -1, "Enlarged Cardiomediastinum": -1}),
    ("Mediastinal contours are within normal limits.", {"Enlarged Cardiomediastinum": 0, "No Finding": 1}),
    ("No pneumothorax, although the sensitivity to detect pneumothorax is limited on a supine film.",
     {"Pneumothorax": 0, "No Finding": 1}),
    ("Aspiration at the right base.", {"Pneumonia": -1}),
    ("Infection cannot be excluded.", {"Pneumonia": -1}),
])
def test_chexpert_assertion(seed, text, expected):
    assert _labels(seed, {"findings": text}) == expected


@pytest.mark.parametrize("text, expected", [
    ("Nodular opacity in the right upper lobe.", {"Lung Opacity": 1, "Lung Lesion": 1}),
    ("Widened mediastinum. Mediastinal widening is unchanged.", {"Enlarged Cardiomediastinum": 1}),
    ("Right hydropneumothorax.", {"Pneumothorax": 1, "Pleural Effusion": 1}),
    ("Extensive subcutaneous emphysema.", {}),
    ("Expansile lytic lesion of the left sixth rib.", {}),
    ("Patchy opacification and haziness at the bases. Airspace process on the right.", {"Lung Opacity": 1}),
    ("Increased interstitial markings.", {"Lung Opacity": 1}),
    ("Consolidation in the right lower lobe.", {"Consolidation": 1}),
    ("Cardiac silhouette remains mildly enlarged.", {"Cardiomegaly": 1}),
])
def test_chexpert_vocabulary(seed, text, expected):
    assert _labels(seed, {"findings": text}) == expected


def test_chestxray14_keeps_open_i_conventions(seed):
    cx14 = {"findings": "Atelectasis versus pneumonia. Probable small effusion. Nodular opacity. "
                        "Small hiatal hernia."}
    assert _labels(seed, cx14, "chestxray14") == {
        "Atelectasis": 1, "Pneumonia": 1, "Effusion": 1, "Hernia": 1}
    assert _labels(seed, {"findings": "Right lower lobe infection."}, "chestxray14") == {}


def test_empty_reports_are_not_errors(seed, tmp_path):
    assert seed.extract({"findings": "", "impression": "  "}).mentions == ()
    assert _labels(seed, {"findings": "", "impression": None}) == {}
    src = tmp_path / "in.csv"
    src.write_text("uid,indication,findings,impression\na,Cough.,,\nb,,No effusion.,\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    proc = subprocess.run([sys.executable, "-m", "medkg", "label", str(src), "--id-column", "uid",
                           "--text-columns", "findings,impression", "--schema", "chexpert", "--output",
                           str(out)],
                          capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    rows = {r["uid"]: {k: v for k, v in r.items() if v and k != "uid"} for r in csv.DictReader(out.open())}
    assert rows == {"a": {}, "b": {"No Finding": "1", "Pleural Effusion": "0"}}


def test_eval_labels_command(tmp_path):
    reports = tmp_path / "r.csv"
    with reports.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["uid", "text"])
        w.writerow(["s1", "INDICATION: Cough.\n\nProbable small left effusion. Mild cardiomegaly."])
        w.writerow(["s2", "FINDINGS: No pneumothorax. Right chest tube."])
    gold = tmp_path / "g.jsonl"
    gold.write_text(json.dumps({"uid": "s1", "labels": {"Pleural Effusion": -1, "Cardiomegaly": 1}}) + "\n"
                    + json.dumps({"uid": "s2", "labels": {"Pneumothorax": 0, "Support Devices": 1,
                                                          "Edema": 1}}) + "\n", encoding="utf-8")
    result = evaluate_labels(gold, reports, id_column="uid", text_columns=["text"], schema="chexpert",
                             min_support=1)
    assert result.positive.as_dict() == {"tp": 2, "fp": 0, "fn": 1, "precision": 1.0, "recall": 0.6667,
                                         "f1": 0.8}
    assert (result.uncertain.f1, result.negative.f1) == (1.0, 1.0)
    assert dict(result.errors) == {"missed positive/Edema": ["s2"]}
    cmd = [sys.executable, "-m", "medkg", "eval", "labels", str(gold), "--reports", str(reports)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    last = json.loads(proc.stdout.strip().splitlines()[-1])
    assert last["positive_micro"]["f1"] == 0.8 and last["errors"] == {"missed positive/Edema": 1}
    assert "missed positive/Edema: 1 (s2)" in proc.stdout


def test_gold_errors_name_the_line(tmp_path):
    bad = tmp_path / "g.jsonl"
    bad.write_text('{"uid": "a", "labels": {}}\n{"uid": "b", "labels": {"Edema": 2}}\n', encoding="utf-8")
    with pytest.raises(Exception, match=r"g.jsonl:2, record 'b': label 'Edema' has value 2"):
        read_gold(bad, ["Edema"])
