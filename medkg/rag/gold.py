"""Manual gold codes (``Head/qualifier/...;...``, as Open-i's MeSH column) resolved through an ontology.

Examples
--------
>>> parse_codes("Opacity/lung/apex/left;Cardiomegaly;normal")
[('Opacity', ('lung', 'apex', 'left')), ('Cardiomegaly', ()), ('normal', ())]
"""

from __future__ import annotations

from dataclasses import dataclass

from medkg.ontology.model import Ontology

SIDES = ("left", "right", "bilateral")


def parse_codes(value: str) -> list[tuple[str, tuple[str, ...]]]:
    """``(head, qualifiers)`` per ``;``-separated code, empty codes dropped."""
    out = []
    for code in (value or "").split(";"):
        parts = [p.strip() for p in code.split("/")]
        if parts and parts[0]:
            out.append((parts[0], tuple(p for p in parts[1:] if p)))
    return out


@dataclass(frozen=True)
class GoldFindings:
    """A case's present findings from its manual codes: CUIs and the sides coded for each."""

    cuis: frozenset[str]
    sides: dict[str, frozenset[str]]
    unresolved: tuple[str, ...] = ()
    groups: tuple[frozenset[str], ...] = ()  # one per distinct code head: the CUIs it resolves to


def resolve_codes(value: str, ontology: Ontology) -> GoldFindings:
    """Resolve each code's head through ``ontology.lookup``; qualifiers give laterality.

    A head that resolves to several CUIs (two ontology entries named "Scoliosis") is one
    finding: ``groups`` keeps one CUI set per distinct head.

    Examples
    --------
    >>> from medkg.ontology.model import Concept, Ontology
    >>> onto = Ontology.from_parts([Concept("C0032227", "Pleural effusion")])
    >>> g = resolve_codes("Pleural Effusion/right;Unknown Thing", onto)
    >>> sorted(g.cuis), sorted(g.sides["C0032227"]), g.unresolved
    (['C0032227'], ['right'], ('Unknown Thing',))
    """
    cuis: set[str] = set()
    sides: dict[str, set[str]] = {}
    unresolved = []
    groups: dict[frozenset[str], None] = {}
    for head, qualifiers in parse_codes(value):
        found = [c.cui for c in ontology.lookup(head)]
        if not found:
            unresolved.append(head)
        else:
            groups[frozenset(found)] = None
        side = {q.lower() for q in qualifiers if q.lower() in SIDES}
        for cui in found:
            cuis.add(cui)
            sides.setdefault(cui, set()).update(side)
    return GoldFindings(
        frozenset(cuis), {c: frozenset(s) for c, s in sides.items()}, tuple(unresolved), tuple(groups)
    )
