"""A small real-CUI ontology and extractors shared by the extract, labels and link tests (CUIs as in the
DO/HPO files of ../shared). Each of those packages' conftest imports the fixtures from here."""

from __future__ import annotations

import pytest

from medkg.extract import Extractor
from medkg.ontology.model import Concept, Ontology, Relation, SemanticType

DISEASE = SemanticType("T047", "Disease or Syndrome")
FINDING = SemanticType("T033", "Finding")


def chest_ontology() -> Ontology:
    concepts = [
        Concept(
            "C0032227", "Pleural effusion", ("Fluid around lungs",), (DISEASE,), (("HPO", "HP:0002202"),)
        ),
        Concept("C0018800", "Cardiomegaly", ("Enlarged heart", "Increased heart size"), (FINDING,)),
        Concept("C0032326", "Pneumothorax", (), (DISEASE,)),
        Concept("C0004144", "Atelectasis", ("Pulmonary atelectasis",), (DISEASE,)),
        Concept("C0032285", "Pneumonia", (), (DISEASE,)),
        Concept("C0034063", "Pulmonary edema", (), (DISEASE,)),
        Concept("C0034067", "Emphysema", ("Pulmonary emphysema",), (DISEASE,)),
        Concept("C0019270", "Hernia", (), (DISEASE,)),
        Concept("C3489393", "Hiatus hernia", ("hiatal hernia",), (DISEASE,)),
        Concept("C0018802", "Congestive heart failure", (), (DISEASE,)),
        Concept("C0024117", "Chronic obstructive pulmonary disease", (), (DISEASE,)),
        Concept("C0235896", "Pulmonary infiltrates", (), (FINDING,)),
    ]
    relations = [Relation("C3489393", "CHD", "isa", "C0019270")]
    return Ontology.from_parts(concepts, relations, name="test-chest")


@pytest.fixture(scope="session")
def onto() -> Ontology:
    return chest_ontology()


@pytest.fixture(scope="session")
def extractor(onto: Ontology) -> Extractor:
    return Extractor(onto, fuzzy=False)


@pytest.fixture(scope="session")
def fuzzy_extractor(onto: Ontology) -> Extractor:
    return Extractor(onto, fuzzy=True)
