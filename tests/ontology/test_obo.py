"""OBO reader on the real Disease Ontology (2016-09-01) and HPO (2025-01-16) files in ../shared."""

from pathlib import Path

import pytest

from medkg.errors import InputFileError, ParseError
from medkg.ontology.model import Relation, SemanticType
from medkg.ontology.obo import load_obo

SOURCES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ontology-sources"


@pytest.fixture(scope="module")
def doid():
    return load_obo(SOURCES / "doid_2016-09-01.obo")


@pytest.fixture(scope="module")
def hpo():
    return load_obo(SOURCES / "hp_2025-01-16.obo")


def test_disease_ontology_counts(doid):
    # 9,344 [Term] stanzas, 2,373 obsolete; of the 6,971 live terms 5,778 carry a UMLS_CUI xref,
    # whose first CUIs are 5,749 distinct (28 CUIs are shared by two terms and merge)
    assert len(doid) == 6942
    assert sum(cui.startswith("C") for cui in doid.concepts) == 5749
    assert sum(cui.startswith("DOID:") for cui in doid.concepts) == 6971 - 5778
    assert doid.stats().relations_by_type == {"isa": 8135}
    assert doid.name == "doid_2016-09-01"


def test_disease_ontology_concepts(doid):
    pneumonia = doid["C0032285"]
    assert pneumonia.name == "pneumonia"
    assert pneumonia.synonyms == ("acute pneumonia",)
    assert pneumonia.codes[:2] == (("DOID", "DOID:552"), ("MSH", "D011014"))
    assert doid.parents("C0032285") == {"C0024115"}  # lung disease
    assert Relation("C0032285", "CHD", "isa", "C0024115", "DOID") in doid.relations
    assert [c.cui for c in doid.by_code("MSH", "D008171")] == ["C0024115"]
    # a term with two UMLS CUIs is keyed by the first; the second is kept as a code
    angiosarcoma = doid["C0018923"]
    assert ("UMLS", "C0854893") in angiosarcoma.codes and "C0854893" not in doid
    # two terms sharing a CUI merge; the first term's name stays preferred
    merged = doid["C0578661"]
    assert merged.name == "seminal vesicle acute gonorrhea"
    assert merged.synonyms[0] == "gonococcal seminal vesiculitis"
    assert ("DOID", "DOID:0050004") in merged.codes and ("DOID", "DOID:10400") in merged.codes
    # a term without UMLS xref keeps its own id; no semantic types are assigned
    assert doid["DOID:0050012"].name == "chikungunya"
    assert all(not c.semantic_types for c in doid)


def test_hpo_counts_and_concepts(hpo):
    # 19,484 terms, 450 obsolete; 11,513 of the live ones have a UMLS xref, one of them malformed
    # (HP:0034420 "UMLS:0189573"), giving 11,407 distinct CUIs
    assert len(hpo) == 18929
    assert sum(cui.startswith("C") for cui in hpo.concepts) == 11407
    assert len(hpo.relations) == 23318
    effusion = hpo["C0032227"]
    assert effusion.name == "Pleural effusion"
    assert effusion.synonyms == ("Fluid around lungs",)
    assert effusion.codes == (("HPO", "HP:0002202"), ("SNOMEDCT_US", "60046008"))
    assert effusion.definition == "The presence of an excessive amount of fluid in the pleural cavity."
    assert hpo.parents("C0032227") == {"C0013604", "C4025726"}  # Edema, Abnormal pleura morphology
    assert hpo["HP:0034420"].codes == (("HPO", "HP:0034420"),)
    # EXACT layperson "Pneumonia" equals the name, so it is not repeated as a synonym
    assert hpo["C0032285"].synonyms == ()
    assert [c.cui for c in hpo.lookup("collapsed lung")] == ["C0032326"]


def test_synonym_scopes_prefix_and_semantic_types():
    path = SOURCES / "hp_2025-01-16.obo"
    narrow = load_obo(path, scopes={"EXACT"}, prefix="HP")
    broad = load_obo(path, scopes={"EXACT", "RELATED", "BROAD", "NARROW"})
    assert narrow.stats().names < load_obo(path).stats().names < broad.stats().names
    assert "Soft tissue swelling" in broad["C0013604"].synonyms  # a BROAD synonym of Edema
    assert "Soft tissue swelling" not in narrow["C0013604"].synonyms
    assert len(load_obo(path, prefix="DOID")) == 0
    typed = load_obo(path, semantic_types={"HP:0002202": [SemanticType("T046", "Pathologic Function")]})
    assert typed["C0032227"].tuis == ("T046",)


BAD = {
    "no id": ("[Term]\nname: pleural effusion\n\n[Term]\nid: X:2\nname: b\n", 1, "without an 'id:'"),
    "no colon": ("[Term]\nid: X:1\nname a\n", 3, "expected 'tag: value'"),
    "bad header": ("format-version: 1.2\n\n[Term\nid: X:1\n", 3, "malformed stanza header"),
    "unquoted synonym": ("[Term]\nid: X:1\nname: a\nsynonym: b EXACT []\n", 4, "quoted string"),
    "two ids": ("[Term]\nid: X:1\nid: X:2\n", 3, "second 'id:'"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_stanza_names_file_and_line(tmp_path, case):
    text, line, message = BAD[case]
    path = tmp_path / "bad.obo"
    path.write_text(text)
    with pytest.raises(ParseError) as err:
        load_obo(path)
    assert err.value.line == line
    assert f"{path}:{line}" in str(err.value) and message in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputFileError) as err:
        load_obo(tmp_path / "missing.obo")
    assert str(tmp_path / "missing.obo") in str(err.value)
