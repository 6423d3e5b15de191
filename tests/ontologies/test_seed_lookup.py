"""Coverage of Open-i MeSH heads, the 28 dataset labels, and exact lookups on the shipped seed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from medkg.ontology.coverage import CoverageReport, mesh_head_coverage, mesh_heads
from medkg.ontology.rrf import load_rrf

SEED = Path(__file__).resolve().parents[2] / "ontologies" / "seed"
CHESTXRAY14 = (
    "Atelectasis Cardiomegaly Effusion Infiltration Mass Nodule Pneumonia Pneumothorax "
    "Consolidation Edema Emphysema Fibrosis Pleural_Thickening Hernia"
).split()
CHEXPERT = [
    "No Finding", "Enlarged Cardiomediastinum", "Cardiomegaly", "Lung Opacity", "Lung Lesion", "Edema",
    "Consolidation", "Pneumonia", "Atelectasis", "Pneumothorax", "Pleural Effusion", "Pleural Other",
    "Fracture", "Support Devices",
]  # fmt: skip


@pytest.fixture(scope="module")
def seed():
    return load_rrf(SEED)


def test_seed_size(seed) -> None:
    stats = seed.stats()
    assert 2000 < stats.concepts < 5000
    assert stats.relations_by_type["isa"] > 3000


def test_mesh_head_coverage_on_dev(seed, openi_dev: Path) -> None:
    report = mesh_head_coverage(seed, openi_dev)
    assert report.heads == 97 == len(mesh_heads(openi_dev))
    assert report.resolved / report.heads >= 0.95
    assert report.unresolved == ()
    assert report.resolved_real_cui >= 30
    assert report.as_dict()["heads"] == 97


def test_coverage_report_is_frozen() -> None:
    report = CoverageReport(3, 2, 1, ("Markings",))
    assert report.as_dict() == {"heads": 3, "resolved": 2, "resolved_real_cui": 1, "unresolved": ["Markings"]}
    with pytest.raises(AttributeError):
        report.heads = 4  # type: ignore[misc]


@pytest.mark.parametrize("label", sorted(set(CHESTXRAY14 + CHEXPERT)))
def test_dataset_labels_resolve(seed, label: str) -> None:
    assert seed.lookup(label)


@pytest.mark.parametrize(
    ("text", "cui"),
    [
        ("pleural effusion", "C0032227"),
        ("effusions", "C0032227"),
        ("blunting of the costophrenic angle", "C0032227"),
        ("enlarged heart", "C0018800"),
        ("cardiac enlargement", "C0018800"),
        ("Cardiomegaly", "C0018800"),
        ("pneumonia", "C0032285"),
        ("CHF", "C0018801"),
    ],
)
def test_exact_lookups(seed, text: str, cui: str) -> None:
    assert [c.cui for c in seed.lookup(text)] == [cui]


def test_heart_size_sentence_is_not_a_synonym(seed) -> None:
    assert seed.lookup("heart size is enlarged") == []


@pytest.mark.parametrize(
    ("text", "local_id", "tui"),
    [
        ("PICC", "MKG:picc_line", "T074"),
        ("ET tube", "MKG:endotracheal_tube", "T074"),
        ("NG tube", "MKG:nasogastric_tube", "T074"),
        ("sternotomy wires", "MKG:sternotomy_wires", "T074"),
        ("pacemaker", "MKG:D010138", "T074"),
        ("Lung", "MKG:D008168", "T023"),
        ("clavicle", "MKG:D002968", "T023"),
        ("costophrenic angle", "MKG:costophrenic_angle", "T029"),
        ("RLL", "MKG:right_lower_lobe", "T023"),
        ("hilum", "MKG:pulmonary_hilum", "T029"),
    ],
)
def test_devices_and_anatomy_get_local_ids(seed, text: str, local_id: str, tui: str) -> None:
    (concept,) = seed.lookup(text)
    assert concept.cui == local_id and not re.match(r"^C\d{7}$", concept.cui)
    assert tui in concept.tuis


def test_hierarchy(seed) -> None:
    assert seed.is_a("MKG:picc_line", "MKG:medical_device")
    assert seed.is_a("MKG:D062905", "MKG:D057785")  # Central Venous Catheters isa Catheters
    assert seed.is_a("C0032227", "C0032226")  # Pleural Effusion isa Pleural Diseases
    parts = {(r.head, r.tail) for r in seed.relations if r.rela == "part_of"}
    assert ("MKG:D013904", "MKG:D013131") in parts  # Thoracic Vertebrae part_of Spine
    assert ("MKG:lingula", "MKG:left_upper_lobe") in parts and ("MKG:left_upper_lobe", "MKG:D008168") in parts
