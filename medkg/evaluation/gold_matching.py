"""Hits of retrieved concepts on gold findings: strict, or resolved through the ontology's ``ISA``.

A gold finding is one manual code head, resolved to the CUIs it names (:mod:`medkg.rag.gold`).

- **strict**: a retrieved concept hits a gold finding when it is one of those CUIs.
- **resolved**: it also hits when it is an ``ISA`` descendant of one of them in the ontology —
  the coder wrote the general head, the retrieval names a kind of it (gold "Fractures, Bone" ←
  retrieved "Rib Fractures"; gold "Medical device" ← retrieved "Surgical clips"). A general
  concept never hits a more specific gold (retrieving "Calcinosis" says nothing about
  "Vascular Calcification"), and ``part_of`` does not count ("Lung base" is not a kind of Lung).

The same matcher scores the graph and every baseline, so neither gains from it alone.

Examples
--------
>>> from medkg.ontology.model import Concept, Ontology, Relation
>>> onto = Ontology.from_parts(
...     [Concept("F", "Fractures, Bone"), Concept("R", "Rib Fractures")], [Relation("R", "RB", "isa", "F")]
... )
>>> gold = (frozenset({"F"}),)
>>> recall_precision(["R"], gold), recall_precision(["R"], GoldMatcher(onto).expand(gold))
((0.0, 0.0), (1.0, 1.0))
"""

from __future__ import annotations

from collections.abc import Sequence

from medkg.ontology.model import Ontology


class GoldMatcher:
    """Expands gold findings with their ``ISA`` descendants (memoised per CUI)."""

    def __init__(self, ontology: Ontology) -> None:
        self.ontology = ontology
        self._memo: dict[str, frozenset[str]] = {}

    def below(self, cui: str) -> frozenset[str]:
        """``cui`` and its ``ISA`` descendants in the ontology."""
        found = self._memo.get(cui)
        if found is None:
            found = frozenset(self.ontology.descendants(cui)) | {cui}
            self._memo[cui] = found
        return found

    def expand(self, gold: Sequence[frozenset[str]]) -> tuple[frozenset[str], ...]:
        """Each gold finding widened to the concepts that count as a hit of it."""
        return tuple(frozenset().union(*(self.below(c) for c in g)) for g in gold)


def recall_precision(retrieved: Sequence[str], gold: Sequence[frozenset[str]]) -> tuple[float, float]:
    """Share of gold findings hit, share of (distinct) retrieved concepts hitting some gold finding.

    Examples
    --------
    >>> recall_precision(["a", "b", "a"], (frozenset({"a"}), frozenset({"c", "d"})))
    (0.5, 0.5)
    """
    got = list(dict.fromkeys(retrieved))
    hits = sum(1 for g in gold if g.intersection(got))
    right = sum(1 for c in got if any(c in g for g in gold))
    return hits / len(gold) if gold else 0.0, (right / len(got) if got else 0.0)
