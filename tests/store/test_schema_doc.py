"""docs/SCHEMA.md's example Cypher runs on the embedded store, and its tables name every property."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from medkg.store import schema as S
from medkg.store.ladybug import LadybugStore

DOC = Path(__file__).resolve().parents[2] / "docs" / "SCHEMA.md"


def _queries() -> list[str]:
    block = re.search(r"```cypher\n(.*?)```", DOC.read_text(), re.S).group(1)
    lines = [ln for ln in block.splitlines() if not ln.strip().startswith("//")]
    return [q.strip() for q in "\n".join(lines).split(";") if q.strip()]


def test_every_property_is_documented():
    text = DOC.read_text()
    names = {p for props in S.NODE_PROPERTIES.values() for p, _ in props}
    names |= {p for props in S.REL_PROPERTIES.values() for p, _ in props}
    missing = sorted(n for n in names if f"`{n}`" not in text and f"`{n}`," not in text)
    assert missing == []


def test_example_queries_run(kg, C, tmp_path):
    with LadybugStore(tmp_path / "s", read_only=False) as store:
        store.write(kg)
    params = {"cui": C.CARDIOMEGALY, "id": "I1a"}
    queries = _queries()
    assert len(queries) == 5
    with LadybugStore(tmp_path / "s") as store:
        results = []
        for q in queries:
            used = {k: v for k, v in params.items() if f"${k}" in q}
            if "SUGGESTIVE_OF" in q:
                used["cui"] = C.PNEUMONIA
            if "Patient" in q:
                used["id"] = "P1"
            results.append(store.cypher(q, used))
    assert [r["i.id"] for r in results[0]] == ["I1a", "I1b"]
    assert {r["relation"] for r in results[1]} == {"POSITIVE", "NEGATIVE", "UNCERTAIN"}
    # pneumonia's DO parent joins the graph as its ontology neighbourhood (ontology_scope="neighbours")
    assert results[2] == [{"p.cui": "C0024115", "p.name": "lung disease"}]
    assert results[3] == [{"f.name": "Atelectasis", "r.support": 1}]
    assert sorted(r["i.id"] for r in results[4]) == ["I1a", "I1b", "I2"]


@pytest.mark.parametrize("name", ["ISA", "FINDING_SITE", "POSITIVE"])
def test_documented_types_are_valid(name):
    assert S.validate_rel_type(name) == name
