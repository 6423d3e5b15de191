from pathlib import Path

import pytest

from medkg.errors import InputFileError, ParseError
from medkg.ontology.model import Relation
from medkg.ontology.rdf import load_rdf, local_id

FIXTURES = Path(__file__).parent / "fixtures"


def test_owl_rdfxml_with_obo_annotations():
    onto = load_rdf(FIXTURES / "chest.owl")
    assert sorted(onto.concepts) == [
        "C0013604",
        "C0032227",
        "C0032326",
        "C4025726",
    ]  # deprecated class dropped
    effusion = onto["C0032227"]
    assert effusion.name == "Pleural effusion"
    assert effusion.synonyms == ("Fluid around lungs",)  # the broad synonym "Effusion" is not a name
    assert effusion.codes == (("HPO", "HP:0002202"), ("SNOMEDCT_US", "60046008"))
    assert effusion.definition == "Fluid collected between the two layers of the pleura."
    assert onto["C0032326"].synonyms == ("Collapsed lung",)  # hasRelatedSynonym
    # the owl:Restriction superclass is ignored
    assert onto.relations == [
        Relation("C0032326", "CHD", "isa", "C4025726", "HPO"),
        Relation("C0032227", "CHD", "isa", "C0013604", "HPO"),
        Relation("C0032227", "CHD", "isa", "C4025726", "HPO"),
    ]


def test_skos_turtle():
    onto = load_rdf(FIXTURES / "chest-skos.ttl")
    assert sorted(onto.concepts) == ["PleuralDisease", "PleuralEffusion", "Pneumothorax"]  # not the scheme
    effusion = onto["PleuralEffusion"]
    assert effusion.name == "Pleural effusion"  # the French prefLabel is skipped
    assert effusion.synonyms == ("Hydrothorax", "Fluid around lungs")
    assert effusion.definition == "Fluid collected between the two layers of the pleura."
    # skos:broader and skos:narrower both give isa edges
    assert onto.parents("PleuralEffusion") == {"PleuralDisease"}
    assert onto.parents("Pneumothorax") == {"PleuralDisease"}
    assert [c.cui for c in onto.lookup("disorder of pleura")] == ["PleuralDisease"]


def test_format_argument_and_local_ids(tmp_path):
    copy = tmp_path / "chest.data"
    copy.write_bytes((FIXTURES / "chest-skos.ttl").read_bytes())
    assert len(load_rdf(copy, format="turtle")) == 3
    assert local_id("http://purl.obolibrary.org/obo/DOID_552") == "DOID:552"
    assert local_id("http://example.org/x/Lung/") == "Lung"


def test_errors(tmp_path):
    with pytest.raises(InputFileError):
        load_rdf(tmp_path / "none.ttl")
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e \n")
    with pytest.raises(ParseError) as err:
        load_rdf(bad)
    assert str(bad) in str(err.value)
