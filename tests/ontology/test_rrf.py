from pathlib import Path

import pytest

from medkg.errors import InputFileError, ParseError
from medkg.ontology.model import Relation, SemanticType
from medkg.ontology.rrf import load_rrf, write_rrf

META = Path(__file__).parent / "fixtures" / "meta"


@pytest.fixture(scope="module")
def onto():
    return load_rrf(META)


def test_concepts_kept_and_filtered(onto):
    assert sorted(onto.concepts) == [
        "C0004144", "C0004626", "C0018800", "C0024115", "C0032226",
        "C0032227", "C0032285", "C0032326", "C0034063",
    ]  # fmt: skip
    # C0034065: its only English atom is suppressed (O), the other one is French
    assert "C0034065" not in onto
    assert onto.name == "meta"


def test_preferred_name_synonyms_codes_types_definition(onto):
    effusion = onto["C0032227"]
    # the TS=P/STT=PF/ISPREF=Y atom wins although a TS=P/STT=VO atom comes first
    assert effusion.name == "Pleural Effusion"
    # suppressed (E) and French atoms are skipped
    assert effusion.synonyms == ("Pleural effusion", "Fluid around lungs", "Pleural effusion (disorder)")
    assert effusion.codes == (("HPO", "HP:0002202"), ("MSH", "D010996"), ("SNOMEDCT_US", "60046008"))
    assert effusion.semantic_types == (SemanticType("T046", "Pathologic Function"),)
    assert effusion.definition == "Fluid collected between the two layers of the pleura."
    assert onto["C0018800"].tuis == ("T033", "T047")
    assert onto["C0018800"].definition is None  # its only definition is suppressed
    assert [c.cui for c in onto.by_code("MSH", "D011030")] == ["C0032326"]
    assert [c.cui for c in onto.lookup("collapsed lungs")] == ["C0032326"]


def test_relation_direction_and_hierarchy(onto):
    # MRREL "C0032226|CHD|C0032227|isa": C0032227 (CUI2) is a child of C0032226 (CUI1)
    assert onto.relations[0] == Relation("C0032227", "CHD", "isa", "C0032226", "MSH")
    assert onto.relations[1] == Relation("C0032226", "PAR", "inverse_isa", "C0032227", "MSH")
    assert onto.parents("C0032227") == {"C0032226"}
    assert onto.ancestors("C0004626") == {"C0032285", "C0024115"}
    assert onto.is_a("C0004626", "C0024115")
    assert onto.descendants("C0024115") == {"C0032285", "C0004626", "C0034063", "C0004144", "C0032326"}
    labels = [r.label for r in onto.relations]
    assert "associated_with" not in labels  # suppressed relation (SUPPRESS=O)
    assert len(onto.relations) == 8  # the one to C0034065 (not kept) is dropped too
    assert Relation("C0018800", "RO", "co-occurs_with", "C0032227", "HPO") in onto.relations


def test_source_filter():
    hpo = load_rrf(META, sabs={"HPO"})
    assert sorted(hpo.concepts) == ["C0004144", "C0018800", "C0032227", "C0032285", "C0032326", "C0034063"]
    assert hpo["C0032227"].name == "Pleural effusion"
    assert hpo["C0032227"].codes == (("HPO", "HP:0002202"),)
    assert hpo.relations == [Relation("C0018800", "RO", "co-occurs_with", "C0032227", "HPO")]
    msh = load_rrf(META, sabs={"MSH"})
    assert msh["C0032227"].definition == "Abnormal build-up of fluid in the pleural space."


def test_semantic_type_tty_language_and_suppress_filters():
    assert sorted(load_rrf(META, semantic_types={"T046"}).concepts) == ["C0032227", "C0034063"]
    preferred = load_rrf(META, ttys={"MH"})
    assert len(preferred) == 9 and preferred["C0032227"].synonyms == ()
    everything = load_rrf(META, languages=None, suppress=())
    assert len(everything) == 10
    assert "Pleurisy with effusion" in everything["C0032227"].synonyms
    assert "Épanchement pleural" in everything["C0032227"].synonyms
    assert any(r.rela == "associated_with" for r in everything.relations)
    french = load_rrf(META, languages={"FRE"})
    assert sorted(french.concepts) == ["C0032227", "C0034065"]


def test_write_read_round_trip(onto, tmp_path):
    write_rrf(onto, tmp_path)
    back = load_rrf(tmp_path)
    assert back.concepts == onto.concepts
    assert back.relations == onto.relations
    first = (tmp_path / "MRCONSO.RRF").read_text().splitlines()[0]
    assert first == "C0004144|ENG|P||PF||Y|||||MSH|PT|D001261|Pulmonary Atelectasis|0|N||"
    again = tmp_path / "again"
    write_rrf(back, again)
    for name in ("MRCONSO.RRF", "MRSTY.RRF", "MRDEF.RRF", "MRREL.RRF"):
        assert (again / name).read_bytes() == (tmp_path / name).read_bytes()


def test_truncated_line_names_file_and_line(tmp_path):
    for name in ("MRSTY.RRF", "MRDEF.RRF", "MRREL.RRF"):
        (tmp_path / name).write_text((META / name).read_text())
    lines = (META / "MRCONSO.RRF").read_text().splitlines()
    lines[4] = lines[4][:40]
    (tmp_path / "MRCONSO.RRF").write_text("\n".join(lines) + "\n")
    with pytest.raises(ParseError) as err:
        load_rrf(tmp_path)
    assert err.value.line == 5
    assert err.value.path == str(tmp_path / "MRCONSO.RRF")
    assert f"{tmp_path / 'MRCONSO.RRF'}:5" in str(err.value)
    assert "expected 18" in str(err.value)


def test_missing_directory_or_file(tmp_path):
    with pytest.raises(InputFileError) as err:
        load_rrf(tmp_path / "nowhere")
    assert str(tmp_path / "nowhere") in str(err.value)
    (tmp_path / "MRCONSO.RRF").write_text((META / "MRCONSO.RRF").read_text())
    assert len(load_rrf(tmp_path)) == 9  # MRSTY, MRREL and MRDEF are optional...
    with pytest.raises(InputFileError, match="MRSTY.RRF"):
        load_rrf(tmp_path, semantic_types={"T047"})  # ...unless a semantic-type filter needs MRSTY
