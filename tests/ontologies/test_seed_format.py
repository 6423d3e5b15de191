"""The committed seed is well-formed RRF with deterministic local ids and types for every concept."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

SEED = Path(__file__).resolve().parents[2] / "ontologies" / "seed"
FIELDS = {"MRCONSO.RRF": 18, "MRREL.RRF": 16, "MRSTY.RRF": 6, "MRDEF.RRF": 8}
CUI = re.compile(r"^C\d{7}$")
LOCAL = re.compile(r"^MKG:(D\d{6,9}|DOID_\d+|HP_\d{7}|[a-z][a-z0-9_]*)$")


def rows(name: str) -> list[list[str]]:
    text = (SEED / name).read_text(encoding="utf-8")
    assert "\r" not in text and text.endswith("|\n")
    return [line.split("|")[:-1] for line in text.splitlines()]


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_every_line_has_the_rrf_field_count(name: str) -> None:
    lines = (SEED / name).read_text(encoding="utf-8").splitlines()
    assert lines
    assert all(line.endswith("|") and line.count("|") == FIELDS[name] for line in lines)


def test_concept_ids_are_cuis_or_documented_local_ids() -> None:
    ids = {r[0] for r in rows("MRCONSO.RRF")}
    assert all(CUI.match(i) or LOCAL.match(i) for i in ids)
    assert not [i for i in ids if i.startswith("MKG:") and CUI.match(i[4:])]


def test_one_preferred_atom_per_concept_and_unique_auis() -> None:
    conso = rows("MRCONSO.RRF")
    preferred = Counter(r[0] for r in conso if r[2] == "P" and r[4] == "PF")
    assert set(preferred.values()) == {1}
    assert len(preferred) == len({r[0] for r in conso})
    auis = [r[7] for r in conso]
    assert len(set(auis)) == len(auis) and all(a.startswith("MKGA") for a in auis)
    assert {r[11] for r in conso} == {"MSH", "DOID", "HPO", "MEDKG"}


def test_every_concept_has_a_real_semantic_type() -> None:
    sty = rows("MRSTY.RRF")
    assert {r[0] for r in sty} == {r[0] for r in rows("MRCONSO.RRF")}
    names = {(r[1], r[2], r[3]) for r in sty}
    assert ("T047", "B2.2.1.2.1", "Disease or Syndrome") in names
    assert ("T074", "A1.3.1", "Medical Device") in names
    assert ("T023", "A1.2.3.1", "Body Part, Organ, or Organ Component") in names


def test_isa_rows_come_in_inverse_pairs() -> None:
    rel = rows("MRREL.RRF")
    forward = {(r[0], r[4]) for r in rel if r[3] == "CHD" and r[7] == "isa"}
    backward = {(r[4], r[0]) for r in rel if r[3] == "PAR" and r[7] == "inverse_isa"}
    assert forward == backward and len(forward) > 3000
    part = {(r[0], r[4]) for r in rel if r[7] == "part_of"}
    has_part = {(r[4], r[0]) for r in rel if r[7] == "has_part"}
    assert part == has_part and part
