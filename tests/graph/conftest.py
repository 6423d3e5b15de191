"""Hand-made reports (our own wording) with hand-made extractions over real DO/HPO CUIs.

Four studies, six images:

* R1 (patient P1, study S1, images I1a PA + I1b LATERAL)
  FINDINGS: small right pleural effusion (present), pneumothorax (absent);
  IMPRESSION: cardiomegaly (present), atelectasis (present) suggestive of pneumonia (uncertain);
  INDICATION: pneumonia (hypothetical; never an image edge).
* R2 (patient P1, study S2, image I2 PA): FINDINGS: pleural effusion (absent).
* R3 (patient P2, study S3, image I3 AP): FINDINGS: left pneumothorax (uncertain);
  IMPRESSION: pulmonary edema.
* R4 (no patient, study S4, images I4 PA + I4L LATERAL): FINDINGS: spontaneous pneumothorax
  (present, historical).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from medkg.datasets.types import ImageRecord, ReportRecord
from medkg.extract.types import (
    Assertion,
    Mention,
    MentionRelation,
    ReportExtraction,
    Section,
    SectionSpan,
    SentenceSpan,
)
from medkg.ontology.model import Ontology
from medkg.ontology.obo import load_obo

SOURCES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ontology-sources"

EFFUSION, PNEUMOTHORAX, CARDIOMEGALY = "C0032227", "C0032326", "C0018800"
ATELECTASIS, PNEUMONIA, EDEMA, SPONT_PTX = "C0004144", "C0032285", "C0034063", "C0149781"
LUNG_DISEASE = "C0024115"

# (section, text) per report, and mentions as (section index, phrase, cui, assertion, extras)
REPORTS = {
    "R1": (
        [
            (Section.INDICATION, "Evaluate for pneumonia."),
            (Section.FINDINGS, "There is a small right pleural effusion. No pneumothorax."),
            (Section.IMPRESSION, "Cardiomegaly. Atelectasis suggestive of pneumonia."),
        ],
        [
            (0, "pneumonia", PNEUMONIA, Assertion.UNCERTAIN, {"hypothetical": True}),
            (1, "pleural effusion", EFFUSION, Assertion.PRESENT, {"laterality": "right", "severity": "small"}),  # noqa: E501
            (1, "pneumothorax", PNEUMOTHORAX, Assertion.ABSENT, {}),
            (2, "Cardiomegaly", CARDIOMEGALY, Assertion.PRESENT, {}),
            (2, "Atelectasis", ATELECTASIS, Assertion.PRESENT, {}),
            (2, "pneumonia", PNEUMONIA, Assertion.UNCERTAIN, {}),
        ],
        [("suggestive_of", 4, 5)],
    ),
    "R2": (
        [(Section.FINDINGS, "No pleural effusion. Heart size is normal.")],
        [(0, "pleural effusion", EFFUSION, Assertion.ABSENT, {})],
        [],
    ),
    "R3": (
        [(Section.FINDINGS, "Possible pneumothorax on the left."), (Section.IMPRESSION, "Pulmonary edema.")],
        [
            (0, "pneumothorax", PNEUMOTHORAX, Assertion.UNCERTAIN, {"laterality": "left"}),
            (1, "Pulmonary edema", EDEMA, Assertion.PRESENT, {}),
        ],
        [],
    ),
    "R4": (
        [(Section.FINDINGS, "Known spontaneous pneumothorax.")],
        [(0, "spontaneous pneumothorax", SPONT_PTX, Assertion.PRESENT, {"historical": True})],
        [],
    ),
}  # fmt: skip

STUDIES = {
    "R1": ("S1", "P1", [("I1a", "PA"), ("I1b", "LATERAL")]),
    "R2": ("S2", "P1", [("I2", "PA")]),
    "R3": ("S3", "P2", [("I3", "AP")]),
    "R4": ("S4", None, [("I4", "PA"), ("I4L", "LATERAL")]),
}


def make_extraction(rid: str) -> ReportExtraction:
    sections_spec, mention_spec, relation_spec = REPORTS[rid]
    text, sections, sentences, bounds = "", [], [], []
    for section, body in sections_spec:
        header = f"{section.value.upper()}: "
        start = len(text) + len(header)
        text += header + body
        sections.append(SectionSpan(section, header.strip(), start, len(text)))
        bounds.append(start)
        pos = start
        for piece in body.split(". "):
            end = pos + len(piece) + (0 if piece.endswith(".") else 1)
            sentences.append(SentenceSpan(len(sentences), pos, end, section))
            pos = end + 1
        text += "\n"
    mentions = []
    for sec_index, phrase, cui, assertion, extras in mention_spec:
        section = sections[sec_index]
        start = text.index(phrase, section.start, section.end)
        end = start + len(phrase)
        sent = next(s.index for s in sentences if s.start <= start < s.end)
        mentions.append(
            Mention(cui, phrase.lower(), phrase, start, end, section.section, sent, assertion, **extras)
        )
    relations = tuple(MentionRelation(kind, s, t) for kind, s, t in relation_spec)
    return ReportExtraction(rid, text, tuple(sections), tuple(sentences), tuple(mentions), relations)


class FixedExtractor:
    """Returns the hand-made extraction of each report id (the real extractor is tested elsewhere)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def extract(self, report, report_id: str = "") -> ReportExtraction:
        self.calls.append(report_id)
        return make_extraction(report_id)


def make_record(rid: str) -> ReportRecord:
    study, patient, images = STUDIES[rid]
    sections = {str(s): body for s, body in REPORTS[rid][0]}
    imgs = tuple(ImageRecord(i, study, f"images/{i}.png", view) for i, view in images)
    return ReportRecord(rid, study, sections, patient, imgs, source=f"fixture:{rid}")


@pytest.fixture(scope="session")
def ontology() -> Ontology:
    """DO (with its isa relations) plus the HPO concepts the reports use and HPO's isa among them."""
    onto = load_obo(SOURCES / "doid_2016-09-01.obo")
    hpo = load_obo(SOURCES / "hp_2025-01-16.obo")
    wanted = {EFFUSION, PNEUMOTHORAX, CARDIOMEGALY, ATELECTASIS, EDEMA, SPONT_PTX}
    for cui in wanted:
        onto.add_concept(hpo[cui])
    for rel in hpo.relations:
        if rel.head in wanted and rel.tail in wanted:
            onto.add_relation(rel)
    return onto


@pytest.fixture()
def records() -> list[ReportRecord]:
    return [make_record(r) for r in ("R1", "R2", "R3", "R4")]


@pytest.fixture()
def extractor() -> FixedExtractor:
    return FixedExtractor()


@pytest.fixture(scope="session")
def C() -> SimpleNamespace:
    """The fixture's CUIs and helpers by name (test modules cannot import conftest)."""
    return SimpleNamespace(
        EFFUSION=EFFUSION, PNEUMOTHORAX=PNEUMOTHORAX, CARDIOMEGALY=CARDIOMEGALY, ATELECTASIS=ATELECTASIS,
        PNEUMONIA=PNEUMONIA, EDEMA=EDEMA, SPONT_PTX=SPONT_PTX, LUNG_DISEASE=LUNG_DISEASE,
        make_record=make_record, make_extraction=make_extraction, FixedExtractor=FixedExtractor,
    )  # fmt: skip
