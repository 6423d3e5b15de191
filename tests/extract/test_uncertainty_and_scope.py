"""On the shipped seed: uncertainty cues, differentials, partial clear statements,
anatomy phrases for located_at, and the orphan "or" list after a negated sentence."""

from __future__ import annotations

import pytest
import spacy

from medkg.extract import Extractor
from medkg.extract.scope import opacity_family


@pytest.fixture(scope="module")
def seed() -> Extractor:
    return Extractor(fuzzy=False)


def _assert(extractor, text):
    return [(m.text, m.assertion.value, m.hedged, m.partial)
            for m in extractor.extract({"findings": text}).mentions]


def _rel(extractor, text):
    r = extractor.extract({"findings": text})
    return [(r.mentions[x.source].text, x.kind, r.mentions[x.target].text) for x in r.relations]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Findings suggest pneumonia.", [("pneumonia", "present", True, False)]),
        ("Appearance suggests emphysema.", [("emphysema", "present", True, False)]),
        ("Findings compatible with pneumonia.", [("pneumonia", "present", True, False)]),
        ("Pneumonia is a possibility.", [("Pneumonia", "uncertain", False, False)]),
        ("Atelectasis versus pneumonia.",
         [("Atelectasis", "present", True, False), ("pneumonia", "present", True, False)]),
        ("Probable atelectasis vs. pneumonia.",
         [("atelectasis", "present", True, False), ("pneumonia", "present", True, False)]),
        # a side negated by its own cue stays absent
        ("No effusion versus small effusion.",
         [("effusion", "absent", False, False), ("effusion", "absent", False, False)]),
        # "versus" reaches only the nearest finding on each side, inside its clause
        ("Atelectasis in the right base, and a nodule versus granuloma.",
         [("Atelectasis", "present", False, False), ("right base", "present", False, False),
          ("nodule", "present", True, False), ("granuloma", "present", True, False)]),
    ],
)
def test_uncertainty_cues(seed, text, expected):
    assert _assert(seed, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # the report asserts an opacity: the partial statement is dropped
        ("Right lower lobe opacity. Lungs are otherwise clear.",
         [("Right lower lobe", "present", False, False), ("opacity", "present", False, False)]),
        ("Left base atelectasis. Remainder of the lungs are clear.",
         [("Left base", "present", False, False), ("atelectasis", "present", False, False)]),
        # no opacity-type finding elsewhere: kept absent, flagged partial
        ("Heart is enlarged. The lungs are otherwise clear.",
         [("Heart is enlarged", "present", False, False),
          ("lungs are otherwise clear", "absent", False, True)]),
        ("Remainder of the lungs are clear.", [("lungs are clear", "absent", False, True)]),
        ("The lungs are relatively clear. No pneumonia.",
         [("lungs are relatively clear", "absent", False, True), ("pneumonia", "absent", False, False)]),
        ("The lungs are clear.", [("lungs are clear", "absent", False, False)]),
    ],
)
def test_partial_clear_statements(seed, text, expected):
    assert _assert(seed, text) == expected


def test_partial_statement_in_label_path_and_components(seed):
    text = "FINDINGS: Right lower lobe opacity. Lungs are otherwise clear."
    cuis = [(c, a.value) for c, _, a, _ in seed.concept_assertions(text)]
    assert cuis == [("MKG:right_lower_lobe", "present"), ("MKG:HP_0031457", "present")]
    nlp = spacy.blank("en")
    nlp.add_pipe("medkg_concepts", config={"fuzzy": False})
    nlp.add_pipe("medkg_context", config={"fuzzy": False})
    doc = nlp(text)
    assert [(s.text, s._.assertion, s._.partial) for s in doc.spans["medkg"]] == [
        ("Right lower lobe", "present", False), ("opacity", "present", False)]


def test_opacity_family_by_name(seed):
    family = opacity_family(seed.ontology)
    names = {seed.concept_name(c) for c in family}
    assert {"Pulmonary opacity", "Atelectasis", "Pulmonary nodule", "Mass", "Pneumonia",
            "Cicatrix", "Calcified granuloma"} <= names
    assert "Cardiomegaly" not in names and "Pleural Effusion" not in names


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Bibasilar atelectasis.", [("atelectasis", "located_at", "Bibasilar")]),
        ("Calcified granuloma left base.", [("Calcified granuloma", "located_at", "left base")]),
        ("Scarring or atelectasis in the left lung base.",
         [("Scarring", "located_at", "left lung base"), ("atelectasis", "located_at", "left lung base")]),
        ("Left midlung pulmonary nodule.", [("pulmonary nodule", "located_at", "Left midlung")]),
        ("Lingular atelectasis.", [("atelectasis", "located_at", "Lingular")]),
        ("Right subclavian catheter tip in the SVC.",
         [("catheter", "located_at", "subclavian"), ("catheter", "located_at", "SVC")]),
        ("Unchanged right hilar mass.", [("mass", "located_at", "hilar")]),
        ("Apical scarring.", [("scarring", "located_at", "Apical")]),
        ("Masslike opacification of right apex.", [("Masslike opacification", "located_at", "right apex")]),
        # only "or" lists share a location
        ("Opacity and pneumonia in the left lung.", [("pneumonia", "located_at", "left lung")]),
    ],
)
def test_anatomy_phrases_and_located_at(seed, text, expected):
    assert _rel(seed, text) == expected


def test_anatomy_names_are_seed_concepts(seed):
    r = seed.extract({"findings": "Bibasilar atelectasis. Left midlung nodule. Right subclavian line."})
    assert [(m.text, m.name) for m in r.mentions] == [
        ("Bibasilar", "Lung base"), ("atelectasis", "Atelectasis"), ("Left midlung", "Lung"),
        ("nodule", "Pulmonary nodule"), ("subclavian", "Subclavian Vein"), ("line", "Medical device")]


def test_modifiers_reach_through_anatomy(seed):
    r = seed.extract({"findings": "Mild left base atelectasis."})
    assert [(m.text, m.laterality, m.severity) for m in r.mentions] == [
        ("left base", "left", "mild"), ("atelectasis", "left", "mild")]


def test_orphan_or_list_continues_negation(seed):
    text = "The lungs are clear without evidence of fibrosis. Pleural effusions or pneumothorax."
    r = seed.extract({"findings": text})
    # the source text really has a period there: two sentences, no splitting bug
    assert [r.text[s.start:s.end] for s in r.sentences] == [
        "The lungs are clear without evidence of fibrosis.", "Pleural effusions or pneumothorax."]
    assert [(m.text, m.assertion.value) for m in r.mentions] == [
        ("lungs are clear", "absent"), ("fibrosis", "absent"),
        ("Pleural effusions", "absent"), ("pneumothorax", "absent")]


@pytest.mark.parametrize(
    "text",
    [
        "No effusion. Atelectasis or scarring in the left base.",  # more than a bare list
        "Lungs are clear. Effusion or pneumothorax.",  # previous sentence ends in no negated finding
        "No effusion.\n\nIMPRESSION: Effusion or pneumothorax.",  # another section
    ],
)
def test_orphan_list_rule_is_narrow(seed, text):
    r = seed.extract(text)
    assert [m.assertion.value for m in r.mentions if m.sentence > 0] in (["present"] * 2, ["present"] * 3)
