"""Sections and sentences: headers, variants, section columns, provenance of mentions."""

from __future__ import annotations

from medkg.extract.sections import combine_sections, find_sections, section_of
from medkg.extract.sentences import split_sentences
from medkg.extract.types import Section


def test_headers_and_variants():
    text = "INDICATION: cough\nFINDNGS: x\nImpresion: No effusion.\nCOMPARISON: none"
    got = [(s.section, s.header, s.start, s.end) for s in find_sections(text)]
    assert got == [
        (Section.INDICATION, "INDICATION:", 0, 18),
        (Section.FINDINGS, "FINDNGS:", 18, 29),
        (Section.IMPRESSION, "Impresion:", 29, 53),
        (Section.COMPARISON, "COMPARISON:", 53, 69),
    ]


def test_text_before_headers_is_unknown():
    assert [(s.section, s.start, s.end) for s in find_sections("Clear. FINDINGS: ok")] == [
        (Section.UNKNOWN, 0, 7),
        (Section.FINDINGS, 7, 19),
    ]
    assert section_of("Reason for exam") is Section.INDICATION
    assert section_of("uid") is Section.UNKNOWN


def test_combine_sections_in_given_order():
    text, spans = combine_sections({"impression": "Normal.", "findings": " Clear. ", "indication": None})
    assert text == "IMPRESSION: Normal.\n\nFINDINGS: Clear."
    assert [(s.section, s.start, s.end) for s in spans] == [
        (Section.IMPRESSION, 0, 19),
        (Section.FINDINGS, 21, 37),
    ]


def test_sentences_lists_and_missing_space():
    text, spans = combine_sections(
        {"impression": "1. No effusion. 2. Heart is normal.Lungs clear. Dr. XXXX."}
    )
    got = [text[s.start : s.end] for s in split_sentences(text, spans)]
    assert got == ["1. No effusion.", "2. Heart is normal.", "Lungs clear.", "Dr. XXXX."]


def test_mentions_carry_section_sentence_and_span(extractor):
    r = extractor.extract({"indication": "Pneumonia?", "findings": "No pneumothorax. Small effusion."}, "r1")
    got = [(m.text, m.section, m.sentence, m.start, m.end, r.text[m.start : m.end]) for m in r.mentions]
    assert got == [
        ("Pneumonia", Section.INDICATION, 0, 12, 21, "Pneumonia"),
        ("pneumothorax", Section.FINDINGS, 1, 37, 49, "pneumothorax"),
        ("effusion", Section.FINDINGS, 2, 57, 65, "effusion"),
    ]
    assert r.report_id == "r1"


def test_normalization_plural_hyphen_case_redaction(extractor):
    r = extractor.extract("FINDINGS: Bilateral PLEURAL-EFFUSIONS. XXXX atelectases.")
    assert [(m.text, m.cui, m.laterality) for m in r.mentions] == [
        ("PLEURAL-EFFUSIONS", "C0032227", "bilateral"),
        ("atelectases", "C0004144", None),
    ]


def test_modifiers(extractor):
    r = extractor.extract(
        "Small left pleural effusion. Mild atelectasis in the right base. Moderate cardiomegaly."
    )
    assert [(m.text, m.laterality, m.severity) for m in r.mentions] == [
        ("pleural effusion", "left", "small"),
        ("atelectasis", "right", "mild"),
        ("cardiomegaly", None, "moderate"),
    ]
