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

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

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
}


def relation_phrase(relation: str) -> str:
    """The reading of a relationship type (``"SUGGESTIVE_OF"`` → ``"suggestive of"``)."""
    return RELATION_PHRASES.get(relation, relation.lower().replace("_", " "))


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

    def text(self) -> str:
        """One line: ``"Cardiomegaly co-occurs with Pleural effusion (12 reports)"``."""
        head, rel, tail = self.triple()
        if self.assertion == "absent":
            rel = f"not {rel}" if not rel.startswith("does not") else rel
        extra = f" ({self.provenance.count} reports)" if self.provenance.count else ""
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
