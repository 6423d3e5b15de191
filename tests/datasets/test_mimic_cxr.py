import shutil
from pathlib import Path

import pytest

from medkg.datasets import read, read_mimic_cxr
from medkg.errors import ConfigError, InputFileError, ParseError
from medkg.extract.sections import find_sections

MIMIC = Path(__file__).parent / "fixtures" / "mimic"
DICOM_1 = "0a1b2c3d-11111111-22222222-33333333-44444444"


def test_reports_sections_images_and_views():
    records = list(read("mimic-cxr", MIMIC))
    assert [(r.report_id, r.study_id, r.patient_id) for r in records] == [
        ("50000001", "50000001", "10000032"),
        ("50000002", "50000002", "10000032"),
        ("52000003", "52000003", "12000045"),
    ]
    first = records[0]
    # the record holds the report's text; extraction splits it (medkg.extract.sections, the one splitter)
    assert list(first.sections) == ["report"]
    assert first.sections["report"] == (MIMIC / "files/p10/p10000032/s50000001.txt").read_text()
    text = first.sections["report"]
    spans = find_sections(text)
    assert [s.section.value for s in spans] == [
        "unknown", "technique", "indication", "comparison", "findings", "impression"]
    assert " ".join(text[spans[4].start : spans[4].end].split()) == (
        "FINDINGS: Heart size is normal. There is a patchy opacity in the right lower lobe concerning for "
        "pneumonia. No pleural effusion or pneumothorax."
    )
    assert [(i.image_id, i.view_position, i.is_frontal) for i in first.images] == [
        (DICOM_1, "PA", True),
        ("0a1b2c3d-55555555-66666666-77777777-88888888", "LATERAL", False),
    ]
    assert first.images[0].path == str(MIMIC / "files/p10/p10000032/s50000001" / f"{DICOM_1}.jpg")
    assert first.images[1].path is None
    assert first.images[0].metadata == {
        "subject_id": "10000032",
        "split": "train",
        "study_date": "21800506",
        "view_name": "postero-anterior",
    }
    second = find_sections(records[1].sections["report"])
    assert [(s.section.value, s.header) for s in second] == [
        ("unknown", ""), ("findings", "CHEST RADIOGRAPH PERFORMED ON ___"), ("history", "HISTORY:"),
        ("findings", "FINDINGS:"), ("impression", "IMPRESSION:")]
    # no header at all: the text describes the image
    assert [s.section.value for s in find_sections(records[2].sections["report"])] == ["findings"]
    assert records[2].source == str(MIMIC / "files/p12/p12000045/s52000003.txt")


def test_split_filter_and_raw_text():
    assert [r.report_id for r in read_mimic_cxr(MIMIC, split="train")] == ["50000001"]
    assert [r.report_id for r in read_mimic_cxr(MIMIC / "files", split="test")] == ["52000003"]
    raw = next(read_mimic_cxr(MIMIC, split_sections=False))  # kept for compatibility: always the raw text
    assert list(raw.sections) == ["report"]
    assert raw.sections["report"].lstrip().startswith("FINAL REPORT\n EXAMINATION:  CHEST (PA AND LAT)")
    with pytest.raises(ConfigError, match="unknown split"):
        read_mimic_cxr(MIMIC, split="dev")


def test_medmkg_reader_detects_mimic_layout():
    assert [r.report_id for r in read("medmkg", MIMIC)] == ["50000001", "50000002", "52000003"]


def test_without_metadata(tmp_path):
    shutil.copytree(MIMIC / "files", tmp_path / "files")
    records = list(read_mimic_cxr(tmp_path))
    assert [len(r.images) for r in records] == [0, 0, 0]
    with pytest.raises(ConfigError, match="needs mimic-cxr-2.0.0-metadata.csv"):
        read_mimic_cxr(tmp_path, split="train")
    with pytest.raises(InputFileError, match="no files/ directory"):
        read_mimic_cxr(tmp_path / "files" / "p10")


def test_bad_report_bytes_and_metadata_mismatch(tmp_path):
    root = tmp_path / "mimic"
    shutil.copytree(MIMIC, root)
    (root / "files/p10/p10000032/s50000002.txt").write_bytes(b"FINDINGS: Clear \xff lungs.\n")
    with pytest.raises(ParseError, match="not valid UTF-8 at byte 16") as info:
        list(read_mimic_cxr(root))
    assert info.value.record == "50000002"
    seen = []
    assert [r.report_id for r in read_mimic_cxr(root, on_error="skip", rejects=seen.append)] == [
        "50000001",
        "52000003",
    ]
    assert [e.path for e in seen] == [str(root / "files/p10/p10000032/s50000002.txt")]
    meta = root / "mimic-cxr-2.0.0-metadata.csv"
    meta.write_text(meta.read_text().replace(",12000045,52000003", ",19999999,52000003"))
    with pytest.raises(ParseError, match="metadata gives subject 19999999"):
        list(read_mimic_cxr(root, split_sections=False, on_error="raise", split="test"))


def test_missing_metadata_columns(tmp_path):
    shutil.copytree(MIMIC / "files", tmp_path / "files")
    (tmp_path / "mimic-cxr-2.0.0-metadata.csv").write_text("dicom_id,study_id\nx,1\n")
    with pytest.raises(ConfigError, match=r"\['subject_id', 'ViewPosition'\] not found; the file has"):
        read_mimic_cxr(tmp_path)


def test_mimic_records_build_findings(tmp_path):
    from medkg.extract import default_extractor

    ex = default_extractor()
    record = list(read("mimic-cxr", MIMIC))[0]
    mentions = ex.extract(record.sections, record.report_id).mentions
    found = [(m.name, m.section.value, m.assertion.value) for m in mentions]
    assert ("Pneumonia", "impression", "present") in found
    assert ("Pleural Effusion", "findings", "absent") in found
