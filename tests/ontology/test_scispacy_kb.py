import json
from pathlib import Path

import pytest

from medkg.errors import ParseError
from medkg.ontology.rrf import load_rrf
from medkg.ontology.scispacy_kb import read_scispacy_kb, write_scispacy_kb

META = Path(__file__).parent / "fixtures" / "meta"


def test_round_trip(tmp_path):
    onto = load_rrf(META)
    path = write_scispacy_kb(onto, tmp_path / "kb.jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 9
    record = json.loads(lines[5])
    assert record == {
        "concept_id": "C0032227",
        "canonical_name": "Pleural Effusion",
        "aliases": ["Pleural effusion", "Fluid around lungs", "Pleural effusion (disorder)"],
        "types": ["T046"],
        "definition": "Fluid collected between the two layers of the pleura.",
    }
    assert "definition" not in json.loads(lines[0])  # written only when there is one
    names = {st.tui: st.name for c in onto for st in c.semantic_types}
    back = read_scispacy_kb(path, type_names=names)
    # codes and relations have no place in the format
    for cui, concept in onto.concepts.items():
        got = back[cui]
        assert (got.name, got.synonyms, got.semantic_types, got.definition) == (
            concept.name,
            concept.synonyms,
            concept.semantic_types,
            concept.definition,
        )
        assert got.codes == ()
    write_scispacy_kb(back, tmp_path / "again.jsonl")
    assert (tmp_path / "again.jsonl").read_bytes() == path.read_bytes()


def test_bad_line_names_file_and_line(tmp_path):
    path = tmp_path / "kb.jsonl"
    path.write_text('{"concept_id": "C0032227", "canonical_name": "Pleural effusion"}\n{"concept_id": \n')
    with pytest.raises(ParseError) as err:
        read_scispacy_kb(path)
    assert err.value.line == 2 and f"{path}:2" in str(err.value)
    path.write_text('{"canonical_name": "Pleural effusion"}\n')
    with pytest.raises(ParseError, match="concept_id"):
        read_scispacy_kb(path)
