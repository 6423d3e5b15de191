"""Retrieved facts: a triple with names, CUIs, assertion, score and provenance.

A :class:`Fact` is what every retriever returns and every prompt, explanation and factuality
check consumes. Its :class:`Provenance` names the reports (and, when the store keeps text, the
sentences) the fact was read from, so a reader can open the source.

Examples
--------
>>> f = Fact("C0018800", "Cardiomegaly", "CO_OCCURS_WITH", "C0032227", "Pleural effusion",
...          score=0.4, provenance=Provenance(("r1", "r2"), count=2))
>>> f.triple()
('Cardiomegaly', 'co-occurs with', 'Pleural effusion')
>>> f.concept
'C0032227'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

_DIGITS = re.compile(r"(\d+)")

#: Relations whose support counts images (image retrieval), not reports.
IMAGE_RELATIONS = frozenset({"POSITIVE", "NEGATIVE", "UNCERTAIN"})

#: How relationship types read in prompts and explanations.
RELATION_PHRASES = {
    "CO_OCCURS_WITH": "co-occurs with",
    "SUGGESTIVE_OF": "suggestive of",
    "LOCATED_AT": "located at",
    "ISA": "is a",
    "PART_OF": "part of",
    "FINDING_SITE": "has finding site",
    "ASSOCIATED_WITH": "associated with",
    "POSITIVE": "shows",
    "NEGATIVE": "does not show",
    "UNCERTAIN": "may show",
    # inverse readings: a fact's head is the query concept, so an edge that points *into* the query
    # (e.g. "opacity SUGGESTIVE_OF effusion" retrieved for effusion) is stated with its inverse.
    "SUGGESTED_BY": "suggested by",
    "LOCATION_OF": "location of",
    "HAS_SUBTYPE": "has subtype",
    "HAS_PART": "has part",
    "FINDING_SITE_OF": "finding site of",
}

#: The inverse reading of each directed concept→concept relationship type.
INVERSE_RELATIONS = {
    "SUGGESTIVE_OF": "SUGGESTED_BY",
    "LOCATED_AT": "LOCATION_OF",
    "ISA": "HAS_SUBTYPE",
    "PART_OF": "HAS_PART",
    "FINDING_SITE": "FINDING_SITE_OF",
}


#: The stored type an inverse reading stands for: ``"SUGGESTED_BY"`` → ``"SUGGESTIVE_OF"``.
FORWARD_RELATIONS = {inverse: forward for forward, inverse in INVERSE_RELATIONS.items()}


def inverse_relation(relation: str) -> str:
    """The type that reads ``relation`` from its target: ``"SUGGESTIVE_OF"`` → ``"SUGGESTED_BY"``.

    Symmetric types (``ASSOCIATED_WITH``, ``CO_OCCURS_WITH``) are their own inverse.

    >>> inverse_relation("LOCATED_AT"), inverse_relation("ASSOCIATED_WITH")
    ('LOCATION_OF', 'ASSOCIATED_WITH')
    """
    return INVERSE_RELATIONS.get(relation, relation)


def relation_phrase(relation: str) -> str:
    """The reading of a relationship type (``"SUGGESTIVE_OF"`` → ``"suggestive of"``)."""
    return RELATION_PHRASES.get(relation, relation.lower().replace("_", " "))


def reading_name(name: str) -> str:
    """A concept name as it reads inside a sentence: lower case, acronyms kept (a word whose
    first two characters are capitals).

    >>> reading_name("Pleural Effusion"), reading_name("ET tube"), reading_name("DVTs")
    ('pleural effusion', 'ET tube', 'DVTs')
    """
    return " ".join(w if w[:2].isupper() else w.lower() for w in name.split())


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders digit runs by value: ``"374"`` before ``"1230"``, ``"r2"`` before ``"r10"``.

    Examples
    --------
    >>> sorted(["1230", "r10", "374", "r2"], key=natural_key)
    ['374', '1230', 'r2', 'r10']
    """
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in _DIGITS.split(text) if p)


def counted(count: int, unit: str) -> str:
    """``"1 report"``, ``"3 reports"``: a count with its unit, singular for one.

    Examples
    --------
    >>> counted(1, "report"), counted(2, "image")
    ('1 report', '2 images')
    """
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


