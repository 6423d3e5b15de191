"""Curated facts of the shipped seed that extraction and retrieval rely on (ontologies/curated/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from medkg.ontology import load

SEED = Path(__file__).resolve().parents[2] / "ontologies" / "seed" / "MRCONSO.RRF"
pytestmark = pytest.mark.skipif(
    not SEED.is_file(), reason="the shipped seed ontology is built by ontologies/build_seed.py"
)


@pytest.fixture(scope="module")
def seed():
    return load()


def test_central_venous_catheters_are_indwelling_catheters(seed):
    indwelling = "MKG:D002408"
    assert [c.name for c in seed.lookup("catheters, indwelling")] == ["Catheters, Indwelling"]
    assert seed.parents("MKG:D062905") == {"MKG:D062666", indwelling}  # MeSH's parent is kept
    assert seed.is_a("MKG:picc_line", indwelling)  # through Central Venous Catheters
    assert seed.is_a("MKG:D062905", "MKG:medical_device")
    assert {"MKG:D062905", "MKG:picc_line"} <= seed.descendants(indwelling)


@pytest.mark.parametrize(
    "phrase, cuis",
    [
        ("central venous line", ["MKG:D062905"]),
        ("central line", ["MKG:D062905"]),
        ("spurring", ["MKG:D054850"]),
        ("degenerative spurring", ["MKG:D054850"]),
        ("vascular congestion", ["MKG:pulmonary_vascular_congestion"]),
    ],
)
def test_report_phrasings_name_one_concept(seed, phrase, cuis):
    assert [c.cui for c in seed.lookup(phrase)] == cuis
