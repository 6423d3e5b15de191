"""spaCy components give the same mentions as ``Extractor.extract`` (real Open-i dev reports)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import spacy

from medkg.extract import components
from medkg.extract.sections import combine_sections

DEV = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "openi" / "dev.csv"


def _texts(n: int) -> list[str]:
    with DEV.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[:n]
    return [combine_sections({c: r[c] for c in ("indication", "findings", "impression")})[0] for r in rows]


def _key(span) -> tuple:
    return (*span._.char_span, span._.cui, span._.section, span._.sentence, span._.assertion,
            span._.historical, span._.hypothetical, span._.laterality, span._.severity, span._.method)


def _expected(extractor, text: str) -> list[tuple]:
    return [(m.start, m.end, m.cui, m.section.value, m.sentence, m.assertion.value, m.historical,
             m.hypothetical, m.laterality, m.severity, m.method) for m in extractor.extract(text).mentions]


@pytest.fixture(scope="module")
def seed_extractor():
    return components.shared_extractor()


@pytest.mark.skipif(not DEV.is_file(), reason="Open-i dev split not in ../shared")
@pytest.mark.parametrize("pipes", [("medkg_concepts", "medkg_context"), ("medkg_extractor",)])
def test_components_equal_extractor_on_dev(seed_extractor, pipes):
    nlp = spacy.blank("en")
    nlp.add_pipe("medkg_sections", config={"set_sentences": True})
    for name in pipes:
        nlp.add_pipe(name)
    texts = _texts(300)
    total = 0
    for text, doc in zip(texts, nlp.pipe(texts), strict=True):
        assert [_key(s) for s in doc.spans["medkg"]] == _expected(seed_extractor, text)
        total += len(doc.spans["medkg"])
    assert total > 1000


def test_concepts_and_context_on_one_report():
    nlp = spacy.blank("en")
    nlp.add_pipe("medkg_sections")
    nlp.add_pipe("medkg_concepts")
    nlp.add_pipe("medkg_context")
    doc = nlp("FINDINGS: No pleural effusion. Small left pneumothorax.\n\nIMPRESSION: Cardiomegaly.")
    got = [(e.text, e.label_, e._.assertion, e._.laterality, e._.severity, e._.section) for e in doc.ents]
    assert got == [
        ("pleural effusion", "C0032227", "absent", None, None, "findings"),
        ("pneumothorax", "C0032326", "present", "left", "small", "findings"),
        ("Cardiomegaly", "C0018800", "present", None, None, "impression"),
    ]
    assert [(s.label_, s.text[:9]) for s in doc.spans["medkg_sections"]] == [
        ("findings", "FINDINGS:"), ("impression", "IMPRESSIO")]


def test_context_without_concepts_is_a_clear_error():
    nlp = spacy.blank("en")
    nlp.add_pipe("medkg_context")
    with pytest.raises(Exception, match="medkg_concepts"):
        nlp("No effusion.")
