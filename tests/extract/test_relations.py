"""RadGraph-style relations on crafted sentences (mentions built by hand, ids from the seed)."""

from __future__ import annotations

from medkg.extract.relations import find_relations, is_anatomy
from medkg.link.text import fold
from medkg.extract.types import Assertion, Mention, Section

OPACITY = ("MKG:HP_0031457", "Pulmonary opacity", ("T033",))
PNEUMONIA = ("C0032285", "Pneumonia", ("T047",))
CARDIOMEGALY = ("C0018800", "Cardiomegaly", ("T047", "T190"))
LUNG = ("MKG:D008168", "Lung", ("T023",))
GRANULOMA = ("MKG:D006099", "Granuloma", ("T046",))
SPINE = ("MKG:D013131", "Spine", ("T023",))
ATELECTASIS = ("C0004144", "Atelectasis", ("T033",))
SCAR = ("MKG:D002921", "Cicatrix", ("T046",))


def mention(text: str, phrase: str, concept, nth: int = 0, assertion=Assertion.PRESENT) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    cui, name, tuis = concept
    return Mention(cui, name, phrase, start, start + len(phrase), Section.FINDINGS, 0,
                   assertion=assertion, semantic_types=tuis)


def relations(text: str, *mentions: Mention) -> list[tuple[str, str, str]]:
    ms = sorted(mentions, key=lambda m: m.start)
    return [(r.kind, ms[r.source].text, ms[r.target].text) for r in find_relations(fold(text), ms)]


def test_located_at_after_preposition():
    t = "Opacity in the right lower lobe."
    assert relations(t, mention(t, "Opacity", OPACITY), mention(t, "lower lobe", LUNG)) == [
        ("located_at", "Opacity", "lower lobe")]


def test_located_at_with_verb_and_anatomy_first():
    t = "Granuloma is seen in the left lung. Lung opacity."
    assert relations(t, mention(t, "Granuloma", GRANULOMA), mention(t, "lung", LUNG)) == [
        ("located_at", "Granuloma", "lung")]
    t = "Right lung opacity."
    assert relations(t, mention(t, "lung", LUNG), mention(t, "opacity", OPACITY)) == [
        ("located_at", "opacity", "lung")]


def test_no_located_at_across_other_words_or_findings():
    t = "Opacity and pneumonia in the lung."
    assert relations(t, mention(t, "Opacity", OPACITY), mention(t, "pneumonia", PNEUMONIA),
                     mention(t, "lung", LUNG)) == [("located_at", "pneumonia", "lung")]
    t = "Opacity, normal spine."
    assert relations(t, mention(t, "Opacity", OPACITY), mention(t, "spine", SPINE)) == []


def test_suggestive_of():
    t = "Opacity which may represent pneumonia."
    assert relations(t, mention(t, "Opacity", OPACITY), mention(t, "pneumonia", PNEUMONIA)) == [
        ("suggestive_of", "Opacity", "pneumonia")]
    t = "Opacity consistent with atelectasis or scar."
    assert relations(t, mention(t, "Opacity", OPACITY), mention(t, "atelectasis", ATELECTASIS),
                     mention(t, "scar", SCAR)) == [
        ("suggestive_of", "Opacity", "atelectasis"), ("suggestive_of", "Opacity", "scar")]


def test_no_suggestive_of_for_differential_or_negation():
    t = "Atelectasis versus scar."
    assert relations(t, mention(t, "Atelectasis", ATELECTASIS), mention(t, "scar", SCAR)) == []
    t = "No opacity to suggest pneumonia."
    assert relations(t, mention(t, "opacity", OPACITY, assertion=Assertion.ABSENT),
                     mention(t, "pneumonia", PNEUMONIA, assertion=Assertion.ABSENT)) == []


def test_modify():
    t = "Cardiomegaly opacity."
    assert relations(t, mention(t, "Cardiomegaly", CARDIOMEGALY), mention(t, "opacity", OPACITY)) == [
        ("modify", "Cardiomegaly", "opacity")]
    t = "Scar right lower lobe granuloma."
    assert relations(t, mention(t, "Scar", SCAR), mention(t, "granuloma", GRANULOMA)) == [
        ("modify", "Scar", "granuloma")]


def test_no_modify_across_list_punctuation():
    t = "No atelectasis, pneumonia."
    assert relations(t, mention(t, "atelectasis", ATELECTASIS), mention(t, "pneumonia", PNEUMONIA)) == []


def test_is_anatomy():
    t = "Lung opacity"
    assert (is_anatomy(mention(t, "Lung", LUNG)), is_anatomy(mention(t, "opacity", OPACITY))) == (True, False)


def test_extractor_modifiers_on_crafted_sentences(extractor):
    ex = extractor.extract({"findings": "Mild cardiomegaly. Small left pleural effusion."})
    assert [(m.text, m.laterality, m.severity) for m in ex.mentions] == [
        ("cardiomegaly", None, "mild"), ("pleural effusion", "left", "small")]
    assert ex.relations == ()