@dataclass(frozen=True, slots=True)
class Sentence:
    """One source sentence: report, section, sentence index and (when stored) its text."""

    report_id: str
    section: str
    index: int
    text: str | None = None
    laterality: str | None = None


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a fact comes from: report ids (a sample when many), sentences, and the full count."""

    report_ids: tuple[str, ...] = ()
    count: int = 0
    sentences: tuple[Sentence, ...] = ()
    sources: tuple[str, ...] = ()  # e.g. ontology sources ("MSH") for ontology facts
    images: tuple[str, ...] = ()  # sample image ids whose finding edges carry the evidence

    @classmethod
    def of_reports(
        cls, reports: Iterable[str], limit: int | None = None, images: tuple[str, ...] = ()
    ) -> Provenance:
        """Provenance whose ``count`` is the number of distinct ``reports`` and whose ``report_ids``
        are the first ``limit`` of them in natural order: the two agree by construction.

        Examples
        --------
        >>> p = Provenance.of_reports(["1230", "374", "374", "9"], limit=2)
        >>> p.report_ids, p.count
        (('9', '374'), 3)
        """
        ids = sorted(set(reports), key=natural_key)
        return cls(tuple(ids[:limit] if limit else ids), count=len(ids), images=images)

    @property
    def more(self) -> int:
        """How many supporting reports are not listed in ``report_ids`` (0 when all are)."""
        return max(self.count - len(self.report_ids), 0)


@dataclass(frozen=True, slots=True)
class Fact:
    """A retrieved triple ``(head, relation, tail)``; ``tail`` is the retrieved concept.

    ``assertion`` is ``"present"``, ``"absent"`` or ``"uncertain"``; ``score`` is the ranking
    score (higher first); ``components`` keeps the parts of the score for inspection.
    """

    head: str
    head_name: str
    relation: str
    tail: str
    tail_name: str
    assertion: str = "present"
    score: float = 0.0
    provenance: Provenance = field(default_factory=Provenance)
    laterality: str | None = None
    components: tuple[tuple[str, float], ...] = ()

    @property
    def concept(self) -> str:
        """The CUI this fact contributes to an answer (its tail)."""
        return self.tail

    def triple(self) -> tuple[str, str, str]:
        """``(head name, relation phrase, tail name)``, as KG-LLaVA prints triplets."""
        return (self.head_name, relation_phrase(self.relation), self.tail_name)

    def forward(self) -> tuple[str, str, str]:
        """``(source name, relationship type, target name)`` as the edge is stored: an inverse
        reading is turned back ("Pneumonia SUGGESTED_BY Opacity" → ``("Opacity", "SUGGESTIVE_OF",
        "Pneumonia")``).

        Examples
        --------
        >>> Fact("C1", "Pneumonia", "SUGGESTED_BY", "C2", "Opacity").forward()
        ('Opacity', 'SUGGESTIVE_OF', 'Pneumonia')
        """
        forward = FORWARD_RELATIONS.get(self.relation)
        if forward is None:
            return (self.head_name, self.relation, self.tail_name)
        return (self.tail_name, forward, self.head_name)

    def text(self) -> str:
        """One line: ``"Cardiomegaly co-occurs with Pleural effusion (12 reports)"``.

        The support reads "1 report", "n reports" (or images, for image-retrieval facts).

        Examples
        --------
        >>> Fact("C1", "Cardiomegaly", "SUGGESTIVE_OF", "C2", "Atelectasis",
        ...      provenance=Provenance(("r1",), count=1)).text()
        'Cardiomegaly suggestive of Atelectasis (1 report)'
        """
        head, rel, tail = self.triple()
        if self.assertion == "absent":
            rel = f"not {rel}" if not rel.startswith("does not") else rel
        unit = "image" if self.relation in IMAGE_RELATIONS else "report"
        extra = f" ({counted(self.provenance.count, unit)})" if self.provenance.count else ""
        return f"{head} {rel} {tail}{extra}"


class Facts(Sequence[Fact]):
    """An ordered, immutable list of facts that renders as a table in Jupyter.

    Examples
    --------
    >>> Facts([]).concepts()
    []
    """

    __slots__ = ("_items", "notes")

    def __init__(self, items: Iterable[Fact] = (), notes: Iterable[str] = ()) -> None:
        self._items: tuple[Fact, ...] = tuple(items)
        self.notes: tuple[str, ...] = tuple(notes)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return Facts(self._items[index], self.notes)
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Fact]:
        return iter(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Facts):
            return self._items == other._items
        if isinstance(other, list | tuple):
            return list(self._items) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"Facts({len(self)} facts)"

    def concepts(self) -> list[str]:
        """Retrieved concepts (tails) in rank order, each once."""
        return list(dict.fromkeys(f.tail for f in self._items))

    def scores(self) -> list[float]:
        return [f.score for f in self._items]

    def _repr_html_(self) -> str:
        from medkg.rag.html import facts_html

        return facts_html(self)
