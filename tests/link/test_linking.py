"""Fuzzy linking of misspellings and abbreviation expansion."""

from __future__ import annotations

from medkg.link.candidates import CandidateIndex


def _linked(extractor, text):
    return [
        (m.text, m.cui, m.method, m.assertion.value) for m in extractor.extract({"findings": text}).mentions
    ]


def test_misspellings_are_linked(fuzzy_extractor):
    got = _linked(fuzzy_extractor, "No pneumothoraks. Small pleural efusion. Mild atelectesis.")
    assert got == [
        ("pneumothoraks", "C0032326", "fuzzy", "absent"),
        ("efusion", "C0032227", "fuzzy", "present"),
        ("atelectesis", "C0004144", "fuzzy", "present"),
    ]


def test_fuzzy_off_and_common_words_not_linked(extractor, fuzzy_extractor):
    assert _linked(extractor, "No pneumothoraks.") == []
    assert _linked(fuzzy_extractor, "The cardiomediastinal silhouette is within normal limits.") == []


def test_fuzzy_scores_are_cosines(fuzzy_extractor):
    m = fuzzy_extractor.extract("pneumothoraks").mentions[0]
    assert 0.55 <= m.score < 1.0


def test_abbreviations(extractor):
    got = _linked(extractor, "History of CHF and COPD. No CHF.")
    assert got == [
        ("CHF", "C0018802", "abbreviation", "present"),
        ("COPD", "C0024117", "abbreviation", "present"),
        ("CHF", "C0018802", "abbreviation", "absent"),
    ]


def test_in_text_definition(extractor):
    text = "chronic obstructive pulmonary disease (COPD). COPD is stable."
    got = [(m.text, m.method) for m in extractor.extract(text).mentions]
    assert got == [
        ("chronic obstructive pulmonary disease", "exact"),
        ("COPD", "abbreviation"),
        ("COPD", "abbreviation"),
    ]


def test_candidate_index_nearest():
    index = CandidateIndex.build(
        [("pleural effusion", "C0032227"), ("pneumothorax", "C0032326"), ("pneumonia", "C0032285")]
    )
    assert [(a, c) for a, c, _ in index.query("pneumotorax", k=2)] == [
        ("pneumothorax", "C0032326"),
        ("pneumonia", "C0032285"),
    ]
