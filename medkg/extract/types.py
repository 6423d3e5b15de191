"""Typed results of the extraction stage: what crosses from ``medkg.extract`` to linking and the graph."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Assertion(StrEnum):
    """Whether a finding is asserted in the report (MEDMKG's POSITIVE / NEGATIVE / UNCERTAIN)."""

    PRESENT = "present"
    ABSENT = "absent"
    UNCERTAIN = "uncertain"


class Section(StrEnum):
    """Canonical report sections. Text before any header is ``UNKNOWN``."""

    FINDINGS = "findings"
    IMPRESSION = "impression"
    INDICATION = "indication"
    HISTORY = "history"
    COMPARISON = "comparison"
    TECHNIQUE = "technique"
    RECOMMENDATION = "recommendation"
    NOTIFICATION = "notification"
    UNKNOWN = "unknown"


#: Sections whose mentions describe the image (the default for image→concept edges).
IMAGE_SECTIONS = frozenset({Section.FINDINGS, Section.IMPRESSION})

#: Semantic types of concepts that are no image finding: signs and symptoms ("dyspnea", "cough")
#: are what the patient reports. They set no label and make no image→concept edge.
NOT_IMAGE_TUIS = frozenset({"T184"})


@dataclass(frozen=True, slots=True)
class SectionSpan:
    section: Section
    header: str  # the header text as written ("" when none)
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class SentenceSpan:
    index: int  # 0-based index of the sentence in the report
    start: int
    end: int
    section: Section


@dataclass(frozen=True, slots=True)
class Mention:
    """One linked concept mention with its assertion, modifiers and provenance.

    ``start``/``end`` are character offsets into the report text; ``sentence`` indexes
    :attr:`ReportExtraction.sentences`. ``method`` says how the concept was linked
    (``"exact"``, ``"fuzzy"``, ``"abbreviation"``, ``"rule"``, ``"qualifier"`` for an anatomy
    mention made a finding by its qualifier, "lungs are hypoinflated"); ``score`` is 1.0 for exact
    matches.
    """

    cui: str
    name: str
    text: str
    start: int
    end: int
    section: Section
    sentence: int
    assertion: Assertion = Assertion.PRESENT
    historical: bool = False
    hypothetical: bool = False
    laterality: str | None = None  # "left" | "right" | "bilateral"
    severity: str | None = None  # "mild" | "moderate" | "severe" | "small" | "large" | ...
    codes: tuple[tuple[str, str], ...] = ()
    semantic_types: tuple[str, ...] = ()  # TUIs
    method: str = "exact"
    score: float = 1.0
    #: Asserted through a strong hedge ("suggests pneumonia", "probable atelectasis"): the
    #: assertion stays ``PRESENT`` (as Open-i indexes it) but the certainty is lower.
    hedged: bool = False
    #: A scoped statement that covers only part of an organ ("lungs are otherwise clear",
    #: "remainder of the lungs are clear"): kept only when the report asserts no exception to it.
    partial: bool = False
    #: A hedged mention that CheXpert's conventions read as uncertain: a tentative hedge
    #: ("probable", "presumed") or one of alternatives ("atelectasis or pneumonia", "A versus B",
    #: "volume loss/infiltrate"). Implies ``hedged``.
    tentative: bool = False


@dataclass(frozen=True, slots=True)
class MentionRelation:
    """A RadGraph-style relation between two mentions of one report (indexes into ``mentions``)."""

    kind: str  # "located_at" | "suggestive_of" | "modify"
    source: int
    target: int


@dataclass(frozen=True, slots=True)
class ReportExtraction:
    """Everything extracted from one report."""

    report_id: str
    text: str
    sections: tuple[SectionSpan, ...] = ()
    sentences: tuple[SentenceSpan, ...] = ()
    mentions: tuple[Mention, ...] = ()
    relations: tuple[MentionRelation, ...] = ()
    metadata: dict[str, str] = field(default_factory=dict)
