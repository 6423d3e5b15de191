"""The template explainer: deterministic, no model, one cited sentence per fact.

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

from medkg.rag.facts import IMAGE_RELATIONS, Fact, counted
from medkg.rag.generators.base import Generation

#: One sentence pattern per relation; {h} head, {t} tail, {n} support phrase.
PATTERNS = {
    "CO_OCCURS_WITH": "{h} is often reported together with {t}{n}",
    "SUGGESTIVE_OF": "{h} is described as suggestive of {t}{n}",
    "LOCATED_AT": "{h} is found at the {t}{n}",
    "ISA": "{h} is a kind of {t}",
    "PART_OF": "{h} is part of the {t}",
    "FINDING_SITE": "{h} has its site at the {t}",
    "ASSOCIATED_WITH": "{h} is associated with {t}",
    "POSITIVE": "Similar images show {t}{n}",
    "NEGATIVE": "Similar images do not show {t}{n}",
    "UNCERTAIN": "Similar images may show {t}{n}",
    "SUGGESTED_BY": "{h} is suggested by {t}{n}",
    "LOCATION_OF": "{h} is the site of {t}{n}",
    "HAS_SUBTYPE": "{h} includes {t}",
    "HAS_PART": "{h} includes the {t}",
    "FINDING_SITE_OF": "{h} is the site of {t}",
}


def _name(name: str, first: bool) -> str:
    if first:
        return name[:1].upper() + name[1:]
    return name if name.isupper() or " " not in name and name[:2].isupper() else name[:1].lower() + name[1:]


def fact_sentence(fact: Fact, number: int) -> str:
    """The cited sentence for one fact; "in 1 report", "in 2 reports".

    Examples
    --------
    >>> from medkg.rag.facts import Provenance
    >>> fact_sentence(Fact("C1", "Opacity", "LOCATED_AT", "C2", "Lung base",
    ...                    provenance=Provenance(("r1",), count=1)), 3)
    'Opacity is found at the lung base in 1 report [3].'
    """
    pattern = PATTERNS.get(fact.relation, "{h} " + fact.relation.lower().replace("_", " ") + " {t}{n}")
    count = fact.provenance.count
    support = "" if not count or fact.relation == "CO_OCCURS_WITH" else f" in {counted(count, 'report')}"
    if fact.relation in IMAGE_RELATIONS and count:
        support = f" ({count} of the nearest images)"
    text = pattern.format(h=_name(fact.head_name, True), t=_name(fact.tail_name, False), n=support)
    if fact.assertion == "absent" and fact.relation not in ("NEGATIVE",):
        text += ", reported as absent"
    return f"{text} [{number}]."


class TemplateGenerator:
    """Build an explanation only from the facts: sentence ``n`` states fact ``n`` and cites ``[n]``."""

    name = "template"

    def generate(self, facts: Sequence[Fact], question: str = "", image: Any = None) -> Generation:
        """One sentence per fact, in rank order; no facts gives an explicit 'no facts' sentence."""
        if not facts:
            text = "The knowledge graph holds no facts for this case."
        else:
            text = " ".join(fact_sentence(f, n) for n, f in enumerate(facts, 1))
        return Generation(text, tuple(facts), None, self.name)
