"""The template explainer: deterministic, no model, one cited sentence per fact, grouped by diagnosis.

Examples
--------
>>> from medkg.rag.facts import Fact, Provenance
>>> f = Fact("C1", "Pulmonary opacity", "SUGGESTIVE_OF", "C2", "Atelectasis", provenance=Provenance(count=16))
>>> TemplateGenerator().generate([f]).text
'Pulmonary opacity is described as suggestive of atelectasis in 16 reports [1].'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from medkg.rag.facts import IMAGE_RELATIONS, Fact, counted, reading_name
from medkg.rag.generators.base import Generation

#: One sentence pattern per relation; {h} head, {t} tail, {n} support phrase. A fact read with an
#: inverse relation ("Pneumonia SUGGESTED_BY Opacity") is written the way the reports state it.
PATTERNS = {
    "CO_OCCURS_WITH": "{h} is reported together with {t}{n}",
    "SUGGESTIVE_OF": "{h} is described as suggestive of {t}{n}",
    "SUGGESTED_BY": "{t} is described as suggestive of {h_lower}{n}",
    "LOCATED_AT": "{h} is described at the {t}{n}",
    "LOCATION_OF": "{t} is described at the {h_lower}{n}",
    "ISA": "{h} is a kind of {t}",
    "PART_OF": "{h} is part of the {t}",
    "FINDING_SITE": "{h} has its site at the {t}",
    "ASSOCIATED_WITH": "{h} is associated with {t}",
    "POSITIVE": "Similar images show {t}{n}",
    "NEGATIVE": "Similar images do not show {t}{n}",
    "UNCERTAIN": "Similar images may show {t}{n}",
    "HAS_SUBTYPE": "{h} includes {t}",
    "HAS_PART": "{h} includes the {t}",
    "FINDING_SITE_OF": "{h} is the site of {t}",
}


def _name(name: str, first: bool) -> str:
    return name[:1].upper() + name[1:] if first else reading_name(name)


def fact_sentence(fact: Fact, number: int) -> str:
    """The cited sentence for one fact, with its support: "in 1 report", "in 2 reports".

    Examples
    --------
    >>> from medkg.rag.facts import Provenance
    >>> fact_sentence(Fact("C1", "Opacity", "LOCATED_AT", "C2", "Lung base",
    ...                    provenance=Provenance(("r1",), count=1)), 3)
    'Opacity is described at the lung base in 1 report [3].'
    >>> fact_sentence(Fact("C1", "Pneumonia", "SUGGESTED_BY", "C2", "Opacity",
    ...                    provenance=Provenance(count=24)), 1)
    'Opacity is described as suggestive of pneumonia in 24 reports [1].'
    """
    pattern = PATTERNS.get(fact.relation, "{h} " + fact.relation.lower().replace("_", " ") + " {t}{n}")
    count = fact.provenance.count
    support = f" in {counted(count, 'report')}" if count else ""
    if fact.relation in IMAGE_RELATIONS and count:
        support = f" ({count} of the nearest images)"
    inverse = fact.relation in ("SUGGESTED_BY", "LOCATION_OF")
    text = pattern.format(
        h=_name(fact.head_name, True),
        h_lower=_name(fact.head_name, False),
        t=_name(fact.tail_name, inverse),
        n=support,
    )
    if fact.assertion == "absent" and fact.relation not in ("NEGATIVE",):
        text += ", reported as absent"
    return f"{text} [{number}]."


def grouped(facts: Sequence[Fact]) -> list[tuple[int, Fact]]:
    """``(citation number, fact)`` grouped by the fact's head (the diagnosis asked about), the
    groups in order of first appearance, rank order inside a group.

    Examples
    --------
    >>> fs = [Fact("A", "A", "LOCATED_AT", "x", "x"), Fact("B", "B", "LOCATED_AT", "y", "y"),
    ...       Fact("A", "A", "SUGGESTED_BY", "z", "z")]
    >>> [n for n, _ in grouped(fs)]
    [1, 3, 2]
    """
    first: dict[str, int] = {}
    for n, f in enumerate(facts):
        first.setdefault(f.head, n)
    numbered = list(enumerate(facts, 1))
    return sorted(numbered, key=lambda nf: (first[nf[1].head], nf[0]))


class TemplateGenerator:
    """Build an explanation only from the facts: sentence ``n`` states fact ``n`` and cites ``[n]``."""

    name = "template"

    def generate(self, facts: Sequence[Fact], question: str = "", image: Any = None) -> Generation:
        """One sentence per fact, grouped by diagnosis (:func:`grouped`), each citing its fact's
        number in the prompt; no facts gives an explicit 'no facts' sentence."""
        if not facts:
            text = "The knowledge graph holds no facts for this case."
        else:
            text = " ".join(fact_sentence(f, n) for n, f in grouped(facts))
        return Generation(text, tuple(facts), None, self.name)
